using System.Numerics;
using System.Runtime.CompilerServices;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill;

/// <summary>A binary element-wise kernel in the four layouts broadcasting produces.</summary>
internal interface IBinaryKernel<T>
{
    static abstract void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d);
    static abstract void Run(ReadOnlySpan<T> x, T y, Span<T> d);
    static abstract void Run(T x, ReadOnlySpan<T> y, Span<T> d);
}

internal readonly struct AddKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TP.Add(x, y, d);
    public static void Run(ReadOnlySpan<T> x, T y, Span<T> d) => TP.Add(x, y, d);
    public static void Run(T x, ReadOnlySpan<T> y, Span<T> d) => TP.Add(y, x, d);
}

internal readonly struct SubtractKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TP.Subtract(x, y, d);
    public static void Run(ReadOnlySpan<T> x, T y, Span<T> d) => TP.Subtract(x, y, d);
    public static void Run(T x, ReadOnlySpan<T> y, Span<T> d) => TP.Subtract(x, y, d);
}

internal readonly struct MultiplyKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TP.Multiply(x, y, d);
    public static void Run(ReadOnlySpan<T> x, T y, Span<T> d) => TP.Multiply(x, y, d);
    public static void Run(T x, ReadOnlySpan<T> y, Span<T> d) => TP.Multiply(y, x, d);
}

internal readonly struct DivideKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TP.Divide(x, y, d);
    public static void Run(ReadOnlySpan<T> x, T y, Span<T> d) => TP.Divide(x, y, d);
    public static void Run(T x, ReadOnlySpan<T> y, Span<T> d) => TP.Divide(x, y, d);
}

internal readonly struct PowKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TP.Pow(x, y, d);
    public static void Run(ReadOnlySpan<T> x, T y, Span<T> d) => TP.Pow(x, y, d);
    public static void Run(T x, ReadOnlySpan<T> y, Span<T> d) => TP.Pow(x, y, d);
}

internal readonly struct MinimumKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TP.Min(x, y, d);
    public static void Run(ReadOnlySpan<T> x, T y, Span<T> d) => TP.Min(x, y, d);
    public static void Run(T x, ReadOnlySpan<T> y, Span<T> d) => TP.Min(y, x, d);
}

internal readonly struct MaximumKernel<T> : IBinaryKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TP.Max(x, y, d);
    public static void Run(ReadOnlySpan<T> x, T y, Span<T> d) => TP.Max(x, y, d);
    public static void Run(T x, ReadOnlySpan<T> y, Span<T> d) => TP.Max(y, x, d);
}

/// <summary>
/// Minimum and maximum for one value, forward and backward: the rules behind
/// <see cref="NDArray{T}.Minimum"/>, <see cref="NDArray{T}.Maximum"/> and the compiled formula
/// gradients' min and max, and the gradient of Huber's min(|d|, 1) in the fused formula step.
/// </summary>
internal static class Selection<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// IEEE 754-2019 minimum, as TensorPrimitives.Min and Math.Min: NaN if either is NaN, and -0
    /// below +0. NOTE: written out with comparisons rather than calling Math.Min, because compiled
    /// expression trees (formulas) on .NET 10 gave +0 for Math.Min(+0, -0) when the -0 was a
    /// constant of the tree, even through a helper the JIT inlined (measured on the AVX-512 test
    /// machine): 1/min(0*x, -0) was +inf in compiled code and -inf on the tape.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min(T a, T b) =>
        a < b ? a : b < a ? b : a == b ? (T.IsNegative(a) ? a : b) : a + b; // a + b: the NaN

    /// <summary>IEEE 754-2019 maximum: NaN if either is NaN, and +0 above -0 (see <see cref="Min"/> for why not Math.Max).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max(T a, T b) =>
        a > b ? a : b > a ? b : a == b ? (T.IsNegative(a) ? b : a) : a + b;

    /// <summary>
    /// The part of the upstream g that <paramref name="operand"/> of a min or max gets: all of
    /// it where it alone equals the result, half where both do (a tie, +0 against -0 included),
    /// none where the other won or the result is NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Share(T operand, T other, T result, T g) =>
        operand == result ? (other == result ? g * T.CreateTruncating(0.5) : g) : T.Zero;
}

/// <summary>
/// The power rule for one value, forward and backward: the rules behind both
/// <see cref="NDArray{T}.Pow(T)"/> and <see cref="NDArray{T}.Pow(NDArray{T})"/> and the compiled
/// formula gradients' powers.
/// </summary>
internal static class PowRule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>a^c for a constant exponent c: c = 2 is a*a (exact, no call), as the forward computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Power(T a, T c) => c == T.CreateTruncating(2) ? a * a : T.Pow(a, c);

    /// <summary>
    /// d(a^c)/da g for a constant c: 2a g for c = 2, else g (c a^(c-1)). NOTE: for c = 0 nothing
    /// flows back at all (callers skip it), not g (0 a^-1), which is NaN at a = 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T BackwardConstant(T a, T c, T g) =>
        c == T.CreateTruncating(2) ? a * T.CreateTruncating(2) * g : g * (c * Power(a, c - T.One));

    /// <summary>d(a^b)/da g = g b a^(b-1), for an exponent that is itself a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T BackwardBase(T a, T b, T g) => g * b * T.Pow(a, b - T.One);

    /// <summary>
    /// d(a^b)/db g = g a^b ln a, from the result r = a^b. NOTE: where a = 0 and b &gt;= 0 the limit
    /// is 0, not 0 * -inf = NaN (PyTorch masks the same way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T BackwardExponent(T a, T b, T r, T g) =>
        g * (a == T.Zero && b >= T.Zero ? T.Zero : r * T.Log(a));
}

