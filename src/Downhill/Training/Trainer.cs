using System.Diagnostics;
using System.Numerics;
using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;

namespace Downhill.Training;

/// <summary>Hooks the loop calls; the loop itself never prints. All optional.</summary>
public sealed class TrainingCallbacks
{
    /// <summary>After every batch, with its loss: for progress bars and live plots.</summary>
    public Action<BatchProgress>? Batch { get; init; }
    /// <summary>After every epoch, with its losses and metrics.</summary>
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

    /// <summary>A loop that trains <paramref name="model"/> with <paramref name="optimizer"/> (built over the model's parameters); <paramref name="options"/> are checked here.</summary>
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

    /// <summary>One record per finished epoch, in order.</summary>
    public IReadOnlyList<EpochRecord> History => history;

    /// <summary>
    /// Trains data-parallel with the other ranks of this reducer: each rank computes the gradient of
    /// its shard's rows of every global batch, the reducer sums them, and every rank takes the same
    /// update. Null or one rank: a single process, exactly as without it.
    /// </summary>
    public IGradientReducer? Reducer { get; init; }

    /// <summary>Whether a fused step may replace the tape where one applies; tests turn it off to compare with the tape.</summary>
    internal bool FusedSteps { get; init; } = true;

    /// <summary>The epoch the next <see cref="Fit"/> starts at (1-based); a resumed trainer starts later.</summary>
    public int NextEpoch { get; internal set; } = 1;

    /// <summary>Trains for <see cref="TrainingOptions.Epochs"/> epochs (or until early stopping, divergence or cancellation).</summary>
    public TrainingResult Fit(TrainingData<T> train, TrainingData<T>? validation = null,
        TrainingCallbacks? callbacks = null, CancellationToken cancel = default) =>
        Start(train, validation, callbacks, resettable: false).Run(cancel);

    /// <summary>
    /// A training session on <paramref name="train"/> that can be stepped one update at a time,
    /// an epoch at a time, run to the end, and reset to this moment exactly.
    /// </summary>
    public TrainingSession<T> Start(TrainingData<T> train, TrainingData<T>? validation = null, TrainingCallbacks? callbacks = null) =>
        Start(train, validation, callbacks, resettable: true);

    internal TrainingSession<T> Start(TrainingData<T> train, TrainingData<T>? validation, TrainingCallbacks? callbacks, bool resettable)
    {
        if (train.Count == 0) Errors.Argument("Fit: the training data has no rows.");
        if (options.Loss.IsClassification() != (train.Labels is not null))
            Errors.Argument(train.Labels is null
                ? $"Fit: loss {options.Loss.Name()} needs class labels, but the target is numeric; use a regression loss (mse, rmse, mae, huber) or a text/class target."
                : $"Fit: loss {options.Loss.Name()} needs numeric targets, but the target holds class labels; use cross-entropy (or binary-cross-entropy for two classes).");
        return new TrainingSession<T>(this, train, validation, callbacks ?? new TrainingCallbacks(), resettable);
    }

    internal Model<T> Model => model;
    internal Optimizer<T> Optimizer => optimizer;
    internal TrainingOptions Options => options;
    internal List<EpochRecord> HistoryList => history;
    internal double? FirstLoss { get => firstLoss; set => firstLoss = value; }
    internal int? BestEpoch => bestEpoch;

    /// <summary>Restores the early-stopping best weights at the end of a run that kept them.</summary>
    internal void RestoreBest(StopReason stop)
    {
        if (bestWeights is not null && options.EarlyStoppingPatience is not null && stop != StopReason.Diverged)
            model.Restore(bestWeights);
    }

    /// <summary>True when early stopping's patience has run out.</summary>
    internal bool OutOfPatience => options.EarlyStoppingPatience is int patience && epochsWithoutImprovement >= patience;

    // One shared empty, read-only dictionary for epochs without validation: a full-batch fit
    // keeps one record per step, and thousands of dictionaries kept alive cost the GC more than
    // a small formula's steps themselves.
    private static readonly IReadOnlyDictionary<string, double> NoMetrics = new Dictionary<string, double>().AsReadOnly();

    internal EpochRecord EndOfEpoch(int epoch, double trainLoss, TrainingData<T>? validation, double seconds)
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

    private NDArray<double> Unscale(NDArray<T> t)
    {
        var values = t.ToArray().Select(double.CreateTruncating).ToArray();
        int k = t.Shape[1];
        for (int i = 0; i < values.Length; i += k) TargetScaler!.InverseTargets(values.AsSpan(i, k));
        return NDArray<double>.Wrap(values, t.Shape[0], k);
    }

    private Dictionary<string, double> DataUnitMetrics(NDArray<T> output, TrainingData<T> data)
    {
        if (TargetScaler is null || data.Targets is null) return Metrics.Compute(options.Loss, output, data);
        return Metrics.Regression(Unscale(output), Unscale(data.Targets));
    }

    /// <summary>The model's raw outputs without recording a tape.</summary>
    public NDArray<T> Predict(NDArray<T> features)
    {
        using var _ = Autograd.NoGrad();
        return model.Forward(features);
    }

    private double LossValue(NDArray<T> output, TrainingData<T> data) =>
        double.CreateTruncating(Losses.Compute(options.Loss, output, data.Targets, data.Labels).Item());

    /// <summary>One update on one batch; returns the batch's loss before the update.</summary>
    internal double Step(TrainingData<T> batch)
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

