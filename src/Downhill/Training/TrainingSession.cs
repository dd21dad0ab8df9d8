using System.Diagnostics;
using System.Numerics;
using Downhill.Data;

namespace Downhill.Training;

/// <summary>
/// One run of a <see cref="Trainer{T}"/> that can be driven from outside: <see cref="Step"/> takes
/// one update, <see cref="RunEpoch"/> finishes the current epoch, <see cref="Run(CancellationToken)"/>
/// goes to the end, and <see cref="Reset"/> puts the model, the optimizer and the loop back
/// exactly where the session started. Driving it step by step gives the same bits as one
/// <see cref="Run(CancellationToken)"/> (the CLI, the lab and each MPI rank drive the same code).
/// </summary>
/// <remarks>
/// Each epoch: the schedule sets the rate, the rows are shuffled (seeded by seed and epoch), then
/// for each batch: forward, loss, gradient, clipping, optimizer step. A loss that is not finite,
/// or beyond <see cref="TrainingOptions.DivergenceFactor"/> times the first, stops the run and
/// restores the weights of the last finished epoch; so do parameters that are no longer finite
/// after an update (the loss of the batch is measured before its update, so the last update of
/// a run would otherwise go unchecked).
/// </remarks>
public sealed class TrainingSession<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Trainer<T> trainer;
    private readonly TrainingData<T> train;
    private readonly TrainingData<T>? validation;
    private readonly TrainingCallbacks callbacks;
    private readonly Trainer<T>.FusedBatch? fused;
    private readonly DataParallel<T>? parallel;
    private readonly int batchSize;
    private readonly Stopwatch clock = new();

    // The start, for Reset; null for a run that cannot be reset (Trainer.Fit), which saves copying
    // every weight and optimizer buffer when a program calls Fit over and over on short data.
    private readonly T[][]? startWeights;
    private readonly Optim.OptimizerState? startOptimizer;
    private readonly TrainerState? startTrainer;
    private readonly (double Best, int BadEpochs, int CooldownLeft)? startPlateau;

    // Where the loop is.
    private T[][] lastGood;
    private int[]? order;
    private bool epochOpen;
    private int batch; // the next batch of the open epoch, 0-based
    private double lossSum;
    private long epochStart;
    private long samples, updates;
    private StopReason? stop;
    private Divergence? divergence;
    private int lastEpoch;
    private double startLoss = double.NaN;

    internal TrainingSession(Trainer<T> trainer, TrainingData<T> train, TrainingData<T>? validation, TrainingCallbacks callbacks, bool resettable)
    {
        this.trainer = trainer;
        this.train = train;
        this.validation = validation;
        this.callbacks = callbacks;
        batchSize = Math.Min(trainer.Options.BatchSize ?? train.Count, train.Count);
        BatchesPerEpoch = (train.Count + batchSize - 1) / batchSize;
        (Path, WhyNotFaster, fused) = trainer.ChoosePath(train);
        if (trainer.Reducer is { Size: > 1 } reducer) parallel = new DataParallel<T>(reducer, trainer, train, fused?.Run, batchSize);
        if (resettable)
        {
            startWeights = trainer.Model.Snapshot();
            startOptimizer = trainer.Optimizer.ExportState();
            startTrainer = trainer.ExportState();
            if (trainer.Plateau is { } plateau) startPlateau = (plateau.Best, plateau.BadEpochs, plateau.CooldownLeft);
        }
        lastGood = trainer.Model.Snapshot();
        lastEpoch = trainer.NextEpoch + trainer.Options.Epochs - 1;
    }

    /// <summary>How the gradients are computed (chosen once, when the session starts).</summary>
    public TrainingPath Path { get; }

    /// <summary>Why no faster path applies to this model and loss, or null when the fastest one runs.</summary>
    public string? WhyNotFaster { get; }

    /// <summary>Updates in one epoch: the training rows divided by the batch size, rounded up.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The epoch the next update belongs to (1-based).</summary>
    public int Epoch => trainer.NextEpoch;

    /// <summary>The batch of <see cref="Epoch"/> the next update uses (1-based).</summary>
    public int Batch => epochOpen ? batch + 1 : 1;

    /// <summary>Updates taken since the start (or the last <see cref="Reset"/>).</summary>
    public long Updates => updates;

    /// <summary>The last epoch this session runs to; <see cref="Extend"/> moves it.</summary>
    public int LastEpoch => lastEpoch;

    /// <summary>True once the run has ended: all epochs done, early stopping, divergence or cancellation.</summary>
    public bool IsFinished => stop is not null;

    /// <summary>One record per finished epoch, in order: losses and metrics.</summary>
    public IReadOnlyList<EpochRecord> History => trainer.HistoryList;

    /// <summary>The loss of the last update's batch, measured before that update (NaN before the first).</summary>
    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>
    /// Takes one update (one batch). Returns its progress, or null when the update was refused
    /// because the run diverged on it; throws when the session has already finished.
    /// </summary>
    public StepProgress? Step(CancellationToken cancel = default)
    {
        CheckNotFinished();
        clock.Start();
        try { return StepCore(cancel); }
        finally { clock.Stop(); }
    }

    /// <summary>Runs the rest of the current epoch (a whole epoch when none is under way); returns its record, or null if the run ended without finishing it.</summary>
    public EpochRecord? RunEpoch(CancellationToken cancel = default)
    {
        CheckNotFinished();
        int count = trainer.HistoryList.Count;
        clock.Start();
        try
        {
            do StepCore(cancel);
            while (stop is null && epochOpen);
        }
        finally { clock.Stop(); }
        return trainer.HistoryList.Count > count ? trainer.HistoryList[^1] : null;
    }

    /// <summary>Runs <paramref name="epochs"/> more epochs (fewer if the run ends first).</summary>
    public TrainingResult Run(int epochs, CancellationToken cancel = default)
    {
        if (epochs < 1) Errors.OutOfRange("epochs", epochs, "at least 1 epoch");
        int target = trainer.NextEpoch + epochs - (epochOpen ? 1 : 0);
        while (stop is null && (trainer.NextEpoch < target || epochOpen))
        {
            RunEpoch(cancel);
        }
        return Result;
    }

    /// <summary>Runs to the end: <see cref="LastEpoch"/>, early stopping, divergence or cancellation.</summary>
    public TrainingResult Run(CancellationToken cancel = default)
    {
        if (stop is not null) return Result;
        clock.Start();
        try
        {
            while (stop is null) StepCore(cancel);
        }
        finally { clock.Stop(); }
        return Result;
    }

    /// <summary>Lets a finished or running session go on for <paramref name="epochs"/> more epochs than it was started with.</summary>
    public void Extend(int epochs)
    {
        if (epochs < 1) Errors.OutOfRange("epochs", epochs, "at least 1 more epoch");
        if (stop is StopReason.Diverged) Errors.Argument("the run diverged; Reset it (or start again with a smaller learning rate) before training further.");
        lastEpoch += epochs;
        if (stop is StopReason.Completed) stop = null;
    }

    /// <summary>
    /// Back to exactly where the session started: weights, optimizer state, learning rate,
    /// schedule and plateau counters, history and the loop; the next run repeats the first bit for bit.
    /// </summary>
    public void Reset()
    {
        if (startWeights is null || startOptimizer is null || startTrainer is null)
            throw new InvalidOperationException("this run was started by Trainer.Fit, which keeps no copy of the start; use Trainer.Start for a session that can be reset.");
        trainer.Model.Restore(startWeights);
        foreach (var p in trainer.Model.Parameters) p.ZeroGrad();
        trainer.Optimizer.ImportState(startOptimizer);
        trainer.ImportState(startTrainer);
        if (startPlateau is var (best, bad, cooldown)) trainer.Plateau!.Restore(best, bad, cooldown);
        lastGood = trainer.Model.Snapshot();
        lastEpoch = trainer.NextEpoch + trainer.Options.Epochs - 1;
        (order, epochOpen, batch, lossSum, samples, updates, stop, divergence) = (null, false, 0, 0, 0, 0, null, null);
        LastLoss = double.NaN;
        startLoss = double.NaN;
        clock.Reset();
    }

    /// <summary>
    /// The training rows (0-based, in the order of the training data) that the next <see cref="Step"/>
    /// trains on: the lab shows them beside the update they cause, as the seed spreadsheet does.
    /// Empty once the run has finished.
    /// </summary>
    public int[] NextBatchRows()
    {
        if (stop is not null) return [];
        // NOTE: before an epoch opens its order is not drawn yet; Order is a pure function of (seed, epoch), so drawing it here gives the one OpenEpoch will draw.
        var rows = epochOpen ? order : trainer.Order(train.Count, trainer.NextEpoch);
        int start = epochOpen ? batch * batchSize : 0;
        return Trainer<T>.Slice(rows, start, Math.Min(batchSize, train.Count - start));
    }

    /// <summary>Copies of every parameter's values and gradient (null where it has none) now, in double.</summary>
    public SessionSnapshot Snapshot() => new(updates, trainer.NextEpoch, epochOpen ? batch : 0, LastLoss,
        trainer.Model.Parameters.Select(p => p.Name ?? "").ToArray(),
        trainer.Model.Parameters.Select(p => p.ToArray().Select(double.CreateTruncating).ToArray()).ToArray(),
        trainer.Model.Parameters.Select(p => p.Grad?.ToArray().Select(double.CreateTruncating).ToArray()).ToArray());

    /// <summary>The run so far (final once <see cref="IsFinished"/>).</summary>
    public TrainingResult Result => new(trainer.HistoryList.ToArray(), stop ?? StopReason.Running, trainer.BestEpoch, divergence,
        clock.Elapsed.TotalSeconds, samples) { Path = Path, WhyNotFaster = WhyNotFaster, StartLoss = startLoss };

    private void CheckNotFinished()
    {
        if (stop is not null)
            throw new InvalidOperationException($"the training session has finished ({stop}); call Reset() to start again, or Extend(epochs) to go on.");
    }

    private StepProgress? StepCore(CancellationToken cancel)
    {
        if (!epochOpen) OpenEpoch();
        int epoch = trainer.NextEpoch;
        int start = batch * batchSize, count = Math.Min(batchSize, train.Count - start);
        double loss = parallel is not null ? parallel.Step(order, start, count, cancel.IsCancellationRequested)
            : fused is not null
            ? trainer.FusedStep(fused, order, start, count)
            : trainer.Step(order is null && count == train.Count ? train : train.Rows(Trainer<T>.Slice(order, start, count)));
        samples += count;
        lossSum += loss * count;
        LastLoss = loss;
        if (trainer.FirstLoss is null) startLoss = loss;
        trainer.FirstLoss ??= Math.Max(Math.Abs(loss), 1e-300);
        if (!double.IsFinite(loss) || Math.Abs(loss) > trainer.Options.DivergenceFactor * trainer.FirstLoss.Value)
        {
            Diverge(new Divergence(epoch, batch + 1, loss));
            return null;
        }
        var progress = new StepProgress(++updates, epoch, batch + 1, loss);
        callbacks.Step?.Invoke(progress);
        callbacks.Batch?.Invoke(new BatchProgress(epoch, batch + 1, BatchesPerEpoch, loss));
        batch++;
        // Ranks stop after the same batch when any of them is cancelled.
        bool cancelled = parallel?.AnyCancelled ?? cancel.IsCancellationRequested;
        if (cancelled || batch == BatchesPerEpoch) CloseEpoch(cancelled);
        return progress;
    }

    private void OpenEpoch()
    {
        int epoch = trainer.NextEpoch;
        trainer.Schedule?.Step(epoch - 1);
        epochStart = Stopwatch.GetTimestamp(); // not a Stopwatch object: one step per epoch (W6) feels every allocation
        order = trainer.Order(train.Count, epoch);
        lossSum = 0;
        batch = 0;
        epochOpen = true;
    }

    private void CloseEpoch(bool cancelled)
    {
        int epoch = trainer.NextEpoch;
        epochOpen = false;
        // A weight made infinite or NaN by an update shows in the next batch's loss; only the run's
        // last update (or the last before a cancel) has no next batch, so only then are the weights checked.
        if ((cancelled || epoch >= lastEpoch) && NonFiniteParameter() is { } broken)
        {
            // The last update made a weight infinite or NaN; its loss was measured before it.
            Diverge(new Divergence(epoch, batch, LastLoss) { Parameter = broken });
            return;
        }
        var record = trainer.EndOfEpoch(epoch, lossSum / train.Count, validation, Stopwatch.GetElapsedTime(epochStart).TotalSeconds);
        trainer.HistoryList.Add(record);
        // Into the same arrays: with one step per epoch a fresh snapshot per epoch would allocate per step.
        for (int i = 0; i < lastGood.Length; i++) trainer.Model.Stored[i].Data.CopyTo(lastGood[i]);
        trainer.NextEpoch = epoch + 1;
        callbacks.Epoch?.Invoke(record);
        callbacks.EpochEnd?.Invoke(epoch);
        if (cancelled) Finish(StopReason.Cancelled);
        else if (trainer.OutOfPatience) Finish(StopReason.EarlyStopping);
        else if (epoch >= lastEpoch) Finish(StopReason.Completed);
    }

    private string? NonFiniteParameter()
    {
        var parameters = trainer.Model.Parameters;
        // NOTE: an index loop: foreach over the IReadOnlyList boxes an enumerator, once per epoch (W6 runs one step an epoch).
        for (int i = 0; i < parameters.Count; i++)
            if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<T>(parameters[i].Data)) return parameters[i].Name ?? "a parameter";
        return null;
    }

    private void Diverge(Divergence d)
    {
        divergence = d;
        trainer.Model.Restore(lastGood);
        epochOpen = false;
        Finish(StopReason.Diverged);
    }

    private void Finish(StopReason reason)
    {
        stop = reason;
        trainer.RestoreBest(reason);
    }
}

/// <summary>
/// The state of a <see cref="TrainingSession{T}"/> after <paramref name="Updates"/> updates: every
/// parameter's values and gradient (null where it has none), and the last batch's loss.
/// </summary>
public sealed record SessionSnapshot(long Updates, int Epoch, int BatchesDone, double Loss,
    string[] Names, double[][] Parameters, double[]?[] Gradients);
