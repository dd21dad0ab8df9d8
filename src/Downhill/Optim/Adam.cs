using System.Numerics;

namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="Adam{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct AdamOptions
{
    /// <summary>PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay, no AMSGrad.</summary>
    public AdamOptions() { }
    /// <summary>γ, the step size (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>β1, the decay of the running mean of gradients (default 0.9); in [0, 1).</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>β2, the decay of the running mean of squared gradients (default 0.999); in [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>ε, added to the root of the squared-gradient mean so a step never divides by zero (default 1e-8).</summary>
    public double Eps { get; init; } = 1e-8;
    /// <summary>L2 penalty added to the gradient (for decoupled decay use <see cref="AdamW{T}"/>).</summary>
    public double WeightDecay { get; init; }
    /// <summary>AMSGrad (Reddi et al. 2018): divide by the largest squared-gradient mean so far, which never lets the step grow back.</summary>
    public bool AmsGrad { get; init; }
}

/// <summary>
/// Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic Optimization"; AMSGrad from
/// Reddi, Kale and Kumar 2018, "On the Convergence of Adam and Beyond"). Step for step as
/// PyTorch's <c>torch.optim.Adam</c>:
/// <code>
/// t ← t + 1
/// g ← ∇f(θ) + λ·θ                          λ = weightDecay (0)
/// m ← β1·m + (1 − β1)·g                     β1 = beta1 (0.9)
/// v ← β2·v + (1 − β2)·g²                    β2 = beta2 (0.999)
/// if amsgrad: vMax ← max(vMax, v) and vMax replaces v below
/// mHat ← m / (1 − β1^t);  vHat ← v / (1 − β2^t)
/// θ ← θ − γ · mHat / (√vHat + ε)           γ = lr (1e-3), ε = eps (1e-8)
/// </code>
/// NOTE: the last line is computed as PyTorch does, θ − (γ / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε),
/// so that runs agree with PyTorch to the last bits rather than only mathematically.
/// The recipe: [L2 decay] → Adam's moments and the descent (<see cref="AdamStep{T}"/>, one pass for speed).
/// </summary>
public sealed class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The optimizer for <paramref name="parameters"/> with PyTorch's default hyper-parameters.</summary>
    public Adam(IEnumerable<NDArray<T>> parameters) : this(parameters, new AdamOptions()) { }

    /// <summary>The optimizer for <paramref name="parameters"/>; the options are checked here, and a bad one names its value and the allowed range.</summary>
    public Adam(IEnumerable<NDArray<T>> parameters, AdamOptions options) : base("Adam", parameters, options.LearningRate)
    {
        AdamStep<T>.CheckOptions(Name, options.Beta1, options.Beta2, options.Eps, options.WeightDecay);
        Options = options;
        Chain(
            options.WeightDecay != 0 ? new AddDecayedWeights<T>(options.WeightDecay) : null,
            new AdamStep<T>(Parameters.Count, options.Beta1, options.Beta2, options.Eps, options.AmsGrad));
    }

    /// <summary>The hyper-parameters given at construction; <see cref="Optimizer.LearningRate"/> holds the current rate.</summary>
    public AdamOptions Options { get; }
}

