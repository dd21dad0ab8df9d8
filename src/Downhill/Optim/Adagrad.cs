using System.Numerics;

namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="Adagrad{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct AdagradOptions
{
    /// <summary>PyTorch's defaults: lr 1e-2, no lr decay or weight decay, accumulator 0, eps 1e-10.</summary>
    public AdagradOptions() { }
    /// <summary>γ, the step size before decay and scaling (default 1e-2).</summary>
    public double LearningRate { get; init; } = 1e-2;
    /// <summary>The step size at step t is γ / (1 + (t − 1)·lrDecay) (default 0: constant).</summary>
    public double LrDecay { get; init; }
    /// <summary>λ, the L2 penalty added to the gradient as λ·θ (default 0).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Where the sum of squared gradients starts (default 0); larger values make the first steps smaller.</summary>
    public double InitialAccumulatorValue { get; init; }
    /// <summary>ε, added to the root of the sum of squares so a step never divides by zero (default 1e-10).</summary>
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
    /// <summary>The optimizer for <paramref name="parameters"/> with PyTorch's default hyper-parameters.</summary>
    public Adagrad(IEnumerable<NDArray<T>> parameters) : this(parameters, new AdagradOptions()) { }

    /// <summary>The optimizer for <paramref name="parameters"/>; the options are checked here, and a bad one names its value and the allowed range.</summary>
    public Adagrad(IEnumerable<NDArray<T>> parameters, AdagradOptions options) : base("Adagrad", parameters, options.LearningRate)
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
