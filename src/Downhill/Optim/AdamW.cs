using System.Numerics;

namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="AdamW{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct AdamWOptions
{
    /// <summary>PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2, no AMSGrad.</summary>
    public AdamWOptions() { }
    /// <summary>γ, the step size (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>β1, the decay of the running mean of gradients (default 0.9); in [0, 1).</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>β2, the decay of the running mean of squared gradients (default 0.999); in [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>ε, added to the root of the squared-gradient mean so a step never divides by zero (default 1e-8).</summary>
    public double Eps { get; init; } = 1e-8;
    /// <summary>Decoupled decay: the weights shrink by lr·weightDecay each step, apart from the gradient.</summary>
    public double WeightDecay { get; init; } = 1e-2;
    /// <summary>AMSGrad (Reddi et al. 2018): divide by the largest squared-gradient mean so far, which never lets the step grow back.</summary>
    public bool AmsGrad { get; init; }
}

/// <summary>
/// AdamW (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization"): Adam whose
/// weight decay shrinks the weights directly instead of entering the gradient, so it is not
/// rescaled by √v. Step for step as PyTorch's <c>torch.optim.AdamW</c>:
/// <code>
/// θ ← θ · (1 − γ·λ)                         γ = lr (1e-3), λ = weightDecay (1e-2)
/// then Adam's step with g = ∇f(θ) (no L2 term):  β1 (0.9), β2 (0.999), ε (1e-8), amsgrad (false)
/// </code>
/// The recipe: decoupled decay → Adam's moments and the descent (<see cref="AdamStep{T}"/>).
/// </summary>
public sealed class AdamW<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The optimizer for <paramref name="parameters"/> with PyTorch's default hyper-parameters.</summary>
    public AdamW(IEnumerable<NDArray<T>> parameters) : this(parameters, new AdamWOptions()) { }

    /// <summary>The optimizer for <paramref name="parameters"/>; the options are checked here, and a bad one names its value and the allowed range.</summary>
    public AdamW(IEnumerable<NDArray<T>> parameters, AdamWOptions options) : base("AdamW", parameters, options.LearningRate)
    {
        AdamStep<T>.CheckOptions(Name, options.Beta1, options.Beta2, options.Eps, options.WeightDecay);
        Options = options;
        // PyTorch decays even when weightDecay is 0 (θ·1 = θ, so the same bits either way).
        Chain(
            new DecayWeights<T>(options.WeightDecay),
            new AdamStep<T>(Parameters.Count, options.Beta1, options.Beta2, options.Eps, options.AmsGrad));
    }

    /// <summary>The hyper-parameters given at construction; <see cref="Optimizer.LearningRate"/> holds the current rate.</summary>
    public AdamWOptions Options { get; }
}
