using System.Numerics;

namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="Adagrad{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct AdagradOptions
{
    public AdagradOptions() { }
    public double LearningRate { get; init; } = 1e-2;
    public double LrDecay { get; init; }
    public double WeightDecay { get; init; }
    public double InitialAccumulatorValue { get; init; }
    public double Eps { get; init; } = 1e-10;
}

/// <summary>
/// Adagrad (Duchi, Hazan and Singer 2011, "Adaptive Subgradient Methods for Online Learning
/// and Stochastic Optimization"): each element's step shrinks with the sum of its squared
/// gradients. Step for step as PyTorch's <c>torch.optim.Adagrad</c>:
/// <code>
/// γ̃ ← γ / (1 + (t − 1)·η)                  γ = lr (1e-2), η = lrDecay (0), t = step (from 1)
/// g ← ∇f(θ) + λ·θ                           λ = weightDecay (0)
/// sum ← sum + g²                            sum starts at initialAccumulatorValue (0)
/// θ ← θ − γ̃ · g / (√sum + ε)               ε = eps (1e-10)
/// </code>
/// The recipe: [L2 decay] → scale by Adagrad's sum → [decay the step size] → descend.
/// </summary>
public sealed class Adagrad<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Adagrad(IEnumerable<Tensor<T>> parameters) : this(parameters, new AdagradOptions()) { }

    public Adagrad(IEnumerable<Tensor<T>> parameters, AdagradOptions options) : base("Adagrad", parameters, options.LearningRate)
    {
        Check.AtLeast(Name, "lrDecay", options.LrDecay, 0);
        Check.AtLeast(Name, "weightDecay", options.WeightDecay, 0);
        Check.AtLeast(Name, "initialAccumulatorValue", options.InitialAccumulatorValue, 0);
        Check.AtLeast(Name, "eps", options.Eps, 0);
        Options = options;
        Chain(
            options.WeightDecay != 0 ? new AddDecayedWeights<T>(options.WeightDecay) : null,
            new ScaleByAdagrad<T>(Parameters.Count, options.InitialAccumulatorValue, options.Eps),
            options.LrDecay != 0 ? new InverseTimeDecay<T>(options.LrDecay) : null,
            new Descend<T>());
    }

    /// <summary>The hyper-parameters given at construction; <see cref="Optimizer.LearningRate"/> holds the current rate.</summary>
    public AdagradOptions Options { get; }
}
