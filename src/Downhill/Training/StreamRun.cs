using System.Diagnostics;
using System.Numerics;
using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;

namespace Downhill.Training;

/// <summary>
/// One streaming gradient fit (see <see cref="StreamFitting"/>): the plan's model and optimizer
/// in a <see cref="Trainer{T}"/>, fed batch by batch from shuffle buffers instead of from a
/// <see cref="TrainingSession{T}"/> over rows in memory. The update, the fused paths, the epoch
/// record and the divergence rule are the trainer's own, so the only difference from an
/// in-memory fit is which rows make each batch.
/// </summary>
/// <remarks>
/// The first buffer of an epoch takes the trainer's own row order (<see cref="Trainer{T}.Order"/>),
/// and a batch cut off by the end of a buffer is carried into the next: a file that fits in one
/// buffer is therefore trained on the same batches, in the same order, as in memory.
/// </remarks>
internal sealed class StreamRun<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly FitPlan plan;
    private readonly IChunkSource source;
    private readonly StreamSummary summary;
    private readonly double[]? means;
    private readonly int chunkRows, bufferRows, batchSize;
    private readonly Fitting.Prepared<T> prepared;
    private readonly Trainer<T> trainer;
    private readonly TrainingOptions options;
    private readonly double startRate;
    private string? whyNotFaster;
    private TrainingPath path = TrainingPath.Tape;

    public StreamRun(StreamPlan streamPlan)
    {
        (plan, source, summary) = (streamPlan.Plan, streamPlan.Source, streamPlan.Summary);
        var stream = streamPlan.Stream;
        int width = source.FeatureNames.Count + Math.Max(1, source.TargetNames.Count);
        means = plan.Missing?.Fill is { } fill ? [.. source.FeatureNames.Select(n => fill[n])] : null;
        chunkRows = stream.Chunk(width);
        bufferRows = stream.Buffer(width);
        var settings = plan.Settings;
        prepared = plan.Build<T>();
        var optimizer = Optimizers.Create(settings.Optimizer, prepared.Model.Parameters, settings.OptimizerSettings);
        Fitting.Freeze(prepared.Model, optimizer, settings.Freeze);
        startRate = optimizer.LearningRate;
        options = settings.Training with { Loss = plan.Loss };
        trainer = new Trainer<T>(prepared.Model, optimizer, options)
        {
            Schedule = settings.Schedule?.Invoke(optimizer),
            TargetScaler = plan.Scaler?.TargetOffset is null ? null : plan.Scaler,
        };
        batchSize = options.BatchSize!.Value;
        if (bufferRows < batchSize)
            Errors.Setting("StreamOptions.BufferRows", $"StreamOptions.BufferRows = {bufferRows} is smaller than a batch of {batchSize} rows; give a buffer of at least one batch.");
    }

    public FitOutcome Fit(TrainingCallbacks? callbacks, CancellationToken cancel)
    {
        callbacks ??= new TrainingCallbacks();
        var model = prepared.Model;
        var lastGood = model.Snapshot();
        var clock = Stopwatch.StartNew();
        long samples = 0, updates = 0;
        double startLoss = double.NaN;
        Divergence? divergence = null;
        StopReason stop = StopReason.Completed;
        int batchesPerEpoch = (int)Math.Min(int.MaxValue, (summary.Rows + batchSize - 1) / batchSize);
        for (int epoch = 1; epoch <= options.Epochs && divergence is null && stop == StopReason.Completed; epoch++)
        {
            trainer.Schedule?.Step(epoch - 1);
            long epochStart = Stopwatch.GetTimestamp();
            double lossSum = 0;
            long seen = 0;
            int batch = 0;
            foreach (var (data, order, count) in Buffers(epoch))
            {
                var fused = FastPath(data);
                for (int start = 0; start < count; start += batchSize)
                {
                    int n = Math.Min(batchSize, count - start);
                    double loss = fused is not null
                        ? trainer.FusedStep(fused, order, start, n)
                        : trainer.Step(data.Rows(Trainer<T>.Slice(order, start, n)));
                    samples += n;
                    seen += n;
                    lossSum += loss * n;
                    if (trainer.FirstLoss is null) startLoss = loss;
                    trainer.FirstLoss ??= Math.Max(Math.Abs(loss), 1e-300);
                    if (!double.IsFinite(loss) || Math.Abs(loss) > options.DivergenceFactor * trainer.FirstLoss.Value)
                    {
                        divergence = new Divergence(epoch, batch + 1, loss);
                        break;
                    }
                    var progress = new StepProgress(++updates, epoch, batch + 1, loss);
                    callbacks.Step?.Invoke(progress);
                    callbacks.Batch?.Invoke(new BatchProgress(epoch, batch + 1, batchesPerEpoch, loss));
                    batch++;
                    if (cancel.IsCancellationRequested) { stop = StopReason.Cancelled; break; }
                }
                if (divergence is not null || stop == StopReason.Cancelled) break;
            }
            if (divergence is null && NonFiniteParameter() is { } broken)
                divergence = new Divergence(epoch, batch, double.NaN) { Parameter = broken };
            if (divergence is not null)
            {
                model.Restore(lastGood);
                stop = StopReason.Diverged;
                break;
            }
            var record = trainer.EndOfEpoch(epoch, lossSum / Math.Max(1, seen), null, Stopwatch.GetElapsedTime(epochStart).TotalSeconds);
            trainer.HistoryList.Add(record);
            for (int i = 0; i < lastGood.Length; i++) model.Parameters[i].Data.CopyTo(lastGood[i]);
            trainer.NextEpoch = epoch + 1;
            callbacks.Epoch?.Invoke(record);
            callbacks.EpochEnd?.Invoke(epoch);
        }
        clock.Stop();
        trainer.RestoreBest(stop);
        var result = new TrainingResult(trainer.HistoryList.ToArray(), stop, trainer.BestEpoch, divergence, clock.Elapsed.TotalSeconds, samples)
        { Path = path, WhyNotFaster = whyNotFaster, StartLoss = startLoss };
        var metrics = Evaluate();
        var file = Fitting.Describe(model, plan.Model, plan.Settings.Activation, plan.Loss, prepared.Features, prepared.Targets,
            summary.ClassNames, plan.Scaler, plan.Precision, metrics) with { Missing = plan.Missing };
        return new FitOutcome(file, result, plan.Task, plan.Loss, (int)Math.Min(summary.Rows, int.MaxValue), 0, metrics, null, model.ParameterCount)
        {
            Plan = plan,
            Warnings = [.. plan.Warnings, .. FitChecks.RunWarnings(result, plan.Task, metrics, plan.TrainRows, startRate)],
        };
    }

    private Trainer<T>.FusedBatch? FastPath(TrainingData<T> data)
    {
        var (chosen, why, fused) = trainer.ChoosePath(data);
        (path, whyNotFaster) = (chosen, why);
        return fused;
    }

    private string? NonFiniteParameter()
    {
        foreach (var p in prepared.Model.Parameters)
            if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<T>(p.Data)) return p.Name ?? "a parameter";
        return null;
    }

    /// <summary>
    /// The epoch's shuffle buffers: the rows of the parts in a seeded order, each buffer with its
    /// row order and the rows its batches cover (whole batches, save in the epoch's last buffer;
    /// the rows left over go first into the next buffer).
    /// </summary>
    private IEnumerable<(TrainingData<T> Data, int[]? Order, int Count)> Buffers(int epoch)
    {
        var parts = ChunkSources.AllParts(source);
        // NOTE: not HashCode.Combine, which .NET randomizes per process; the same seed must give the same epochs.
        if (options.Shuffle) new Random(unchecked(options.Seed * 31 + epoch) & int.MaxValue).Shuffle(parts);
        var buffer = new RowBuffer(source.FeatureNames.Count, source.TargetIsClass ? 0 : source.TargetNames.Count, bufferRows + chunkRows);
        int index = 0;
        foreach (var chunk in source.Read(parts, chunkRows))
        {
            buffer.Append(chunk, means, summary, source);
            if (buffer.Count < bufferRows) continue;
            var data = Data(buffer);
            var order = Order(buffer.Count, epoch, index++);
            int whole = buffer.Count / batchSize * batchSize;
            yield return (data, order, whole);
            buffer = buffer.Rest(order, whole, bufferRows + chunkRows);
            LetGoOfBuffer();
        }
        if (buffer.Count > 0)
        {
            var order = Order(buffer.Count, epoch, index);
            yield return (Data(buffer), order, buffer.Count);
        }
    }

    /// <summary>
    /// Collects the buffer just used and its copies. They are large-object-heap arrays, which only
    /// a full collection frees, and with memory to spare the GC lets that garbage pile up: a
    /// streamed 5M-row fit measured a peak RSS of 1.1 GB without this, more than reading the file
    /// whole (bench/README.md, "Bigger data"). One collection per buffer of 64 MB costs
    /// milliseconds against the seconds the buffer trains.
    /// </summary>
    private static void LetGoOfBuffer() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);

    /// <summary>Buffer 0 takes the in-memory order; later buffers their own seeded shuffle.</summary>
    private int[]? Order(int n, int epoch, int buffer)
    {
        if (buffer == 0 || !options.Shuffle) return trainer.Order(n, epoch);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        new Random(unchecked(options.Seed * 1_000_003 + epoch * 7919 + buffer * 104_729) & int.MaxValue).Shuffle(order);
        return order;
    }

    private TrainingData<T> Data(RowBuffer buffer)
    {
        var rows = buffer.ToDataset(source, summary).WithScaler(plan.Scaler);
        return prepared.Model is FormulaModel formula ? (TrainingData<T>)(object)FitPlan.FormulaData(rows, formula) : TrainingData<T>.From(rows);
    }

    /// <summary>
    /// The training metrics over the whole file, a buffer at a time: means of the per-row figures
    /// weighted by rows (rmse through its square); r2 against the target's spread over the file.
    /// </summary>
    private Dictionary<string, double> Evaluate()
    {
        var buffer = new RowBuffer(source.FeatureNames.Count, source.TargetIsClass ? 0 : source.TargetNames.Count, bufferRows + chunkRows);
        var sums = new Dictionary<string, double>();
        long rows = 0;
        void Add(RowBuffer b)
        {
            var m = trainer.Evaluate(Data(b));
            foreach (var (key, value) in m)
                sums[key] = sums.GetValueOrDefault(key) + (key == "rmse" || (key == "loss" && plan.Loss == Loss.Rmse) ? value * value : value) * b.Count;
            rows += b.Count;
        }
        foreach (var chunk in source.Read(ChunkSources.AllParts(source), chunkRows))
        {
            buffer.Append(chunk, means, summary, source);
            if (buffer.Count < bufferRows) continue;
            Add(buffer);
            buffer = new RowBuffer(buffer.Features, buffer.Targets, bufferRows + chunkRows);
            LetGoOfBuffer();
        }
        if (buffer.Count > 0) Add(buffer);
        var metrics = new Dictionary<string, double>();
        foreach (var (key, sum) in sums)
            metrics[key] = key == "rmse" || (key == "loss" && plan.Loss == Loss.Rmse) ? Math.Sqrt(sum / rows) : sum / rows;
        if (metrics.ContainsKey("r2") && summary.TargetSquaredDeviations() is { } total)
            metrics["r2"] = 1 - metrics["rmse"] * metrics["rmse"] * rows * total.Length / total.Sum();
        return metrics;
    }

    /// <summary>Raw rows gathered from chunks: features (missing ones filled), targets or class labels in the file's class order.</summary>
    private sealed class RowBuffer(int features, int targets, int capacity)
    {
        private readonly double[] x = new double[(long)capacity * features];
        private readonly double[] y = new double[(long)capacity * targets];
        private readonly int[] labels = new int[capacity];
        private Dictionary<string, int>? classIndex;

        public int Features => features;
        public int Targets => targets;
        public int Count { get; private set; }

        public void Append(DataChunk chunk, double[]? means, StreamSummary summary, IChunkSource source)
        {
            if (chunk.MissingCells > 0 && means is not null) StreamFitting.FillMissing(chunk, means);
            Array.Copy(chunk.Features, 0, x, (long)Count * features, (long)chunk.Count * features);
            if (targets > 0) Array.Copy(chunk.Targets!, 0, y, (long)Count * targets, (long)chunk.Count * targets);
            if (chunk.Labels is { } l)
            {
                classIndex ??= summary.ClassNames!.Select((c, k) => (c, k)).ToDictionary(p => p.c, p => p.k, StringComparer.Ordinal);
                for (int i = 0; i < chunk.Count; i++)
                    if (!classIndex.TryGetValue(chunk.Classes![l[i]], out labels[Count + i]))
                        Errors.Data($"{source.Name}: the class \"{chunk.Classes[l[i]]}\" near line {chunk.FirstLine} was not in the file when it was summarized; was the file changed during the fit?");
            }
            Count += chunk.Count;
        }

        /// <summary>Rows order[from..] (in that order) at the front of a new buffer.</summary>
        public RowBuffer Rest(int[]? order, int from, int newCapacity)
        {
            var rest = new RowBuffer(features, targets, newCapacity) { classIndex = classIndex };
            for (int k = from; k < Count; k++)
            {
                int r = order?[k] ?? k;
                Array.Copy(x, (long)r * features, rest.x, (long)rest.Count * features, features);
                if (targets > 0) Array.Copy(y, (long)r * targets, rest.y, (long)rest.Count * targets, targets);
                rest.labels[rest.Count] = labels[r];
                rest.Count++;
            }
            return rest;
        }

        public Dataset ToDataset(IChunkSource source, StreamSummary summary)
        {
            var values = x.AsSpan(0, Count * features).ToArray();
            return summary.ClassNames is { } classes
                ? Dataset.Classification([.. source.FeatureNames], values, source.TargetNames[0], labels.AsSpan(0, Count).ToArray(), classes, source.Name)
                : Dataset.Regression([.. source.FeatureNames], values, [.. source.TargetNames], y.AsSpan(0, Count * targets).ToArray(), source.Name);
        }
    }
}
