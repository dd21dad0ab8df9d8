namespace Downhill.Optim;

/// <summary>
/// Scales the rate by a factor that moves linearly from <c>startFactor</c> to <c>endFactor</c>
/// over <c>epochs</c> epochs and then stays there, as PyTorch's <c>LinearLR</c> (same defaults):
/// <c>lr(e) = lr₀ · (start + (end − start) · min(e, epochs) / epochs)</c>. With end = 1 it is a
/// warm-up: small steps while Adam's moment estimates or a fresh network settle.
/// </summary>
public sealed class LinearWarmup : LearningRateSchedule
{
    /// <summary>Scales <paramref name="optimizer"/>'s rate from <paramref name="startFactor"/> (in (0, 1]) to <paramref name="endFactor"/> (in [0, 1]) over <paramref name="epochs"/> epochs.</summary>
    public LinearWarmup(Optimizer optimizer, int epochs = 5, double startFactor = 1.0 / 3, double endFactor = 1)
        : base("LinearWarmup", optimizer)
    {
        Check.AtLeast(Name, "epochs", epochs, 1);
        if (!(startFactor > 0 && startFactor <= 1)) Check.Invalid(Name, "startFactor", startFactor, "0 < startFactor <= 1");
        if (!(endFactor >= 0 && endFactor <= 1)) Check.Invalid(Name, "endFactor", endFactor, "0 <= endFactor <= 1");
        (Epochs, StartFactor, EndFactor) = (epochs, startFactor, endFactor);
    }

    /// <summary>Epochs the factor takes to move from <see cref="StartFactor"/> to <see cref="EndFactor"/> (default 5).</summary>
    public int Epochs { get; }
    /// <summary>The factor at epoch 0 (default 1/3).</summary>
    public double StartFactor { get; }
    /// <summary>The factor from epoch <see cref="Epochs"/> on (default 1: the full rate).</summary>
    public double EndFactor { get; }

    private protected override double Rate(int epoch) =>
        BaseRate * (StartFactor + (EndFactor - StartFactor) * Math.Min(epoch, Epochs) / Epochs);
}
