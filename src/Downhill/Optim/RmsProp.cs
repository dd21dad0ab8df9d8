using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="RmsProp{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct RmsPropOptions
{
    public RmsPropOptions() { }
    public double LearningRate { get; init; } = 1e-2;
    public double Alpha { get; init; } = 0.99;
    public double Eps { get; init; } = 1e-8;
    public double WeightDecay { get; init; }
    public double Momentum { get; init; }
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
/// </summary>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public RmsProp(IEnumerable<Tensor<T>> parameters) : this(parameters, new RmsPropOptions()) { }

    public RmsProp(IEnumerable<Tensor<T>> parameters, RmsPropOptions options) : base("RmsProp", parameters, options.LearningRate)
    {
        Check.AtLeast(Name, "alpha", options.Alpha, 0);
        Check.AtLeast(Name, "eps", options.Eps, 0);
        Check.AtLeast(Name, "weightDecay", options.WeightDecay, 0);
        Check.AtLeast(Name, "momentum", options.Momentum, 0);
        Options = options;
    }

    /// <summary>The hyper-parameters given at construction; <see cref="Optimizer.LearningRate"/> holds the current rate.</summary>
    public RmsPropOptions Options { get; }

    protected override void Update(int index, Span<T> p, ReadOnlySpan<T> grad)
    {
        T alpha = Scalar(Options.Alpha), oneMinusAlpha = Scalar(1 - Options.Alpha);
        ReadOnlySpan<T> g = grad;
        if (Options.WeightDecay != 0)
        {
            var decayed = Work(0, p.Length);
            TP.MultiplyAdd(p, Scalar(Options.WeightDecay), grad, decayed);
            g = decayed;
        }
        var v = State(index, "v");
        var avg = Work(1, p.Length);
        TP.Multiply(v, alpha, v);
        TP.Multiply(g, oneMinusAlpha, avg);
        TP.MultiplyAdd(avg, g, v, v);
        if (Options.Centered)
        {
            var gAvg = State(index, "gAvg");
            TP.Multiply(gAvg, alpha, gAvg);
            TP.MultiplyAdd(g, oneMinusAlpha, gAvg, gAvg);
            TP.Multiply(gAvg, gAvg, avg);
            TP.Subtract(v, avg, avg);
            TP.Sqrt(avg, avg);
        }
        else TP.Sqrt(v, avg);
        TP.Add(avg, Scalar(Options.Eps), avg);
        TP.Divide(g, avg, avg); // avg now holds the normalized gradient g / (√ṽ + ε)
        if (Options.Momentum > 0)
        {
            var b = State(index, "b");
            TP.MultiplyAdd(b, Scalar(Options.Momentum), avg, b);
            TP.MultiplyAdd(b, Scalar(-LearningRate), p, p);
        }
        else TP.MultiplyAdd(avg, Scalar(-LearningRate), p, p);
    }
}
