using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>
/// Momentum (Polyak 1964), with PyTorch's dampening and Nesterov's variant (Sutskever et al. 2013):
/// <code>
/// b ← μ·b + (1 − τ)·d        b starts at the first d (PyTorch's SGD) or at 0 (its RMSprop)
/// d ← d + μ·b if nesterov, else d ← b
/// </code>
/// </summary>
internal sealed class Momentum<T>(int parameterCount, double momentum, double dampening, bool nesterov, bool startsAtGradient)
    : StatefulTransform<T, MomentumState<T>>(parameterCount) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T mu = T.CreateTruncating(momentum), oneMinusTau = T.CreateTruncating(1 - dampening);
    private readonly Scratch<T> ahead = new();

    protected override MomentumState<T> Create(int size) => new(size);

    public override void Apply(ref ParameterUpdate<T> u)
    {
        bool first = StateOf(u.Index) is null;
        var b = State(u.Index, u.Parameter.Length).B;
        if (first && startsAtGradient)
            u.Direction.CopyTo(b);
        else if (dampening == 0)
            TP.MultiplyAdd(b, mu, u.Direction, b); // one pass; the same bits as the form below, since (1 − 0)·d = d exactly
        else
        {
            TP.Multiply(b, mu, b);
            TP.MultiplyAdd(u.Direction, oneMinusTau, b, b);
        }
        if (nesterov)
        {
            var d = ahead.Span(b.Length);
            TP.MultiplyAdd(b, mu, u.Direction, d);
            u.Direction = d;
        }
        else u.Direction = b;
    }
}

internal sealed class MomentumState<T>(int size) : TransformState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>b: the running sum of directions.</summary>
    public T[] B = new T[size];

    public override void Visit(BufferVisitor<T> visit) => visit("b", ref B, T.Zero);
}
