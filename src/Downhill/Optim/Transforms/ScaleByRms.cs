using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>
/// RMSProp's scaling: divides the direction by a running root mean square of it.
/// <code>
/// v ← α·v + (1 − α)·d²
/// if centered: gAvg ← α·gAvg + (1 − α)·d;  ṽ ← v − gAvg²   else ṽ ← v
/// d ← d / (√ṽ + ε)
/// </code>
/// NOTE: ε is added after the square root (TensorFlow adds it inside), as PyTorch does.
/// </summary>
internal sealed class ScaleByRms<T>(int parameterCount, double alpha, double eps, bool centered)
    : StatefulTransform<T, RmsState<T>>(parameterCount) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T a = T.CreateTruncating(alpha), oneMinusA = T.CreateTruncating(1 - alpha), epsilon = T.CreateTruncating(eps);
    private readonly Scratch<T> scaled = new();

    protected override RmsState<T> Create(int size) => new(size, centered);

    public override void Apply(ref ParameterUpdate<T> u)
    {
        var s = State(u.Index, u.Parameter.Length);
        var g = u.Direction;
        var avg = scaled.Span(g.Length);
        TP.Multiply(s.V, a, s.V);
        TP.Multiply(g, oneMinusA, avg);
        TP.MultiplyAdd(avg, g, s.V, s.V);
        if (centered)
        {
            TP.Multiply(s.GAvg, a, s.GAvg);
            TP.MultiplyAdd(g, oneMinusA, s.GAvg, s.GAvg);
            TP.Multiply(s.GAvg, s.GAvg, avg);
            TP.Subtract(s.V, avg, avg);
            TP.Sqrt(avg, avg);
        }
        else TP.Sqrt(s.V, avg);
        TP.Add(avg, epsilon, avg);
        TP.Divide(g, avg, avg);
        u.Direction = avg;
    }
}

/// <summary>RMSProp's state for one parameter.</summary>
internal sealed class RmsState<T>(int size, bool centered) : TransformState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>v: the running mean of d².</summary>
    public T[] V = new T[size];

    /// <summary>gAvg: the running mean of d (centered only; empty otherwise).</summary>
    public T[] GAvg = centered ? new T[size] : [];

    public override void Visit(BufferVisitor<T> visit)
    {
        visit("v", ref V, T.Zero);
        if (centered) visit("gAvg", ref GAvg, T.Zero);
    }
}
