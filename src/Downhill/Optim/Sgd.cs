using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="Sgd{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct SgdOptions
{
    public SgdOptions() { }
    public double LearningRate { get; init; } = 1e-3;
    public double Momentum { get; init; }
    public double Dampening { get; init; }
    public double WeightDecay { get; init; }
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
/// </summary>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public Sgd(IEnumerable<Tensor<T>> parameters) : this(parameters, new SgdOptions()) { }

    public Sgd(IEnumerable<Tensor<T>> parameters, SgdOptions options) : base("Sgd", parameters, options.LearningRate)
    {
        Check.AtLeast(Name, "momentum", options.Momentum, 0);
        Check.AtLeast(Name, "dampening", options.Dampening, 0);
        Check.AtLeast(Name, "weightDecay", options.WeightDecay, 0);
        if (options.Nesterov && (options.Momentum <= 0 || options.Dampening != 0))
            Errors.Argument($"{Name}: nesterov needs momentum > 0 and dampening = 0 (got momentum = {Check.Format(options.Momentum)}, dampening = {Check.Format(options.Dampening)}).");
        Options = options;
    }

    /// <summary>The hyper-parameters given at construction; <see cref="Optimizer.LearningRate"/> holds the current rate.</summary>
    public SgdOptions Options { get; }

    protected override void Update(int index, Span<T> p, ReadOnlySpan<T> grad)
    {
        T lr = Scalar(LearningRate), mu = Scalar(Options.Momentum);
        ReadOnlySpan<T> g = grad;
        if (Options.WeightDecay != 0)
        {
            var decayed = Work(0, p.Length);
            TP.MultiplyAdd(p, Scalar(Options.WeightDecay), grad, decayed);
            g = decayed;
        }
        if (Options.Momentum != 0)
        {
            if (TryGetState(index, "b", out var b))
            {
                TP.Multiply(b, mu, b);
                TP.MultiplyAdd(g, Scalar(1 - Options.Dampening), b, b);
            }
            else
                g.CopyTo(b = State(index, "b"));
            if (Options.Nesterov)
            {
                var ahead = Work(1, p.Length);
                TP.MultiplyAdd(b, mu, g, ahead);
                g = ahead;
            }
            else g = b;
        }
        TP.MultiplyAdd(g, -lr, p, p);
    }
}