    /// <summary>The loss of <paramref name="batch"/> and, when it is finite, its gradient in every parameter's Grad; no clipping, no update.</summary>
    internal T LocalGradient(TrainingData<T> batch)
    {
        if (options.Gradient != GradientMode.Analytic) return NumericalGradient(batch);
        var l = Losses.Compute(options.Loss, model.Forward(batch.Features), batch.Targets, batch.Labels);
        if (T.IsFinite(l.Item())) l.Backward();
        return l.Item();
    }

    /// <summary>A fused forward and backward pass: loss of rows order[start..start+count) and the gradients in every parameter's Grad.</summary>
    internal delegate T FusedRun(TrainingData<T> data, int[]? order, int start, int count);

    /// <summary>
    /// The one place where a fit's gradient path is chosen: the fused network step or the
    /// compiled formula where they apply, else the tape or finite differences, with the reason.
    /// </summary>
    internal (TrainingPath Path, string? WhyNotFaster, FusedBatch? Fused) ChoosePath(TrainingData<T> train)
    {
        if (options.Gradient != GradientMode.Analytic)
            return (TrainingPath.NumericalGradient, $"TrainingOptions.Gradient = GradientMode.{options.Gradient}: one forward pass per parameter element, on the tape", null);
        if (!FusedSteps) return (TrainingPath.Tape, "fast paths switched off", null);
        if (!FitsModel(train)) return (TrainingPath.Tape, "the data's columns do not fit the model (the tape reports how)", null);
        if (model is Network<T>)
        {
            var network = NetworkStep<T>.For(model, options.Loss, out var why);
            return network is null ? (TrainingPath.Tape, why, null) : (TrainingPath.FusedNetwork, null, new FusedBatch(this, network.Run, train));
        }
        if (model is FormulaModel formula)
        {
            var step = FormulaStep.For(formula, options.Loss, out var why);
            return step is null ? (TrainingPath.Tape, why, null)
                : (TrainingPath.CompiledFormula, null, new FusedBatch(this, (FusedRun)(object)new Trainer<double>.FusedRun(step.Run), train)); // T is double: formula models compute in double
        }
        return (TrainingPath.Tape, $"{model.GetType().Name.Split('`')[0]} has no fused step", null);
    }

    /// <summary>The same update as <see cref="Step"/> with a fused forward and backward pass in reused buffers.</summary>
    internal double FusedStep(FusedBatch fused, int[]? order, int start, int count)
    {
        fused.Order = order;
        fused.Start = start;
        fused.Count = count;
        return double.CreateTruncating(optimizer.Step(fused.Closure));
    }

    /// <summary>
    /// The closure optimizer.Step calls for a fused pass, made once per session with the batch in
    /// fields: a lambda per step would allocate on every update, which a formula's step of a few
    /// hundred nanoseconds feels (bench/README.md, W6).
    /// </summary>
    internal sealed class FusedBatch
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
        public FusedRun Run => run;

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

    internal void Clip()
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
            var g = NDArray<T>.Zeros(p.Shape.ToArray());
            FiniteDifferences.Gradient(p.Data, F, f0, scheme, nudge, g.Data);
            p.Grad = g;
        }
        return f0;
    }

    /// <summary>The epoch's row order: a permutation seeded by (seed, epoch) so a resumed run reshuffles identically.</summary>
    internal int[]? Order(int n, int epoch)
    {
        if (!options.Shuffle) return null;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        // NOTE: not HashCode.Combine: .NET randomizes it per process, which would break --seed and --resume.
        new Random(unchecked(options.Seed * 1_000_003 + epoch * 7919) & int.MaxValue).Shuffle(order);
        return order;
    }

    internal static int[] Slice(int[]? order, int start, int count)
    {
        var rows = new int[count];
        for (int i = 0; i < count; i++) rows[i] = order?[start + i] ?? start + i;
        return rows;
    }

    // ---- Checkpoint state -------------------------------------------------------------------

    /// <summary>What besides weights and optimizer state a resumed run needs to continue exactly.</summary>
    public TrainerState ExportState() => new(NextEpoch, history.ToArray(), firstLoss, bestValidation, bestEpoch,
        epochsWithoutImprovement, bestWeights?.Select(w => w.Select(double.CreateTruncating).ToArray()).ToArray());

    /// <summary>Restores what <see cref="ExportState"/> saved, so a resumed run continues bit for bit.</summary>
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

/// <summary>The training loop's own state in a checkpoint, beside the weights and the optimizer's state.</summary>
/// <param name="NextEpoch">The epoch the resumed run starts with (1-based).</param>
/// <param name="History">The records of the epochs already run.</param>
/// <param name="FirstLoss">The first batch's loss, the reference for divergence; null before any batch.</param>
/// <param name="BestValidation">The lowest monitored loss so far.</param>
/// <param name="BestEpoch">The epoch of <paramref name="BestValidation"/>, or null.</param>
/// <param name="EpochsWithoutImprovement">Epochs since the monitored loss last improved, counted against the early-stopping patience.</param>
/// <param name="BestWeights">The weights of the best epoch under early stopping (as doubles), or null.</param>
public sealed record TrainerState(
    int NextEpoch, EpochRecord[] History, double? FirstLoss, double BestValidation, int? BestEpoch,
    int EpochsWithoutImprovement, double[][]? BestWeights);
