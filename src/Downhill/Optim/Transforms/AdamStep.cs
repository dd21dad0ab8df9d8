using System.Numerics;

namespace Downhill.Optim;

/// <summary>
/// Adam's moments with bias correction, and the descent along them, in one pass (Adam and AdamW end with it):
/// <code>
/// m ← β1·m + (1 − β1)·d;   v ← β2·v + (1 − β2)·d²;   with amsgrad vMax ← max(vMax, v) replaces v below
/// θ ← θ − (γ̃ / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
/// </code>
/// NOTE: the last line is PyTorch's order of operations, so that runs agree to the last bit.
/// Scale-by-Adam and <see cref="Descend{T}"/> are one transform here because an Adam update is
/// bound by memory traffic: one pass over the parameters and moments instead of the ten that
/// separate transforms make (gain in bench/README.md, "Measured gains"); the factor
/// −γ̃/(1 − β1^t) still comes from Descend.
/// </summary>
internal sealed class AdamStep<T>(int parameterCount, double beta1, double beta2, double eps, bool amsGrad)
    : StatefulTransform<T, MomentState<T>>(parameterCount) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T b1 = T.CreateTruncating(beta1), oneMinusB1 = T.CreateTruncating(1 - beta1);
    private readonly T b2 = T.CreateTruncating(beta2), oneMinusB2 = T.CreateTruncating(1 - beta2);
    private readonly T epsilon = T.CreateTruncating(eps);

    public static void CheckOptions(string owner, double beta1, double beta2, double eps, double weightDecay)
    {
        Check.Fraction(owner, "beta1", beta1);
        Check.Fraction(owner, "beta2", beta2);
        Check.AtLeast(owner, "eps", eps, 0);
        Check.AtLeast(owner, "weightDecay", weightDecay, 0);
    }

    protected override MomentState<T> Create(int size) => new(size, amsGrad);

    public override void Apply(ref ParameterUpdate<T> u)
    {
        var s = State(u.Index, u.Parameter.Length);
        double stepSize = u.StepSize / (1 - Math.Pow(beta1, u.Step));
        double bias2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, u.Step));
        OnePass(u.Parameter, u.Direction, s.M, s.V, s.VMax, amsGrad, b1, oneMinusB1, b2, oneMinusB2,
            T.CreateTruncating(bias2Sqrt), epsilon, Descend<T>.Factor(stepSize));
    }

    // Separate multiplies and adds (no FMA), in PyTorch's order. The amsgrad test is the same on
    // every iteration, so the branch predictor makes it free; scalars come as arguments so that
    // the JIT keeps them in registers.
    private static void OnePass(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, Span<T> vMax, bool amsGrad,
        T b1, T oneMinusB1, T b2, T oneMinusB2, T bias2Sqrt, T eps, T minusStep)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<T>.Count;
            for (; i <= p.Length - w; i += w)
            {
                var gi = new Vector<T>(g[i..]);
                var mi = new Vector<T>(m[i..]) * b1 + gi * oneMinusB1;
                var vi = new Vector<T>(v[i..]) * b2 + gi * oneMinusB2 * gi;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                if (amsGrad)
                {
                    vi = Vector.Max(new Vector<T>(vMax[i..]), vi);
                    vi.CopyTo(vMax[i..]);
                }
                var step = mi / (Vector.SquareRoot(vi) / new Vector<T>(bias2Sqrt) + new Vector<T>(eps));
                (step * minusStep + new Vector<T>(p[i..])).CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            m[i] = m[i] * b1 + g[i] * oneMinusB1;
            v[i] = v[i] * b2 + g[i] * oneMinusB2 * g[i];
            T second = v[i];
            if (amsGrad) second = vMax[i] = T.Max(vMax[i], v[i]);
            p[i] = m[i] / (T.Sqrt(second) / bias2Sqrt + eps) * minusStep + p[i];
        }
    }
}

/// <summary>Adam's state for one parameter: the moment estimates.</summary>
internal sealed class MomentState<T>(int size, bool amsGrad) : TransformState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>m: the first moment (mean) of the gradient.</summary>
    public T[] M = new T[size];

    /// <summary>v: the second moment (uncentered variance).</summary>
    public T[] V = new T[size];

    /// <summary>vMax: the largest v so far (AMSGrad); empty without it.</summary>
    public T[] VMax = amsGrad ? new T[size] : [];

    public override void Visit(BufferVisitor<T> visit)
    {
        visit("m", ref M, T.Zero);
        visit("v", ref V, T.Zero);
        if (amsGrad) visit("vMax", ref VMax, T.Zero);
    }
}
