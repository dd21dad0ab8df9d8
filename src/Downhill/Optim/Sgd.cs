using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="Sgd{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct SgdOptions
{
    /// <summary>PyTorch's defaults: lr 1e-3, no momentum, dampening or weight decay.</summary>
    public SgdOptions() { }
    /// <summary>γ, the step size (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>μ, the fraction of the previous step carried into this one (default 0: plain SGD).</summary>
    public double Momentum { get; init; }
    /// <summary>τ, how much of the new gradient momentum ignores after the first step (default 0).</summary>
    public double Dampening { get; init; }
    /// <summary>λ, the L2 penalty added to the gradient as λ·θ (default 0).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Nesterov momentum: the step looks ahead along the momentum; needs momentum > 0 and dampening 0.</summary>
    public bool Nesterov { get; init; }
}

/// <summary>
/// Stochastic gradient descent, optionally with momentum (Polyak 1964; Nesterov's variant as in
/// Sutskever et al. 2013), step for step as PyTorch's <c>torch.optim.SGD</c>:
/// <code>
/// g ← ∇f(θ) + λ·θ                                  λ = weightDecay (0)
/// if μ ≠ 0:                                         μ = momentum (0), τ = dampening (0)
///     b ← g                on the first step (no dampening),
///     b ← μ·b + (1 − τ)·g  afterwards
///     g ← g + μ·b if nesterov, else g ← b
/// θ ← θ − γ·g                                       γ = lr (1e-3)
/// </code>
/// The recipe: [L2 decay] → [momentum] → descend.
/// </summary>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The optimizer for <paramref name="parameters"/> with PyTorch's default hyper-parameters.</summary>
    public Sgd(IEnumerable<NDArray<T>> parameters) : this(parameters, new SgdOptions()) { }

    /// <summary>The optimizer for <paramref name="parameters"/>; the options are checked here, and a bad one names its value and the allowed range.</summary>
    public Sgd(IEnumerable<NDArray<T>> parameters, SgdOptions options) : base("Sgd", parameters, options.LearningRate)
    {
        Check.AtLeast(Name, "momentum", options.Momentum, 0);
        Check.AtLeast(Name, "dampening", options.Dampening, 0);
        Check.AtLeast(Name, "weightDecay", options.WeightDecay, 0);
        if (options.Nesterov && (options.Momentum <= 0 || options.Dampening != 0))
            Errors.Argument($"{Name}: nesterov needs momentum > 0 and dampening = 0 (got momentum = {Check.Format(options.Momentum)}, dampening = {Check.Format(options.Dampening)}).");
        Options = options;
        Chain(
            options.WeightDecay != 0 ? new AddDecayedWeights<T>(options.WeightDecay) : null,
            options.Momentum != 0 ? new Momentum<T>(Parameters.Count, options.Momentum, options.Dampening, options.Nesterov, startsAtGradient: true) : null,
            new Descend<T>());
    }

    /// <summary>The hyper-parameters given at construction; <see cref="Optimizer.LearningRate"/> holds the current rate.</summary>
    public SgdOptions Options { get; }
}
