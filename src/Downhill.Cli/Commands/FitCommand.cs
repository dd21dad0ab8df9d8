using Spectre.Console;

namespace Downhill.Cli.Commands;

/// <summary>
/// <c>downhill fit DATA --target y --model linear ...</c>: learn a model's parameters by gradient
/// descent, or a formula's by Levenberg-Marquardt least squares with <c>--optimizer lm</c>.
/// </summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var shared = new FitSettingsReader("adam");
        var (data, training) = (shared.Data, shared.Training);
        var output = new Option<string>("--out")
        {
            Description = "Where to save the model (JSON); an existing file there is replaced. Without --out the model goes to model.json, " +
                "but never over an existing model.json: name it with --out model.json to replace it.",
            DefaultValueFactory = _ => "model.json",
        };
        var history = new Option<string?>("--history") { Description = "Write per-epoch history CSV: epoch, train_loss, validation loss and metrics, lr, seconds." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Save a checkpoint after every epoch (atomic), to continue later with --resume." };
        var resume = new Option<string?>("--resume") { Description = "Continue exactly from a checkpoint written by --checkpoint (same data and options; --epochs is the total)." };
        var test = new Option<string?>("--test") { Description = "Evaluate the final model on this second file." };
        var quiet = new Option<bool>("--quiet") { Description = "Print only the final summary." };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object when the fit ends and nothing else on stdout: parameters, standard_errors and rss " +
                "(least-squares fits of formulas), loss, iterations (lm) or epochs, seconds, path, stopped_because, explanation, hint, " +
                "then every metric computed as objects of name: value: train, validation (null without validation rows), test (the --test file; null without one).",
        };
        var plot = new Option<string?>("--plot") { Description = "Draw the training (and validation) loss per epoch, validation accuracy when classifying, the best epoch when early stopping (.png or .svg)." };
        var trace = new Option<string?>("--trace") { Description = "Write every parameter value after every update as CSV: step,loss,<parameters> (m, b; weight[0,0] for matrix elements), full precision. " +
            "Row 0 holds the start values and the full training loss there; row k the values after update k and the loss of the batch that update used, measured before it. " +
            "Values and losses are in the units the model trains in: for linear, logistic and softmax models with scaling (the default) weights act on standardized features (and, for regression, predict the standardized target), the same units 'surface --grid weight[0,0]=...' uses; add --scale none for data units. " +
            "At most 1,000 parameters. Use it as 'surface --path'." };
        var report = new Option<string?>("--report") { Description = "Write one self-contained HTML page: settings, data, loss curves, metrics (with --test's), " +
            "the weights of linear, logistic and softmax models in data units, predicted against actual and the residuals for regression, " +
            "confusion matrix, sample images, and the loss surface with the path for two-parameter formulas." };
        var size = Cli.SizeOption();
        var stream = Streaming.Option("linear, logistic, softmax, mlp and formula models with a gradient optimizer and a batch size");
        var planOnly = new Option<bool>("--plan")
        {
            Description = "Print what the fit would do (task and why, loss, precision, split, scaling, solver, gradient path) and stop without training.",
        };

        var command = new Command("fit", "Learn a model's parameters from data by gradient descent, show progress, save the model.\n" +
            "Examples:\n  downhill fit line --target y --model linear --optimizer sgd --lr 0.1 --epochs 50\n" +
            "  downhill fit data.csv --model \"y = a*exp(b*x) + c\" --init a=1,b=0.1 --epochs 500\n" +
            "  downhill fit data.csv --model \"y = a*exp(b*x) + c\" --init a=1,b=0.1 --optimizer lm --json\n" +
            "  downhill fit fashion-mnist --model mlp:128 --optimizer sgd --lr 0.1 --epochs 5 --validation 0.1");
        shared.AddTo(command);
        foreach (var o in new Option[] { output, history, checkpoint, resume, test, quiet, json, plot, trace, report, size, planOnly, stream }) command.Add(o);

        command.SetAction(r => Ranks.Run(mpi =>
        {
            string outPath = r.GetValue(output)!;
            string dataPath = r.GetValue(data.Data)!;
            Cli.CheckOutputPath(outPath, "--out", dataPath, r.GetValue(test));
            // A second 'fit' in the same folder would otherwise destroy the first model without a word.
            if (!r.GetValue(planOnly) && r.GetResult(output) is null or { Implicit: true } && File.Exists(outPath))
                throw new UsageException($"{Path.GetFullPath(outPath)} already exists, and fit without --out does not replace it; " +
                    $"add --out {outPath} to replace it, or --out with another name (checked before training, so no time is lost).");
            Cli.CheckOutputPath(r.GetValue(history), "--history", dataPath, r.GetValue(test));
            if (dataPath == "-" && r.GetValue(test) == "-")
                throw new UsageException("DATA and --test are both - (standard input), which can be read only once; save one of them to a file.");
            if (r.GetValue(test) is { } testFile && testFile != "-" && !File.Exists(testFile) && !DataSource.BuiltInNames.Contains(testFile))
                throw new UsageException($"--test {testFile} does not exist (checked before training, so no time is lost).");
            Cli.CheckOutputPath(r.GetValue(checkpoint), "--checkpoint");
            Cli.CheckPicturePath(r.GetValue(plot), "--plot");
            Cli.CheckOutputPath(r.GetValue(trace), "--trace");
            string? reportPath = r.GetValue(report);
            if (reportPath is not null && !Path.GetExtension(reportPath).Equals(".html", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--report {reportPath}: the report is an HTML page; end the name in .html.");
            Cli.CheckOutputPath(reportPath, "--report");
            var imageSize = ImageSize.Parse(r.GetValue(size)!);
            if (Streaming.Reason(r, stream, dataPath) is { } streaming)
            {
                if (reportPath is not null) throw new UsageException($"--report draws from all rows in memory, which a streamed fit ({streaming}) does not hold; leave out --report, or fit in memory.");
                return Streaming.Fit(shared.Read(r) with { CheckpointPath = r.GetValue(checkpoint), TraceParameters = r.GetValue(trace) is not null, Resume = r.GetValue(resume) is { } rp ? Checkpoint.Load(rp) : null },
                    Streaming.Open(dataPath, shared.ReadDataOptions(r)), streaming,
                    new(outPath, r.GetValue(history), r.GetValue(plot), r.GetValue(test), r.GetValue(json), r.GetValue(quiet) || r.GetValue(json), r.GetValue(planOnly), imageSize,
                        Parse.Delimiter(r.GetValue(data.Delimiter)), Parse.Decimal(r.GetValue(data.Decimal))));
            }
            var dataset = shared.LoadData(r);
            var settings = shared.Read(r);
            bool lm = Fitting.IsLevenbergMarquardt(settings.Optimizer);
            settings = settings with
            {
                // For lm, --epochs counts Levenberg-Marquardt iterations, and only when given: 10 would cut most fits short.
                MaxIterations = lm && r.GetResult(training.Epochs) is { Implicit: false } ? settings.Training.Epochs : null,
                CheckpointPath = r.GetValue(checkpoint),
                Resume = r.GetValue(resume) is { } resumePath ? Checkpoint.Load(resumePath) : null,
                // The report draws the route gradient descent took across the loss surface of a two-parameter formula.
                TraceParameters = r.GetValue(trace) is not null || (reportPath is not null && settings.Model.Kind == ModelKind.Formula && !lm),
                Reducer = mpi,
            };
            // Under mpirun: every rank has passed the checks above before rank 0 can write anything.
            mpi?.Barrier();
            var delimiter = Parse.Delimiter(r.GetValue(data.Delimiter));
            bool isJson = r.GetValue(json);
            bool isQuiet = r.GetValue(quiet) || isJson;
            // With --json, stdout holds the JSON object alone.
            var info = isJson ? Console.Error : Console.Out;
            if (!isQuiet && !r.GetValue(planOnly)) // the plan's first line says the same
                Console.WriteLine($"data: {dataset.Source}: {dataset.Count} rows, {dataset.FeatureCount} features" +
                    (dataset.TargetCount > 0 ? $", target {string.Join(", ", dataset.TargetNames)}" : "") +
                    (dataset.ClassNames is { } c ? $" ({c.Length} classes)" : ""));

            var plan = Fitting.Plan(dataset, settings);
            if (r.GetValue(planOnly))
            {
                foreach (var line in plan.Describe()) Console.WriteLine(line);
                if (plan.Solver == Solver.Gradient)
                {
                    var session = Fitting.Start(plan with { Settings = settings with { CheckpointPath = null } });
                    Console.WriteLine($"gradient path: {session.Path.Name()}" + (session.WhyNotFaster is { } why ? $" ({SettingFlags.ToFlags(why)})" : ""));
                }
                return ExitCodes.Success;
            }

            if (!isQuiet && plan.Solver == Solver.Gradient && plan.EpochLossUnits.Units is { Length: > 0 } units)
                Console.WriteLine($"losses per epoch: {Nn.Losses.Name(plan.Loss)} in {units}, the mean over each epoch's batches" +
                    (units == "standardized units" ? " (the summary below gives the final model's loss in the data's units)" : ""));

            using var cancel = new CancellationTokenSource();
            // Under mpirun Ctrl-C reaches mpirun, not the ranks (each has its own process group); mpirun passes it on as
            // SIGTERM, which here means the same: every rank stops after the same batch and rank 0 saves. mpirun sends
            // SIGTERM odls_base_sigkill_timeout seconds after Ctrl-C and SIGKILL as long again later (1 s by default:
            // too short to save; the README says to raise it).
            var ctrlC = Cli.CancelOnCtrlC(cancel, "stopping after the current batch; the model and checkpoint will be saved...",
                onTerminate: mpi is null ? null : () => Ranks.Terminated = true);
            FitOutcome outcome;
            try
            {
                outcome = plan.Solver == Solver.LeastSquares
                    ? Fitting.Fit(plan, isQuiet ? null : new TrainingCallbacks { Epoch = e => Console.WriteLine(DescribeIteration(e)) }, cancel.Token)
                    : new Progress(isQuiet, plan.Settings.Training.Epochs, plan.EpochLossUnits.Factor).Run(cb => Fitting.Fit(plan, cb, cancel.Token));
            }
            // During training only the per-epoch checkpoint touches the disk; the one before the failed write is intact.
            catch (Exception e) when (settings.CheckpointPath is { } ck && e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"--checkpoint {ck} could not be written: {Cli.Reason(e)}; training stopped. " +
                    (File.Exists(ck) ? $"The last checkpoint written is intact: make room and continue with --resume {ck}." : "No checkpoint had been written yet."));
            }
            finally { ctrlC.Dispose(); }

            if (mpi is { Rank: > 0 }) return outcome.Result.Divergence is null ? ExitCodes.Success : ExitCodes.Diverged; // rank 0 writes and reports

            // Each output after training is written on its own: one that fails is reported, the others still land.
            bool allWritten = true;
            if (r.GetValue(history) is { } historyPath) allWritten &= Cli.TryWrite("--history", historyPath, () => WriteHistory(historyPath, outcome.Result.History));
            if (!isJson) Summarize(outcome);
            if (outcome.LeastSquares?.StallHint is { } hint) Console.Error.WriteLine($"note: {SettingFlags.ToFlags(hint)}");
            foreach (var warning in outcome.Warnings) Console.Error.WriteLine($"warning: {SettingFlags.ToFlags(warning)}");
            if (r.GetValue(trace) is { } tracePath)
                allWritten &= Cli.TryWrite("--trace", tracePath, () =>
                {
                    outcome.Trace!.Save(tracePath);
                    info.WriteLine($"trace written to {tracePath} ({outcome.Trace.Points.Count} rows)");
                });
            if (r.GetValue(plot) is { } plotPath)
            {
                if (outcome.Result.History.Count == 0)
                    Console.Error.WriteLine($"{plotPath} was not drawn: no epoch finished.");
                else
                    allWritten &= Cli.TryWrite("--plot", plotPath, () =>
                    {
                        TrainingPictures.LossCurves(outcome).Save(plotPath, imageSize);
                        info.WriteLine($"loss curves drawn in {plotPath}");
                    });
            }
            // The test file is measured before the report and the JSON are written, so that both can show it;
            // a diverged model is neither saved nor tested.
            TestEvaluation? tested = null;
            if (outcome.Result.Divergence is null)
            {
                bool saved = Cli.SaveModel(outcome.Model, outPath, "--out");
                allWritten &= saved;
                if (saved && !isJson) Console.WriteLine($"model saved to {outPath}");
                if (r.GetValue(test) is { } testPath)
                {
                    var predictor = new Predictor(outcome.Model);
                    var testData = Cli.LoadData(testPath, predictor.DataOptions(withTargets: true, delimiter: delimiter) with { DecimalSeparator = Parse.Decimal(r.GetValue(data.Decimal)) });
                    DataOptionSet.ReportMissing(testData, $"the training rows' {dataset.MissingPolicy.ToString().ToLowerInvariant()}");
                    tested = new TestEvaluation(testData.Source, testData.Count, predictor.Evaluate(testData));
                    info.WriteLine("test (" + testData.Source + "): " + string.Join("  ", tested.Metrics.Select(m => $"{m.Key} {Progress.Format(m.Value)}")));
                }
            }
            if (reportPath is not null)
                allWritten &= Cli.TryWrite("--report", reportPath, () =>
                {
                    FitReport.Build(dataset, settings, outcome, Cli.CommandLine(Environment.GetCommandLineArgs().Skip(1)), imageSize, tested).Save(reportPath);
                    info.WriteLine($"report written to {reportPath}");
                });
            if (isJson) Console.WriteLine(FitJson.Write(outcome, tested?.Metrics));
            if (outcome.Result.Divergence is { } d)
            {
                Console.Error.WriteLine($"error: {d.Describe()}");
                Console.Error.WriteLine(settings.CheckpointPath is null
                    ? $"{outPath} was not written (the weights had diverged)."
                    : $"{outPath} was not written; the last good epoch is in the checkpoint {settings.CheckpointPath}.");
                return ExitCodes.Diverged;
            }
            return allWritten ? ExitCodes.Success : ExitCodes.BadInput;
        }));
        return command;
    }

    internal static void WriteHistory(string path, IReadOnlyList<EpochRecord> history)
    {
        var metricNames = history.SelectMany(h => h.ValidationMetrics.Keys).Distinct().ToArray();
        bool validation = history.Any(h => h.ValidationLoss is not null);
        var sb = new StringBuilder("epoch,train_loss");
        if (validation) sb.Append(",validation_loss");
        foreach (var m in metricNames) sb.Append(",validation_").Append(m);
        sb.Append(",lr,seconds\n");
        foreach (var h in history)
        {
            sb.Append(h.Epoch.ToString(CultureInfo.InvariantCulture)).Append(',').Append(R(h.TrainLoss));
            if (validation) sb.Append(',').Append(h.ValidationLoss is double v ? R(v) : "");
            foreach (var m in metricNames) sb.Append(',').Append(h.ValidationMetrics.TryGetValue(m, out var value) ? R(value) : "");
            sb.Append(',').Append(R(h.LearningRate)).Append(',').Append(R(h.Seconds)).Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string DescribeIteration(EpochRecord e) =>
        $"iteration {e.Epoch}  train_loss {Progress.Format(e.TrainLoss)}  {e.Seconds * 1000:F1}ms";

    internal static void Summarize(FitOutcome o)
    {
        var table = new Table().AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        table.Title = new TableTitle($"fit: {o.Model.Kind} ({o.ParameterCount} parameters), {o.Task.ToString().ToLowerInvariant()}, loss {Nn.Losses.Name(o.Loss)}");
        var r = o.Result;
        table.AddRow("stopped because", Markup.Escape(FitJson.StoppedBecause(o).Explanation));
        if (o.LeastSquares?.Solver is { } solver)
            table.AddRow("iterations", $"{solver.Iterations} ({solver.Evaluations} evaluations, {solver.JacobianEvaluations} Jacobians)");
        table.AddRow("rows", $"{o.TrainRows} train" + (o.ValidationRows > 0 ? $", {o.ValidationRows} validation" : ""));
        // The summary measures the final model on all rows, in the data's units (targets unscaled).
        string unit = o.Task == Models.TaskKind.Regression ? " (data units)" : "";
        foreach (var (k, v) in o.TrainMetrics) table.AddRow($"train {k}{(k == "loss" ? unit : "")}", Progress.Format(v));
        if (o.ValidationMetrics is { } vm) foreach (var (k, v) in vm) table.AddRow($"validation {k}{(k == "loss" ? unit : "")}", Progress.Format(v));
        table.AddRow("gradient path", Markup.Escape(r.Path.Name() + (r.WhyNotFaster is { } why ? $" ({SettingFlags.ToFlags(why)})" : "")));
        table.AddRow("time", $"{r.Seconds:F3} s");
        table.AddRow("samples/s", r.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture));
        if (o.Model.WeightsInDataUnits() is { } linear && linear.Weights.Length <= 40)
        {
            for (int k = 0; k < linear.Bias.Length; k++)
            {
                string suffix = linear.Bias.Length > 1 ? $" ({o.Model.Classes?[k] ?? o.Model.Targets.ElementAtOrDefault(k) ?? k.ToString(CultureInfo.InvariantCulture)})" : "";
                for (int j = 0; j < o.Model.Features.Length; j++)
                    table.AddRow($"weight {o.Model.Features[j]}{suffix}", Progress.Format(linear.Weights[j, k]));
                table.AddRow($"bias{suffix}", Progress.Format(linear.Bias[k]));
            }
        }
        else if (o.Model.Kind == "formula" && o.LeastSquares is null)
            foreach (var p in o.Model.Parameters) table.AddRow(p.Name, p.Values[0].ToString("G10", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        if (o.LeastSquares is { } leastSquares)
        {
            AnsiConsole.Write(Coefficients(leastSquares));
            Console.WriteLine(Describe(leastSquares.Statistics));
        }
    }

    /// <summary>The coefficient table of a statistics package: estimate, standard error, t value.</summary>
    private static Table Coefficients(LeastSquaresReport report)
    {
        var s = report.Statistics;
        var table = new Table().AddColumn("parameter").AddColumn(new TableColumn("estimate").RightAligned())
            .AddColumn(new TableColumn("std. error").RightAligned()).AddColumn(new TableColumn("t value").RightAligned());
        for (int j = 0; j < report.Names.Count; j++)
        {
            double estimate = report.Estimates[j], error = s.StandardErrors[j];
            table.AddRow(Markup.Escape(report.Names[j]), G(estimate, 10), G(error, 5), G(estimate / error, 4));
        }
        return table;
    }

    /// <summary>σ, degrees of freedom, RSS and conditioning under the coefficient table.</summary>
    private static string Describe(Analysis.LeastSquaresStatistics s) =>
        $"residual standard deviation {G(s.ResidualStandardDeviation, 6)} on {s.DegreesOfFreedom} degrees of freedom\n" +
        $"RSS {G(s.ResidualSumOfSquares, 10)}, condition number of JᵀJ {G(s.ConditionNumber, 3)}" +
        (s.Rank < s.Parameters ? $"\nJ has rank {s.Rank} of {s.Parameters}: some parameters are not determined by the data (their errors are NaN)" : "");

    private static string G(double v, int digits) => v.ToString("G" + digits, CultureInfo.InvariantCulture);
}
