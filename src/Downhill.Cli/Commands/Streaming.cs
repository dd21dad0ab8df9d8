namespace Downhill.Cli.Commands;

/// <summary>
/// When and how <c>fit</c>, <c>solve</c> and <c>predict</c> read their data in chunks instead of
/// whole (issue 14): with <c>--stream</c>, or when the file is larger than <see cref="RamShare"/>
/// of the memory available, since reading it whole takes two to four times its size.
/// </summary>
internal static class Streaming
{
    /// <summary>A file larger than this share of the available memory is streamed.</summary>
    public const double RamShare = 0.125;

    public const string RamShareWords = "one eighth";

    /// <summary>Memory the process may use (the container's limit when there is one).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    public static Option<bool> Option(string what) => new("--stream")
    {
        Description = $"Read DATA in chunks with bounded memory ({what}). Chosen by itself when DATA is a file larger than {RamShareWords} of the available memory " +
            $"(now {AvailableBytes * RamShare / (1 << 20):N0} MB of {AvailableBytes / (1 << 20):N0} MB), since reading a file whole takes 2-4 times its size. " +
            "Parquet files are read by row group. Fit: one pass finds the scaling (mean and spread per column), the classes and the missing-value fill; each epoch then " +
            "visits the file's parts (16 MB byte ranges of a CSV, Parquet row groups) in a seeded order and shuffles rows within buffers of 64 MB. " +
            "Needs a batch size and a gradient optimizer other than lbfgs (lm, lbfgs, --batch full, --validation, --checkpoint, --resume, --trace and --report are refused).",
    };

    /// <summary>Why DATA is streamed, or null to read it into memory.</summary>
    public static string? Reason(ParseResult r, Option<bool> stream, string path)
    {
        if (r.GetValue(stream)) return "--stream";
        if (path == "-" || !File.Exists(path)) return null;
        long size = new FileInfo(path).Length;
        if (size > AvailableBytes * RamShare)
            return $"{path} ({size / (1 << 20):N0} MB) is larger than {RamShareWords} of the available memory ({AvailableBytes / (1 << 20):N0} MB); --stream is on";
        return null;
    }

    /// <summary>Opens DATA as a chunk source; standard input cannot be streamed (it is read twice).</summary>
    public static IChunkSource Open(string path, DataOptions options)
    {
        if (path == "-")
            throw new UsageException("--stream reads DATA more than once (a pass for the scaling, then one per epoch), which standard input allows only once; save the data to a file and give its path.");
        if (!File.Exists(path) && DataSource.BuiltInNames.Contains(path))
            throw new UsageException($"--stream reads files; the built-in set {path} is read into memory (leave out --stream).");
        return ChunkSources.Open(path, options);
    }

    /// <summary>The outputs of 'fit' a streaming run writes.</summary>
    public sealed record FitOutputs(string Out, string? History, string? Plot, string? Test, bool Json, bool Quiet, bool PlanOnly, ImageSize Size, char? Delimiter, char? Decimal);

    /// <summary><c>fit --stream</c>: plan from one pass, train epoch by epoch from the file, save and report as 'fit' does.</summary>
    public static int Fit(FitSettings settings, IChunkSource source, string reason, FitOutputs o)
    {
        var info = o.Json ? Console.Error : Console.Out;
        Console.Error.WriteLine($"note: streaming {source.Name}: {reason}.");
        var plan = StreamFitting.Plan(source, settings);
        if (plan.Summary.DroppedRows > 0)
            Console.Error.WriteLine($"note: {source.Name}: left out {plan.Summary.DroppedRows} rows with a missing {(source.MissingPolicy == MissingValues.Drop ? "cell" : "target")} (--missing {source.MissingPolicy.ToString().ToLowerInvariant()}).");
        if (o.PlanOnly)
        {
            foreach (var line in plan.Describe()) Console.WriteLine(line);
            return ExitCodes.Success;
        }
        if (!o.Quiet) foreach (var line in plan.Describe().Take(1)) Console.WriteLine(line);
        using var cancel = new CancellationTokenSource();
        FitOutcome outcome;
        using (Cli.CancelOnCtrlC(cancel, "stopping after the current batch; the model will be saved..."))
            outcome = new Progress(o.Quiet, plan.Plan.Settings.Training.Epochs, plan.Plan.EpochLossUnits.Factor).Run(cb => StreamFitting.Fit(plan, cb, cancel.Token));
        bool allWritten = true;
        if (o.History is { } historyPath) allWritten &= Cli.TryWrite("--history", historyPath, () => FitCommand.WriteHistory(historyPath, outcome.Result.History));
        if (!o.Json) FitCommand.Summarize(outcome);
        foreach (var warning in outcome.Warnings) Console.Error.WriteLine($"warning: {SettingFlags.ToFlags(warning)}");
        if (o.Plot is { } plotPath && outcome.Result.History.Count > 0)
            allWritten &= Cli.TryWrite("--plot", plotPath, () =>
            {
                TrainingPictures.LossCurves(outcome).Save(plotPath, o.Size);
                info.WriteLine($"loss curves drawn in {plotPath}");
            });
        Dictionary<string, double>? tested = null;
        if (outcome.Result.Divergence is null)
        {
            bool saved = Cli.SaveModel(outcome.Model, o.Out, "--out");
            allWritten &= saved;
            if (saved && !o.Json) Console.WriteLine($"model saved to {o.Out}");
            if (o.Test is { } testPath)
            {
                var predictor = new Predictor(outcome.Model);
                var testData = Cli.LoadData(testPath, predictor.DataOptions(withTargets: true, delimiter: o.Delimiter) with { DecimalSeparator = o.Decimal });
                tested = predictor.Evaluate(testData);
                info.WriteLine("test (" + testData.Source + "): " + string.Join("  ", tested.Select(m => $"{m.Key} {Progress.Format(m.Value)}")));
            }
        }
        if (o.Json) Console.WriteLine(FitJson.Write(outcome, tested));
        if (outcome.Result.Divergence is { } d)
        {
            Console.Error.WriteLine($"error: {d.Describe()}");
            Console.Error.WriteLine($"{o.Out} was not written (the weights had diverged).");
            return ExitCodes.Diverged;
        }
        return allWritten ? ExitCodes.Success : ExitCodes.BadInput;
    }

    /// <summary>
    /// <c>predict</c> on a streamed file: each chunk is predicted and appended to the output,
    /// so memory holds one chunk whatever the rows. The file appears whole when done (written beside it, then moved).
    /// </summary>
    public static int Predict(Predictor predictor, IChunkSource source, string? output, string? idColumn, bool json, bool probabilities)
    {
        long rows = 0;
        void WriteAll(TextWriter writer)
        {
            bool first = true;
            foreach (var chunk in source.Read(ChunkSources.AllParts(source), ChunkSources.DefaultChunkRows))
            {
                var predictions = predictor.Predict(chunk.ToDataset(source));
                var ids = idColumn is null ? null : chunk.Ids;
                writer.Write(json
                    ? PredictCommand.ToJsonLines(predictions, ids, probabilities)
                    : PredictCommand.ToCsv(predictions, idColumn, ids, probabilities, header: first));
                first = false;
                rows += predictions.Rows;
            }
            if (first) throw new UsageException($"{source.Name} has a header row but no data rows; add at least one row of values below the header.");
        }
        if (output is null)
        {
            WriteAll(Console.Out);
            return ExitCodes.Success;
        }
        AtomicFile.Write(output, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            WriteAll(writer);
        });
        Console.Error.WriteLine($"{rows} predictions written to {output}");
        return ExitCodes.Success;
    }
}
