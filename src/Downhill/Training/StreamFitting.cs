using System.Diagnostics;
using System.Numerics;
using Downhill.Analysis;
using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;

namespace Downhill.Training;

/// <summary>How a streaming fit reads its data: rows per chunk read, rows per shuffle buffer.</summary>
public sealed record StreamOptions
{
    /// <summary>The bytes of doubles one shuffle buffer holds when <see cref="BufferRows"/> is not given.</summary>
    public const long DefaultBufferBytes = 64L << 20;

    /// <summary>Rows per chunk read from the file; null: <see cref="ChunkSources.DefaultChunkRows"/> or fewer, at most a quarter of the buffer.</summary>
    public int? ChunkRows { get; init; }

    /// <summary>
    /// Rows shuffled together: an epoch visits the file's parts in a seeded order and shuffles the
    /// rows of each buffer (seeded by seed, epoch and buffer). Null: as many rows as
    /// <see cref="DefaultBufferBytes"/> holds. A chunk and a buffer as large as the file train exactly as in memory.
    /// </summary>
    public int? BufferRows { get; init; }

    internal int Buffer(int valuesPerRow) => BufferRows ?? (int)Math.Clamp(DefaultBufferBytes / (8L * Math.Max(1, valuesPerRow)), 1024, 1 << 24);

    internal int Chunk(int valuesPerRow) => ChunkRows ?? Math.Clamp(Buffer(valuesPerRow) / 4, 1, ChunkSources.DefaultChunkRows);
}

/// <summary>
/// A streaming fit's decisions: the <see cref="FitPlan"/> (its <see cref="FitPlan.Data"/> holds only
/// the first rows, from which the task and model were chosen; its scaler and epochs come from the
/// whole file), the source and the one-pass summary of it.
/// </summary>
public sealed record StreamPlan(FitPlan Plan, IChunkSource Source, StreamSummary Summary, StreamOptions Stream)
{
    /// <summary>The plan in a few lines, as <c>fit --plan --stream</c> prints it: the in-memory plan's, with the file's row count and how it is read.</summary>
    public IReadOnlyList<string> Describe()
    {
        int width = Source.FeatureNames.Count + Math.Max(1, Source.TargetNames.Count);
        var lines = Plan.Describe().ToList();
        lines[0] = $"data: {Source.Name}, {Summary.Rows:N0} rows to train" + (Summary.DroppedRows > 0 ? $" ({Summary.DroppedRows:N0} left out for missing cells)" : "") +
            $", streamed: {Source.Parts} part{(Source.Parts == 1 ? "" : "s")} in a seeded order each epoch, chunks of {Stream.Chunk(width):N0} rows, rows shuffled within buffers of {Stream.Buffer(width):N0}";
        return lines;
    }
}

/// <summary>
/// Fitting data larger than memory: <c>fit --stream</c> and <c>solve --stream</c> as library
/// calls. One pass summarizes the file (<see cref="StreamSummary"/>: scaler, classes, missing
/// fill); then each epoch reads it again chunk by chunk, so memory holds one shuffle buffer and
/// the model, whatever the rows. Gradient optimizers only, with a batch size: methods that need
/// every row at once (Levenberg-Marquardt, L-BFGS, full-batch descent) are refused with the way out.
/// </summary>
public static class StreamFitting
{
    /// <summary>
    /// Makes every decision of a streaming fit: one pass over <paramref name="source"/> for the
    /// row count, scaler, classes and missing fill, and the plan (task, loss, model) from its first rows.
    /// </summary>
    public static StreamPlan Plan(IChunkSource source, FitSettings settings, StreamOptions? stream = null)
    {
        CheckStreamable(settings);
        stream ??= new StreamOptions();
        int width = source.FeatureNames.Count + Math.Max(1, source.TargetNames.Count);
        var summary = StreamSummary.Of(source, stream.Chunk(width));
        var fill = summary.Fill();
        var sample = Sample(source, summary, fill, stream.Chunk(width));
        var plan = Fitting.Plan(sample, settings with { AutomaticEpochs = false });
        var scaler = plan.Scale == ScalerKind.None ? null : summary.Scaler(plan.Scale, scaleTargets: !source.TargetIsClass);
        var training = settings.Training;
        if (settings.AutomaticEpochs) training = training with { Epochs = FitPlan.ChooseEpochs((int)Math.Min(summary.Rows, int.MaxValue), training.BatchSize) };
        plan = plan with
        {
            Scaler = scaler,
            Settings = plan.Settings with { Training = training, AutomaticEpochs = settings.AutomaticEpochs },
            Missing = fill.Policy == MissingValues.Error ? null : fill,
        };
        return new StreamPlan(plan, source, summary, stream);
    }

    /// <summary>Fits <paramref name="settings"/>' model to <paramref name="source"/>, streaming; the outcome is shaped as <see cref="Fitting.Fit(Dataset, FitSettings, TrainingCallbacks?, CancellationToken)"/>'s.</summary>
    public static FitOutcome Fit(IChunkSource source, FitSettings settings, StreamOptions? stream = null,
        TrainingCallbacks? callbacks = null, CancellationToken cancel = default) =>
        Fit(Plan(source, settings, stream), callbacks, cancel);

    /// <summary>Runs a streaming plan: epochs read the file chunk by chunk, batches come from shuffle buffers.</summary>
    public static FitOutcome Fit(StreamPlan plan, TrainingCallbacks? callbacks = null, CancellationToken cancel = default) =>
        plan.Plan.Precision == Precision.Float32
            ? new StreamRun<float>(plan).Fit(callbacks, cancel)
            : new StreamRun<double>(plan).Fit(callbacks, cancel);

