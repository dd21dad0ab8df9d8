namespace Downhill.Optim;

/// <summary>
/// Multiplies the rate by γ every <c>stepSize</c> epochs, as PyTorch's <c>StepLR</c>:
/// <c>lr(e) = lr₀ · γ^⌊e / stepSize⌋</c>, γ = gamma (0.1).
/// </summary>
public sealed class StepDecay : LearningRateSchedule
{
    /// <summary>Multiplies <paramref name="optimizer"/>'s rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    public StepDecay(Optimizer optimizer, int stepSize, double gamma = 0.1) : base("StepDecay", optimizer)
    {
        Check.AtLeast(Name, "stepSize", stepSize, 1);
        Check.AtLeast(Name, "gamma", gamma, 0);
        (StepSize, Gamma) = (stepSize, gamma);
    }

    /// <summary>Epochs between two reductions.</summary>
    public int StepSize { get; }
    /// <summary>γ, the factor applied at each reduction (default 0.1).</summary>
    public double Gamma { get; }

    private protected override double Rate(int epoch) => BaseRate * Math.Pow(Gamma, epoch / StepSize);
}
