namespace Downhill.Training;

/// <summary>One epoch of training: the mean training loss over its batches, the validation figures, the rate and its time.</summary>
public sealed record EpochRecord(
    int Epoch,
    double TrainLoss,
    double? ValidationLoss,
    IReadOnlyDictionary<string, double> ValidationMetrics,
    double LearningRate,
    double Seconds);

/// <summary>Progress after one update, for progress bars and live plots.</summary>
public readonly record struct BatchProgress(int Epoch, int Batch, int BatchesPerEpoch, double Loss);

/// <summary>
/// One parameter update: <paramref name="Step"/> counts updates from 1 within one <c>Fit</c> call;
/// <paramref name="Loss"/> is the loss of the batch the update used, measured before the update.
/// </summary>
public readonly record struct StepProgress(long Step, int Epoch, int Batch, double Loss);

/// <summary>Why training ended.</summary>
public enum StopReason
{
    /// <summary>Every epoch asked for ran.</summary>
    Completed,
    /// <summary>The validation loss stopped improving for the patience's number of epochs; the best weights were restored.</summary>
    EarlyStopping,
    /// <summary>The loss or a parameter became infinite or NaN, or grew past the divergence factor; see <see cref="TrainingResult.Divergence"/>.</summary>
    Diverged,
    /// <summary>The caller's cancellation token was cancelled; training stopped after the batch under way.</summary>
    Cancelled,

    /// <summary>Not stopped: a <see cref="TrainingSession{T}"/> that can take more steps.</summary>
    Running,
}

/// <summary>Where and how training blew up.</summary>
public sealed record Divergence(int Epoch, int Batch, double Loss)
{
    /// <summary>
    /// Set when the loss was still finite but the update of batch <see cref="Batch"/> made this
    /// parameter infinite or NaN (the loss of a batch is measured before its update).
    /// </summary>
    public string? Parameter { get; init; }

    /// <summary>One sentence for a person: where training blew up and what to try (a smaller learning rate).</summary>
    public string Describe() => Parameter is null
        ? $"training diverged at epoch {Epoch}, batch {Batch}: the loss became {Format(Loss)}. Try a smaller learning rate (e.g. a tenth of it)."
        : $"training diverged at epoch {Epoch}, batch {Batch}: the update made {Parameter} infinite or NaN. Try a smaller learning rate (e.g. a tenth of it).";

    private static string Format(double loss) =>
        double.IsNaN(loss) ? "NaN" : double.IsInfinity(loss) ? "infinite" : loss.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>How a training run went, epoch by epoch, and why it ended.</summary>
/// <param name="History">One record per epoch run, in order.</param>
/// <param name="StoppedBecause">Why the run ended.</param>
/// <param name="BestEpoch">The epoch of the lowest validation loss (training loss without validation), whose weights early stopping keeps; null when none was measured.</param>
/// <param name="Divergence">Where the run blew up, or null when it did not.</param>
/// <param name="Seconds">Wall-clock time of the run.</param>
/// <param name="SamplesSeen">Rows processed over all epochs (a row counts once per epoch).</param>
public sealed record TrainingResult(
    IReadOnlyList<EpochRecord> History,
    StopReason StoppedBecause,
    int? BestEpoch,
    Divergence? Divergence,
    double Seconds,
    long SamplesSeen)
{
    /// <summary>Training speed: rows processed per second of wall-clock time (0 when no time passed).</summary>
    public double SamplesPerSecond => Seconds > 0 ? SamplesSeen / Seconds : 0;

    /// <summary>The loss of the very first batch, before any update (NaN when none ran).</summary>
    public double StartLoss { get; init; } = double.NaN;

    /// <summary>How the gradients were computed (the fast path that ran, or the tape).</summary>
    public TrainingPath Path { get; init; }

    /// <summary>Why no faster path applied, or null when the fastest one for this model ran.</summary>
    public string? WhyNotFaster { get; init; }
}