public sealed partial class NDArray<T>
{
    /// <summary>
    /// The one driver for binary element-wise ops: equal shapes and scalar operands go straight
    /// to the vector kernel; other broadcasts walk the result one innermost run at a time.
    /// </summary>
    private static NDArray<T> Binary<TKernel>(NDArray<T> a, NDArray<T> b, string op) where TKernel : IBinaryKernel<T>
    {
        var shape = Broadcast.Shapes(a.Shape, b.Shape, op);
        var r = new NDArray<T>(shape);
        if (a.Shape == b.Shape) TKernel.Run(a.Buffer, b.Buffer, r.Buffer);
        else if (b.Size == 1 && a.Size == r.Size) TKernel.Run(a.Buffer, b.Buffer[0], r.Buffer);
        else if (a.Size == 1 && b.Size == r.Size) TKernel.Run(a.Buffer[0], b.Buffer, r.Buffer);
        else BinaryBroadcast<TKernel>(a, b, r);
        return r;
    }

    private static void BinaryBroadcast<TKernel>(NDArray<T> a, NDArray<T> b, NDArray<T> r) where TKernel : IBinaryKernel<T>
    {
        var shape = r.Shape;
        int rank = shape.Rank, inner = shape[rank - 1];
        var sa = Broadcast.Strides(a.Shape, shape);
        var sb = Broadcast.Strides(b.Shape, shape);
        var idx = new int[rank];
        int outer = r.Size / Math.Max(inner, 1);
        for (int o = 0; o < outer; o++)
        {
            int offA = 0, offB = 0;
            for (int d = 0; d < rank - 1; d++) { offA += idx[d] * sa[d]; offB += idx[d] * sb[d]; }
            var dst = r.Buffer.AsSpan(o * inner, inner);
            bool aRun = sa[rank - 1] != 0, bRun = sb[rank - 1] != 0;
            if (aRun && bRun) TKernel.Run(a.Buffer.AsSpan(offA, inner), b.Buffer.AsSpan(offB, inner), dst);
            else if (aRun) TKernel.Run(a.Buffer.AsSpan(offA, inner), b.Buffer[offB], dst);
            else if (bRun) TKernel.Run(a.Buffer[offA], b.Buffer.AsSpan(offB, inner), dst);
            else
            {
                TKernel.Run(a.Buffer.AsSpan(offA, 1), b.Buffer[offB], dst[..Math.Min(1, inner)]);
                dst.Fill(dst.IsEmpty ? T.Zero : dst[0]);
            }
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
    }

    /// <summary>Element-wise sum. Broadcasting as NumPy does: shapes are aligned from the last axis and a size-1 axis stretches; recorded on the tape.</summary>
    public static NDArray<T> operator +(NDArray<T> a, NDArray<T> b)
    {
        var r = Binary<AddKernel<T>>(a, b, "Add");
        return Record(r, "Add", g => { a.AccumulateGrad(g); b.AccumulateGrad(g); }, a, b);
    }

    /// <summary>Element-wise difference. Broadcasting as NumPy does: shapes are aligned from the last axis and a size-1 axis stretches; recorded on the tape.</summary>
    public static NDArray<T> operator -(NDArray<T> a, NDArray<T> b)
    {
        var r = Binary<SubtractKernel<T>>(a, b, "Sub");
        return Record(r, "Sub", g => { a.AccumulateGrad(g); if (b.NeedsGrad) b.AccumulateGrad(-g); }, a, b);
    }

    /// <summary>Element-wise (Hadamard) product, not a matrix product. Broadcasting as NumPy does: shapes are aligned from the last axis and a size-1 axis stretches; recorded on the tape.</summary>
    public static NDArray<T> operator *(NDArray<T> a, NDArray<T> b)
    {
        var r = Binary<MultiplyKernel<T>>(a, b, "Mul");
        return Record(r, "Mul", g =>
        {
            if (a.NeedsGrad) a.AccumulateGrad(g * b);
            if (b.NeedsGrad) b.AccumulateGrad(g * a);
        }, a, b);
    }

    /// <summary>Element-wise quotient. Broadcasting as NumPy does: shapes are aligned from the last axis and a size-1 axis stretches; recorded on the tape.</summary>
    public static NDArray<T> operator /(NDArray<T> a, NDArray<T> b)
    {
        var r = Binary<DivideKernel<T>>(a, b, "Div");
        return Record(r, "Div", g =>
        {
            if (a.NeedsGrad) a.AccumulateGrad(g / b);
            if (b.NeedsGrad) b.AccumulateGrad(-(g * r) / b); // d(a/b)/db = -a/b^2 = -r/b
        }, a, b);
    }

    /// <summary>Element-wise negation, recorded on the tape.</summary>
    public static NDArray<T> operator -(NDArray<T> a) => a.Unary<NegOp<T>>("Neg");

    /// <summary>Adds the number <paramref name="s"/> to every element.</summary>
    public static NDArray<T> operator +(NDArray<T> a, T s) => a + Scalar(s);
    /// <summary>Adds the number <paramref name="s"/> to every element.</summary>
    public static NDArray<T> operator +(T s, NDArray<T> a) => Scalar(s) + a;
    /// <summary>Subtracts the number <paramref name="s"/> from every element.</summary>
    public static NDArray<T> operator -(NDArray<T> a, T s) => a - Scalar(s);
    /// <summary>The number <paramref name="s"/> minus each element.</summary>
    public static NDArray<T> operator -(T s, NDArray<T> a) => Scalar(s) - a;
    /// <summary>Multiplies every element by the number <paramref name="s"/>.</summary>
    public static NDArray<T> operator *(NDArray<T> a, T s) => a * Scalar(s);
    /// <summary>Multiplies every element by the number <paramref name="s"/>.</summary>
    public static NDArray<T> operator *(T s, NDArray<T> a) => Scalar(s) * a;
    /// <summary>Divides every element by the number <paramref name="s"/>.</summary>
    public static NDArray<T> operator /(NDArray<T> a, T s) => a / Scalar(s);
    /// <summary>The number <paramref name="s"/> divided by each element.</summary>
    public static NDArray<T> operator /(T s, NDArray<T> a) => Scalar(s) / a;

    /// <summary>Element-wise power with a tensor exponent (broadcast).</summary>
    public NDArray<T> Pow(NDArray<T> exponent)
    {
        var a = this;
        var r = Binary<PowKernel<T>>(a, exponent, "Pow");
        return Record(r, "Pow", g =>
        {
            var ax = a.ExpandTo(r.Shape);
            var bx = exponent.ExpandTo(r.Shape);
            if (a.NeedsGrad)
            {
                var d = new NDArray<T>(r.Shape);
                for (int i = 0; i < d.Size; i++) d.Buffer[i] = PowRule<T>.BackwardBase(ax.Buffer[i], bx.Buffer[i], g.Buffer[i]);
                a.AccumulateGrad(d);
            }
            if (exponent.NeedsGrad)
            {
                var d = new NDArray<T>(r.Shape);
                for (int i = 0; i < d.Size; i++) d.Buffer[i] = PowRule<T>.BackwardExponent(ax.Buffer[i], bx.Buffer[i], r.Buffer[i], g.Buffer[i]);
                exponent.AccumulateGrad(d);
            }
        }, a, exponent);
    }

    /// <summary>Element-wise power with a constant exponent.</summary>
    public NDArray<T> Pow(T exponent)
    {
        var a = this;
        var r = new NDArray<T>(Shape);
        if (exponent == T.CreateTruncating(2)) TP.Multiply(Buffer, Buffer, r.Buffer);
        else TP.Pow(Buffer, exponent, r.Buffer);
        return Record(r, "Pow", g =>
        {
            if (exponent == T.Zero) return;
            var d = new NDArray<T>(a.Shape);
            for (int i = 0; i < d.Size; i++) d.Buffer[i] = PowRule<T>.BackwardConstant(a.Buffer[i], exponent, g.Buffer[i]);
            a.AccumulateOwnedGrad(d);
        }, a);
    }

    /// <summary>Element-wise minimum; where both are equal each gets half the gradient.</summary>
    public static NDArray<T> Minimum(NDArray<T> a, NDArray<T> b) => Select<MinimumKernel<T>>(a, b, "Minimum");

    /// <summary>Element-wise maximum; where both are equal each gets half the gradient.</summary>
    public static NDArray<T> Maximum(NDArray<T> a, NDArray<T> b) => Select<MaximumKernel<T>>(a, b, "Maximum");

    private static NDArray<T> Select<TKernel>(NDArray<T> a, NDArray<T> b, string op) where TKernel : IBinaryKernel<T>
    {
        var r = Binary<TKernel>(a, b, op);
        return Record(r, op, g =>
        {
            var ax = a.ExpandTo(r.Shape);
            var bx = b.ExpandTo(r.Shape);
            var ga = new NDArray<T>(r.Shape);
            var gb = new NDArray<T>(r.Shape);
            for (int i = 0; i < r.Size; i++)
            {
                ga.Buffer[i] = Selection<T>.Share(ax.Buffer[i], bx.Buffer[i], r.Buffer[i], g.Buffer[i]);
                gb.Buffer[i] = Selection<T>.Share(bx.Buffer[i], ax.Buffer[i], r.Buffer[i], g.Buffer[i]);
            }
            a.AccumulateGrad(ga);
            b.AccumulateGrad(gb);
        }, a, b);
    }
}