    /// <summary>
    /// The closed-form least-squares fit (<see cref="LinearLeastSquares"/>) of every regression
    /// target on every feature, from one pass over the file (two when the fit is so close that
    /// the residuals must be summed themselves). Missing cells: refused, dropped, or filled with
    /// the column mean (which takes one more pass).
    /// </summary>
    public static (LinearLeastSquaresResult Solution, MissingFill? Missing) Solve(IChunkSource source, int? chunkRows = null)
    {
        if (source.TargetIsClass || source.TargetNames.Count == 0)
            Errors.Data($"{source.Name}: the closed form fits numeric targets; name a numeric target column (DataOptions.Targets).");
        int p = source.FeatureNames.Count, m = source.TargetNames.Count;
        int rowsPerChunk = chunkRows ?? new StreamOptions().Chunk(p + m);
        var fill = source.MissingPolicy == MissingValues.Error ? null : StreamSummary.Of(source, rowsPerChunk).Fill();
        var means = fill?.Fill is { } f ? source.FeatureNames.Select(n => f[n]).ToArray() : null;
        IEnumerable<(ReadOnlyMemory<double>, ReadOnlyMemory<double>)> Blocks()
        {
            foreach (var chunk in source.Read(ChunkSources.AllParts(source), rowsPerChunk))
            {
                if (chunk.MissingCells > 0 && source.MissingPolicy == MissingValues.Error)
                    CsvMissing.Refuse(source.Name, chunk.MissingCells, chunk.MissingPlaces);
                if (means is not null) FillMissing(chunk, means);
                yield return (chunk.Features.AsMemory(0, chunk.Count * p), chunk.Targets.AsMemory(0, chunk.Count * m));
            }
        }
        return (LinearLeastSquares.FitBlocks(Blocks, p, m, source.Name), fill);
    }

    /// <summary>The options a streaming fit cannot honour, each refused with the way out.</summary>
    private static void CheckStreamable(FitSettings settings)
    {
        const string fix = "or fit with the whole file in memory instead of streaming it.";
        if (Fitting.IsLevenbergMarquardt(settings.Optimizer))
            Errors.Setting("FitSettings.Optimizer", $"FitSettings.Optimizer = \"lm\" (Levenberg-Marquardt) needs every residual and the whole Jacobian at once, which a streaming fit does not hold; choose a gradient optimizer such as adam, {fix}");
        if (string.Equals(settings.Optimizer.Trim(), "lbfgs", StringComparison.OrdinalIgnoreCase))
            Errors.Setting("FitSettings.Optimizer", $"FitSettings.Optimizer = \"lbfgs\" searches along lines of one fixed loss, but a streaming fit sees a different batch at every step; choose adam or sgd, {fix}");
        if (settings.Training.BatchSize is null)
            Errors.Setting("TrainingOptions.BatchSize", $"a full batch takes one step from all rows at once, which a streaming fit does not hold; give a batch size such as TrainingOptions.BatchSize = 256, {fix}");
        if (settings.ValidationFraction > 0)
            Errors.Setting("FitSettings.ValidationFraction", $"FitSettings.ValidationFraction = {settings.ValidationFraction} holds rows out in memory, which a streaming fit does not do; leave it at 0 and evaluate on a separate file, {fix}");
        if (settings.Resume is not null || settings.CheckpointPath is not null)
            Errors.Setting(settings.Resume is not null ? "FitSettings.Resume" : "FitSettings.CheckpointPath", $"checkpoints are not written or resumed by a streaming fit yet; leave FitSettings.Resume and FitSettings.CheckpointPath out, {fix}");
        if (settings.TraceParameters)
            Errors.Setting("FitSettings.TraceParameters", $"a parameter trace is not kept by a streaming fit; leave FitSettings.TraceParameters out, {fix}");
    }

    /// <summary>The first rows, as a data set the plan decides the task, loss and model from (the scaler and epochs come from the whole file).</summary>
    private static Dataset Sample(IChunkSource source, StreamSummary summary, MissingFill fill, int chunkRows)
    {
        foreach (var chunk in source.Read(ChunkSources.AllParts(source), Math.Max(chunkRows, 2)))
        {
            if (chunk.Count < 2 && summary.Rows >= 2) continue;
            return ToDataset(source, summary, chunk, fill);
        }
        Errors.Data($"{source.Name} has {summary.Rows} data row{(summary.Rows == 1 ? "" : "s")}; fitting needs at least 2.");
        return null;
    }

    /// <summary>A chunk's rows as a data set with the file's class list; missing features filled.</summary>
    private static Dataset ToDataset(IChunkSource source, StreamSummary summary, DataChunk chunk, MissingFill fill)
    {
        if (fill.Fill is { } f) FillMissing(chunk, [.. source.FeatureNames.Select(n => f[n])]);
        return chunk.ToDataset(source, summary.ClassNames);
    }

    /// <summary>Fills a chunk's NaN features in place with the column means.</summary>
    internal static void FillMissing(DataChunk chunk, double[] means)
    {
        int f = chunk.FeatureCount;
        var x = chunk.Features;
        for (int i = 0; i < chunk.Count * f; i++)
            if (double.IsNaN(x[i])) x[i] = means[i % f];
    }
}
