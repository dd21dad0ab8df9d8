namespace Downhill.Optim;

/// <summary>Multiplies the rate by γ every epoch, as PyTorch's <c>ExponentialLR</c>: <c>lr(e) = lr₀ · γ^e</c>.</summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Multiplies <paramref name="optimizer"/>'s rate by <paramref name="gamma"/> (at least 0) each epoch.</summary>
    public ExponentialDecay(Optimizer optimizer, double gamma) : base("ExponentialDecay", optimizer)
    {
        Check.AtLeast(Name, "gamma", gamma, 0);
        Gamma = gamma;
    }

    /// <summary>γ, the factor applied every epoch; below 1 the rate shrinks.</summary>
    public double Gamma { get; }

    private protected override double Rate(int epoch) => BaseRate * Math.Pow(Gamma, epoch);
}
