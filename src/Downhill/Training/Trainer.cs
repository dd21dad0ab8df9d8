using System.Diagnostics;
using System.Numerics;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;

namespace Downhill.Training;

/// <summary>Hooks the loop calls; the loop itself never prints. All optional.</summary>
public sealed class TrainingCallbacks
{
    public Action<BatchProgress>? Batch { get; init; }
    public Action<EpochRecord>? Epoch { get; init; }

    /// <summary>After every parameter update, with the model already holding the new values (see <see cref="ParameterTrace"/>).</summary>
    public Action<StepProgress>? Step { get; init; }

    /// <summary>After every epoch, with the epoch just finished: save a checkpoint here.</summary>
    public Action<int>? EpochEnd { get; init; }
}

/// <summary>
/// The fit loop: for each epoch, for each (shuffled) batch: forward, loss, gradient (Backward()
/// or finite differences), clip, optimizer step; then validation, early stopping, schedule.
/// Divergence (NaN, infinity, or a loss beyond <see cref="TrainingOptions.DivergenceFactor"/>
/// times the first) stops training and restores the last good epoch's weights.
/// </summary>
public sealed class Trainer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Model<T> model;
    private readonly Optimizer<T> optimizer;
    private readonly TrainingOptions options;
    private readonly List<EpochRecord> history = [];
    private double? firstLoss;
    private double bestValidation = double.PositiveInfinity;
    private T[][]? bestWeights;
    private int? bestEpoch;
    private int epochsWithoutImprovement;

    public Trainer(Model<T> model, Optimizer<T> optimizer, TrainingOptions options)
    {
        options.Validate();
        this.model = model;
        this.optimizer = optimizer;
        this.options = options;
    }

    /// <summary>Called before each epoch (0-based) to set the learning rate.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// When regression targets were scaled for training, this scaler turns outputs and targets
    /// back into the data's units for metrics (rmse, mae, r2); losses stay in training units.
    /// </summary>
    public Data.Scaler? TargetScaler { get; init; }

    /// <summary>Lowers the learning rate when the validation (or training) loss stops improving.</summary>
    public ReduceOnPlateau? Plateau { get; init; }

    public IReadOnlyList<EpochRecord> History => history;

    /// <summary>Whether a fused step may replace the tape where one applies; tests turn it off to compare with the tape.</summary>
    internal bool FusedSteps { get; init; } = true;

    /// <summary>The epoch the next <see cref="Fit"/> starts at (1-based); a resumed trainer starts later.</summary>
    public int NextEpoch { get; private set; } = 1;

    public TrainingResult Fit(TrainingData<T> train, TrainingData<T>? validation = null,
        TrainingCallbacks? callbacks = null, CancellationToken cancel = default)
    {
        if (train.Count == 0) Errors.Argument("Fit: the training data has no rows.");
        if (options.Loss.IsClassification() != (train.Labels is not null))
            Errors.Argument(train.Labels is null
                ? $"Fit: loss {options.Loss.Name()} needs class labels, but the target is numeric; use a regression loss (mse, rmse, mae, huber) or a text/class target."
                : $"Fit: loss {options.Loss.Name()} needs numeric targets, but the target holds class labels; use cross-entropy (or binary-cross-entropy for two classes).");
        callbacks ??= new TrainingCallbacks();
        var clock = Stopwatch.StartNew();
        long samples = 0;
        int batchSize = Math.Min(options.BatchSize ?? train.Count, train.Count);
        int batches = (train.Count + batchSize - 1) / batchSize;
        var lastGood = model.Snapshot();
        var stop = StopReason.Completed;
        Divergence? divergence = null;
        int lastEpoch = NextEpoch + options.Epochs - 1;
        long updates = 0;
        var fused = FusedPass(train);

        for (int epoch = NextEpoch; epoch <= lastEpoch; epoch++)
        {
            Schedule?.Step(epoch - 1);
            long epochStart = Stopwatch.GetTimestamp(); // not a Stopwatch object: one step per epoch (W6) feels every allocation
            var order = Order(train.Count, epoch);
            double lossSum = 0;
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize, count = Math.Min(batchSize, train.Count - start);
                double loss = fused is not null
                    ? FusedStep(fused, order, start, count)
                    : Step(order is null && count == train.Count ? train : train.Rows(Slice(order, start, count)));
                samples += count;
                lossSum += loss * count;
                firstLoss ??= Math.Max(Math.Abs(loss), 1e-300);
                if (!double.IsFinite(loss) || Math.Abs(loss) > options.DivergenceFactor * firstLoss.Value)
                {
                    divergence = new Divergence(epoch, b + 1, loss);
                    break;
                }
                callbacks.Step?.Invoke(new StepProgress(++updates, epoch, b + 1, loss));
                callbacks.Batch?.Invoke(new BatchProgress(epoch, b + 1, batches, loss));
                if (cancel.IsCancellationRequested) break;
            }
            if (divergence is not null)
            {
                model.Restore(lastGood);
                stop = StopReason.Diverged;
                break;
            }
            var record = EndOfEpoch(epoch, lossSum / train.Count, validation, Stopwatch.GetElapsedTime(epochStart).TotalSeconds);
            history.Add(record);
            // Into the same arrays: with one step per epoch (full-batch fits such as a formula's
            // 10,000 steps) a fresh snapshot per epoch was a noticeable part of the step.
            for (int i = 0; i < lastGood.Length; i++) model.Parameters[i].Data.CopyTo(lastGood[i]);
            NextEpoch = epoch + 1;
            callbacks.Epoch?.Invoke(record);
            callbacks.EpochEnd?.Invoke(epoch);
            if (cancel.IsCancellationRequested) { stop = StopReason.Cancelled; break; }
            if (options.EarlyStoppingPatience is int patience && epochsWithoutImprovement >= patience)
            {
                stop = StopReason.EarlyStopping;
                break;
            }
        }
        if (bestWeights is not null && options.EarlyStoppingPatience is not null && stop != StopReason.Diverged)
            model.Restore(bestWeights);
        clock.Stop();
        return new TrainingResult(history, stop, bestEpoch, divergence, clock.Elapsed.TotalSeconds, samples);
    }

    // One shared empty, read-only dictionary for epochs without validation: a full-batch fit
    // keeps one record per step, and 10,000 dictionaries kept alive cost the GC more than the
    // steps themselves (W6).
    private static readonly IReadOnlyDictionary<string, double> NoMetrics = new Dictionary<string, double>().AsReadOnly();

    private EpochRecord EndOfEpoch(int epoch, double trainLoss, TrainingData<T>? validation, double seconds)
    {
        double? validationLoss = null;
        IReadOnlyDictionary<string, double> metrics = NoMetrics;
        if (validation is not null && validation.Count > 0)
        {
            var output = Predict(validation.Features);
            validationLoss = LossValue(output, validation);
            metrics = DataUnitMetrics(output, validation);
        }
        double monitored = validationLoss ?? trainLoss;
        if (monitored < bestValidation)
        {
            bestValidation = monitored;
            bestEpoch = epoch;
            epochsWithoutImprovement = 0;
            if (options.EarlyStoppingPatience is not null) bestWeights = model.Snapshot();
        }
        else epochsWithoutImprovement++;
        Plateau?.Step(monitored);
        return new EpochRecord(epoch, trainLoss, validationLoss, metrics, optimizer.LearningRate, seconds);
    }

    /// <summary><c>loss</c> (in training units) plus rmse/mae/r2 in the data's units, or accuracy.</summary>
    public Dictionary<string, double> Evaluate(TrainingData<T> data)
    {
        var output = Predict(data.Features);
        var metrics = DataUnitMetrics(output, data);
        // In data units too, so 'fit' and 'evaluate' report the same loss for the same model.
        metrics["loss"] = TargetScaler is null || data.Targets is null
            ? LossValue(output, data)
            : Losses.Compute(options.Loss, Unscale(output), Unscale(data.Targets), null).Item();
        return metrics;
    }

    private Tensor<double> Unscale(Tensor<T> t)
    {
        var values = t.ToArray().Select(double.CreateTruncating).ToArray();
        int k = t.Shape[1];
        for (int i = 0; i < values.Length; i += k) TargetScaler!.InverseTargets(values.AsSpan(i, k));
        return Tensor<double>.Wrap(values, t.Shape[0], k);
    }

    private Dictionary<string, double> DataUnitMetrics(Tensor<T> output, TrainingData<T> data)
    {
        if (TargetScaler is null || data.Targets is null) return Metrics.Compute(options.Loss, output, data);
        return Metrics.Regression(Unscale(output), Unscale(data.Targets));
    }

    /// <summary>The model's raw outputs without recording a tape.</summary>
    public Tensor<T> Predict(Tensor<T> features)
    {
        using var _ = Autograd.NoGrad();
        return model.Forward(features);
    }

    private double LossValue(Tensor<T> output, TrainingData<T> data) =>
        double.CreateTruncating(Losses.Compute(options.Loss, output, data.Targets, data.Labels).Item());

    /// <summary>One update on one batch; returns the batch's loss before the update.</summary>
    private double Step(TrainingData<T> batch)
    {
        if (options.Gradient == GradientMode.Analytic)
        {
            T loss = optimizer.Step(() =>
            {
                optimizer.ZeroGrad();
                var l = Losses.Compute(options.Loss, model.Forward(batch.Features), batch.Targets, batch.Labels);
                if (!T.IsFinite(l.Item())) return l.Item();
                l.Backward();
                Clip();
                return l.Item();
            });
            return double.CreateTruncating(loss);
        }
        T numericLoss = optimizer.Step(() =>
        {
            var l = NumericalGradient(batch);
            Clip();
            return l;
        });
        return double.CreateTruncating(numericLoss);
    }

    /// <summary>A fused forward and backward pass: loss of rows order[start..start+count) and the gradients in every parameter's Grad.</summary>
    private delegate T FusedRun(TrainingData<T> data, int[]? order, int start, int count);

    /// <summary>The model's fused pass for this loss (<see cref="NetworkStep{T}"/>, <see cref="FormulaStep"/>), or null where only the tape applies.</summary>
    private FusedBatch? FusedPass(TrainingData<T> train)
    {
        if (!FusedSteps || options.Gradient != GradientMode.Analytic || !FitsModel(train)) return null;
        if (NetworkStep<T>.For(model, options.Loss) is { } network) return new FusedBatch(this, network.Run, train);
        if (model is FormulaModel formula && FormulaStep.For(formula, options.Loss) is { } step)
            return new FusedBatch(this, (FusedRun)(object)new Trainer<double>.FusedRun(step.Run), train); // T is double: formula models compute in double
        return null;
    }

    /// <summary>The same update as <see cref="Step"/> with a fused forward and backward pass in reused buffers.</summary>
    private double FusedStep(FusedBatch fused, int[]? order, int start, int count)
    {
        fused.Order = order;
        fused.Start = start;
        fused.Count = count;
        return double.CreateTruncating(optimizer.Step(fused.Closure));
    }

    /// <summary>
    /// The closure optimizer.Step calls for a fused pass, made once per Fit with the batch in
    /// fields. A lambda per step was two allocations (88 bytes) per update, and next to a
    /// formula's step of about 200 ns fresh memory is expensive on the shared machine: W6's
    /// first runs went from about 1.15M to 1.85M steps per CPU second without it.
    /// </summary>
    private sealed class FusedBatch
    {
        private readonly Trainer<T> trainer;
        private readonly FusedRun run;
        private readonly TrainingData<T> data;

        public FusedBatch(Trainer<T> trainer, FusedRun run, TrainingData<T> data)
        {
            this.trainer = trainer;
            this.run = run;
            this.data = data;
            Closure = Evaluate;
        }

        public int[]? Order { get; set; }
        public int Start { get; set; }
        public int Count { get; set; }
        public Func<T> Closure { get; }

        private T Evaluate()
        {
            trainer.optimizer.ZeroGrad();
            T l = run(data, Order, Start, Count);
            if (T.IsFinite(l)) trainer.Clip();
            return l;
        }
    }

    /// <summary>Shapes the fused step takes for granted; anything else goes to the tape, whose messages explain the mismatch.</summary>
    private bool FitsModel(TrainingData<T> train) =>
        train.Features.Shape[1] == model.Inputs && (train.Targets is null || train.Targets.Shape[1] == model.Outputs);

    private void Clip()
    {
        if (options.ClipValue is double v) GradientClipping.ByValue(model.Parameters, v);
        if (options.ClipNorm is double n) GradientClipping.ByNorm(model.Parameters, n);
    }

    /// <summary>
    /// Fills every trainable parameter's Grad by nudging one element at a time: forward
    /// differences (f(θ+e) - f(θ)) / e like the seed spreadsheet, or central differences.
    /// </summary>
    private T NumericalGradient(TrainingData<T> batch)
    {
        using var _ = Autograd.NoGrad();
        var scheme = options.Gradient == GradientMode.Central ? FiniteDifference.Central : FiniteDifference.Forward;
        var nudge = FiniteDifferenceStep.Fixed(options.Nudge);
        T F() => Losses.Compute(options.Loss, model.Forward(batch.Features), batch.Targets, batch.Labels).Item();
        T f0 = F();
        if (!T.IsFinite(f0)) return f0;
        foreach (var p in model.Parameters)
        {
            if (!p.RequiresGrad) continue;
            var g = Tensor<T>.Zeros(p.Shape.ToArray());
            FiniteDifferences.Gradient(p.Data, F, f0, scheme, nudge, g.Data);
            p.Grad = g;
        }
        return f0;
    }

    /// <summary>The epoch's row order: a permutation seeded by (seed, epoch) so a resumed run reshuffles identically.</summary>
    private int[]? Order(int n, int epoch)
    {
        if (!options.Shuffle) return null;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        // NOTE: not HashCode.Combine: .NET randomizes it per process, which broke --seed and --resume.
        new Random(unchecked(options.Seed * 1_000_003 + epoch * 7919) & int.MaxValue).Shuffle(order);
        return order;
    }

    private static int[] Slice(int[]? order, int start, int count)
    {
        var rows = new int[count];
        for (int i = 0; i < count; i++) rows[i] = order?[start + i] ?? start + i;
        return rows;
    }

    // ---- Checkpoint state -------------------------------------------------------------------

    /// <summary>What besides weights and optimizer state a resumed run needs to continue exactly.</summary>
    public TrainerState ExportState() => new(NextEpoch, history.ToArray(), firstLoss, bestValidation, bestEpoch,
        epochsWithoutImprovement, bestWeights?.Select(w => w.Select(double.CreateTruncating).ToArray()).ToArray());

    public void ImportState(TrainerState state)
    {
        NextEpoch = state.NextEpoch;
        history.Clear();
        history.AddRange(state.History);
        firstLoss = state.FirstLoss;
        bestValidation = state.BestValidation;
        bestEpoch = state.BestEpoch;
        epochsWithoutImprovement = state.EpochsWithoutImprovement;
        bestWeights = state.BestWeights?.Select(w => w.Select(T.CreateTruncating).ToArray()).ToArray();
    }
}

public sealed record TrainerState(
    int NextEpoch, EpochRecord[] History, double? FirstLoss, double BestValidation, int? BestEpoch,
    int EpochsWithoutImprovement, double[][]? BestWeights);
