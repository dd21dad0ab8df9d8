namespace Downhill.Optim;

/// <summary>
/// Scales the rate by a factor that moves linearly from <c>startFactor</c> to <c>endFactor</c>
/// over <c>epochs</c> epochs and then stays there, as PyTorch's <c>LinearLR</c> (same defaults):
/// <c>lr(e) = lr₀ · (start + (end − start) · min(e, epochs) / epochs)</c>. With end = 1 it is a
/// warm-up: small steps while Adam's moment estimates or a fresh network settle.
/// </summary>
public sealed class LinearWarmup : LearningRateSchedule
{
    public LinearWarmup(Optimizer optimizer, int epochs = 5, double startFactor = 1.0 / 3, double endFactor = 1)
        : base("LinearWarmup", optimizer)
    {
        Check.AtLeast(Name, "epochs", epochs, 1);
        if (!(startFactor > 0 && startFactor <= 1)) Check.Invalid(Name, "startFactor", startFactor, "0 < startFactor <= 1");
        if (!(endFactor >= 0 && endFactor <= 1)) Check.Invalid(Name, "endFactor", endFactor, "0 <= endFactor <= 1");
        (Epochs, StartFactor, EndFactor) = (epochs, startFactor, endFactor);
    }

    public int Epochs { get; }
    public double StartFactor { get; }
    public double EndFactor { get; }

    private protected override double Rate(int epoch) =>
        BaseRate * (StartFactor + (EndFactor - StartFactor) * Math.Min(epoch, Epochs) / Epochs);
}
