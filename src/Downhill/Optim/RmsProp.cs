using System.Numerics;

namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="RmsProp{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct RmsPropOptions
{
    /// <summary>PyTorch's defaults: lr 1e-2, alpha 0.99, eps 1e-8, no weight decay or momentum, not centered.</summary>
    public RmsPropOptions() { }
    /// <summary>γ, the step size (default 1e-2).</summary>
    public double LearningRate { get; init; } = 1e-2;
    /// <summary>α, the decay of the running mean of squared gradients (default 0.99).</summary>
    public double Alpha { get; init; } = 0.99;
    /// <summary>ε, added to the root of the squared-gradient mean so a step never divides by zero (default 1e-8).</summary>
    public double Eps { get; init; } = 1e-8;
    /// <summary>λ, the L2 penalty added to the gradient as λ·θ (default 0).</summary>
    public double WeightDecay { get; init; }
    /// <summary>μ, the fraction of the previous scaled step carried into this one (default 0).</summary>
    public double Momentum { get; init; }
    /// <summary>Divide by an estimate of the gradient's variance (mean of squares minus squared mean) instead of its mean square.</summary>
    public bool Centered { get; init; }
}

/// <summary>
/// RMSProp (Hinton, Coursera "Neural Networks for Machine Learning", lecture 6e; the centered
/// form from Graves 2013, "Generating Sequences With Recurrent Neural Networks"): divides each
/// step by a running root mean square of the gradient. Step for step as PyTorch's
/// <c>torch.optim.RMSprop</c>:
/// <code>
/// g ← ∇f(θ) + λ·θ                          λ = weightDecay (0)
/// v ← α·v + (1 − α)·g²                      α = alpha (0.99)
/// if centered: gAvg ← α·gAvg + (1 − α)·g;  ṽ ← v − gAvg²   else ṽ ← v
/// if μ > 0:  b ← μ·b + g / (√ṽ + ε);  θ ← θ − γ·b        μ = momentum (0), ε = eps (1e-8)
/// else       θ ← θ − γ·g / (√ṽ + ε)                      γ = lr (1e-2)
/// </code>
/// NOTE: ε is added after the square root (TensorFlow adds it inside), as PyTorch does.
/// The recipe: [L2 decay] → scale by the RMS → [momentum, starting at 0] → descend.
/// </summary>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The optimizer for <paramref name="parameters"/> with PyTorch's default hyper-parameters.</summary>
    public RmsProp(IEnumerable<NDArray<T>> parameters) : this(parameters, new RmsPropOptions()) { }

    /// <summary>The optimizer for <paramref name="parameters"/>; the options are checked here, and a bad one names its value and the allowed range.</summary>
    public RmsProp(IEnumerable<NDArray<T>> parameters, RmsPropOptions options) : base("RmsProp", parameters, options.LearningRate)
    {
        Check.AtLeast(Name, "alpha", options.Alpha, 0);
        Check.AtLeast(Name, "eps", options.Eps, 0);
        Check.AtLeast(Name, "weightDecay", options.WeightDecay, 0);
        Check.AtLeast(Name, "momentum", options.Momentum, 0);
        Options = options;
        Chain(
            options.WeightDecay != 0 ? new AddDecayedWeights<T>(options.WeightDecay) : null,
            new ScaleByRms<T>(Parameters.Count, options.Alpha, options.Eps, options.Centered),
            options.Momentum > 0 ? new Momentum<T>(Parameters.Count, options.Momentum, dampening: 0, nesterov: false, startsAtGradient: false) : null,
            new Descend<T>());
    }

    /// <summary>The hyper-parameters given at construction; <see cref="Optimizer.LearningRate"/> holds the current rate.</summary>
    public RmsPropOptions Options { get; }
}
