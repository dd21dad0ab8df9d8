using System.Numerics;

namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="AdamW{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct AdamWOptions
{
    public AdamWOptions() { }
    public double LearningRate { get; init; } = 1e-3;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Eps { get; init; } = 1e-8;
    /// <summary>Decoupled decay: the weights shrink by lr·weightDecay each step, apart from the gradient.</summary>
    public double WeightDecay { get; init; } = 1e-2;
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
    public AdamW(IEnumerable<Tensor<T>> parameters) : this(parameters, new AdamWOptions()) { }

    public AdamW(IEnumerable<Tensor<T>> parameters, AdamWOptions options) : base("AdamW", parameters, options.LearningRate)
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
