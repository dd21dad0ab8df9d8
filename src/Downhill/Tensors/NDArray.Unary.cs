using System.Numerics;
using System.Runtime.CompilerServices;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill;

/// <summary>
/// A unary element-wise op, the one place its maths is written: the forward for one value and
/// vectorized, and the backward rule dL/dx from the input x, the output y and the upstream
/// g = dL/dy (written through x or y, whichever is cheaper). The tape (<see cref="NDArray{T}"/>),
/// the compiled formula gradients (<c>Expr.CompileGradient</c>) and the fused dense layers
/// (<c>Dense</c>, <c>NetworkStep</c>) all call these structs, so every path gives the same bits
/// from the same x, y and g.
/// </summary>
/// <remarks>
/// The one-value and vectorized forwards of exp, sin, tanh and the like may differ in the last
/// bit (TensorPrimitives' vector kernels against Math); relu, abs, neg and sqrt are exact both ways.
/// </remarks>
internal interface IUnaryOp<T>
{
    static abstract T Forward(T x);
    static abstract void Forward(ReadOnlySpan<T> x, Span<T> y);
    static abstract T Backward(T x, T y, T g);
}

/// <summary>
/// An activation of a dense layer: the backward rule reads the output y alone, because a fused
/// layer keeps y = act(z) and not z. The vector rule gives the scalar rule's bits lane by lane
/// (the same IEEE operations in the same order).
/// </summary>
internal interface IActivationOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract T Backward(T y, T g);
    static abstract Vector<T> Backward(Vector<T> y, Vector<T> g);
}

/// <summary>dx = act'·g over spans through the output y, in vector lanes: the fused layers' backward.</summary>
internal static class ActivationBackward<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run<TOp>(ReadOnlySpan<T> y, ReadOnlySpan<T> g, Span<T> dx) where TOp : IActivationOp<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= dx.Length - Vector<T>.Count; i += Vector<T>.Count)
                TOp.Backward(new Vector<T>(y[i..]), new Vector<T>(g[i..])).CopyTo(dx[i..]);
        for (; i < dx.Length; i++) dx[i] = TOp.Backward(y[i], g[i]);
    }
}

/// <summary>
/// Exp, sin, cos, sinh and cosh of one value, calling Math's own method for double (T.Exp for
/// double is a one-line wrapper of Math.Exp: the same bits). The JIT does not inline those
/// wrappers into compiled expression trees, so through T.Exp every compiled sigmoid or sin'
/// would pay a second call per value (as the JIT's listing of the formula gradients shows).
/// </summary>
internal static class Scalar<T> where T : IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp(T x) => typeof(T) == typeof(double) ? (T)(object)Math.Exp((double)(object)x) : T.Exp(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sin(T x) => typeof(T) == typeof(double) ? (T)(object)Math.Sin((double)(object)x) : T.Sin(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Cos(T x) => typeof(T) == typeof(double) ? (T)(object)Math.Cos((double)(object)x) : T.Cos(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sinh(T x) => typeof(T) == typeof(double) ? (T)(object)Math.Sinh((double)(object)x) : T.Sinh(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Cosh(T x) => typeof(T) == typeof(double) ? (T)(object)Math.Cosh((double)(object)x) : T.Cosh(x);
}

internal readonly struct NegOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => -x;
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Negate(x, y);
    public static T Backward(T x, T y, T g) => g * -T.One;
}

internal readonly struct ExpOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Exp(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Exp(x, y);
    public static T Backward(T x, T y, T g) => g * y;
}

internal readonly struct LogOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Log(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Log(x, y);
    public static T Backward(T x, T y, T g) => g * (T.One / x);
}

internal readonly struct Log10Op<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Log10(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Log10(x, y);
    // ln 10 as a literal (Math.Log(10) to the bit), so compiled code folds it instead of calling Log per value.
    public static T Backward(T x, T y, T g) => g * (T.One / (x * T.CreateTruncating(2.302585092994046)));
}

internal readonly struct SqrtOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Sqrt(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Sqrt(x, y);
    public static T Backward(T x, T y, T g) => g * (T.One / (y + y));
}

internal readonly struct AbsOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Abs(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Abs(x, y);
    // NOTE: the subgradient at 0 is taken as 0, as PyTorch does.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Backward(T x, T y, T g) => g * (x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero);
}

internal readonly struct SinOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Sin(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Sin(x, y);
    public static T Backward(T x, T y, T g) => g * Scalar<T>.Cos(x);
}

internal readonly struct CosOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Cos(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Cos(x, y);
    public static T Backward(T x, T y, T g) => g * -Scalar<T>.Sin(x);
}

internal readonly struct TanOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Tan(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Tan(x, y);
    public static T Backward(T x, T y, T g) => g * (T.One + y * y);
}

internal readonly struct AtanOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Atan(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Atan(x, y);
    public static T Backward(T x, T y, T g) => g * (T.One / (T.One + x * x));
}

internal readonly struct AsinOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Asin(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Asin(x, y);
    public static T Backward(T x, T y, T g) => g * (T.One / T.Sqrt(T.One - x * x));
}

internal readonly struct AcosOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Acos(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Acos(x, y);
    public static T Backward(T x, T y, T g) => g * (-T.One / T.Sqrt(T.One - x * x));
}

internal readonly struct SinhOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Sinh(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Sinh(x, y);
    public static T Backward(T x, T y, T g) => g * Scalar<T>.Cosh(x);
}

internal readonly struct CoshOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Cosh(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Cosh(x, y);
    public static T Backward(T x, T y, T g) => g * Scalar<T>.Sinh(x);
}

internal readonly struct TanhOp<T> : IActivationOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Tanh(x);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Tanh(x, y);
    public static T Backward(T x, T y, T g) => Backward(y, g);
    public static T Backward(T y, T g) => g * (T.One - y * y);
    public static Vector<T> Backward(Vector<T> y, Vector<T> g) => g * (Vector<T>.One - y * y);
}

internal readonly struct SigmoidOp<T> : IActivationOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // The formula of TensorPrimitives.Sigmoid's one-value path, so that short spans and this agree.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Forward(T x) => T.One / (T.One + Scalar<T>.Exp(-x));
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Sigmoid(x, y);
    public static T Backward(T x, T y, T g) => Backward(y, g);
    public static T Backward(T y, T g) => g * (y * (T.One - y));
    public static Vector<T> Backward(Vector<T> y, Vector<T> g) => g * (y * (Vector<T>.One - y));
}

/// <remarks>
/// NOTE: the two traps, decided as PyTorch decides them. relu(NaN) is NaN: max(x, 0) keeps a NaN
/// (a branch x &gt; 0 ? x : 0 would turn it into 0 and hide it). The gradient is PyTorch's
/// threshold_backward(g, y, 0), "y &lt;= 0 ? 0 : g": 0 at exactly 0 (y = +0 for x = ±0) and
/// below, g itself where y is NaN (NaN &lt;= 0 is false); and a select, not g·[y &gt; 0], so an
/// infinite g below 0 gives 0, not inf·0 = NaN, and a negative g gives +0, not -0.
/// </remarks>
internal readonly struct ReluOp<T> : IActivationOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Forward(T x) => T.Max(x, T.Zero);
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Max(x, T.Zero, y);
    public static T Backward(T x, T y, T g) => Backward(y, g);
    public static T Backward(T y, T g) => y <= T.Zero ? T.Zero : g;
    public static Vector<T> Backward(Vector<T> y, Vector<T> g) =>
        Vector.ConditionalSelect(Vector.LessThanOrEqual(y, Vector<T>.Zero), Vector<T>.Zero, g);
}

internal readonly struct SoftplusOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): never overflows, keeps precision for large |x|.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Forward(T x) => T.Max(x, T.Zero) + T.LogP1(Scalar<T>.Exp(-T.Abs(x)));
    public static void Forward(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Forward(x[i]);
    }
    public static T Backward(T x, T y, T g) => g * (T.One / (T.One + Scalar<T>.Exp(-x)));
}

public sealed partial class NDArray<T>
{
    internal NDArray<T> Unary<TOp>(string op) where TOp : IUnaryOp<T>
    {
        var x = this;
        var y = new NDArray<T>(Shape);
        TOp.Forward(Buffer, y.Buffer);
        return Record(y, op, g =>
        {
            var gx = new NDArray<T>(x.Shape);
            var xb = x.Buffer; var yb = y.Buffer; var gb = g.Buffer; var d = gx.Buffer;
            for (int i = 0; i < d.Length; i++) d[i] = TOp.Backward(xb[i], yb[i], gb[i]);
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>Element-wise −x; recorded on the tape.</summary>
    public NDArray<T> Neg() => Unary<NegOp<T>>("Neg");
    /// <summary>Element-wise eˣ; recorded on the tape.</summary>
    public NDArray<T> Exp() => Unary<ExpOp<T>>("Exp");
    /// <summary>Element-wise the natural logarithm (NaN below 0, −∞ at 0); recorded on the tape.</summary>
    public NDArray<T> Log() => Unary<LogOp<T>>("Log");
    /// <summary>Element-wise the base-10 logarithm; recorded on the tape.</summary>
    public NDArray<T> Log10() => Unary<Log10Op<T>>("Log10");
    /// <summary>Element-wise the square root (NaN below 0); recorded on the tape.</summary>
    public NDArray<T> Sqrt() => Unary<SqrtOp<T>>("Sqrt");
    /// <summary>Element-wise |x|; its gradient at 0 is 0; recorded on the tape.</summary>
    public NDArray<T> Abs() => Unary<AbsOp<T>>("Abs");
    /// <summary>Element-wise sin x, radians; recorded on the tape.</summary>
    public NDArray<T> Sin() => Unary<SinOp<T>>("Sin");
    /// <summary>Element-wise cos x, radians; recorded on the tape.</summary>
    public NDArray<T> Cos() => Unary<CosOp<T>>("Cos");
    /// <summary>Element-wise tan x, radians; recorded on the tape.</summary>
    public NDArray<T> Tan() => Unary<TanOp<T>>("Tan");
    /// <summary>Element-wise atan x, in radians; recorded on the tape.</summary>
    public NDArray<T> Atan() => Unary<AtanOp<T>>("Atan");
    /// <summary>Element-wise asin x, in radians (NaN outside [−1, 1]); recorded on the tape.</summary>
    public NDArray<T> Asin() => Unary<AsinOp<T>>("Asin");
    /// <summary>Element-wise acos x, in radians (NaN outside [−1, 1]); recorded on the tape.</summary>
    public NDArray<T> Acos() => Unary<AcosOp<T>>("Acos");
    /// <summary>Element-wise sinh x; recorded on the tape.</summary>
    public NDArray<T> Sinh() => Unary<SinhOp<T>>("Sinh");
    /// <summary>Element-wise cosh x; recorded on the tape.</summary>
    public NDArray<T> Cosh() => Unary<CoshOp<T>>("Cosh");
    /// <summary>Element-wise tanh x, between −1 and 1; recorded on the tape.</summary>
    public NDArray<T> Tanh() => Unary<TanhOp<T>>("Tanh");
    /// <summary>Element-wise 1 / (1 + e⁻ˣ), between 0 and 1; recorded on the tape.</summary>
    public NDArray<T> Sigmoid() => Unary<SigmoidOp<T>>("Sigmoid");
    /// <summary>Element-wise max(0, x); NOTE: its gradient at 0 is 0, as in PyTorch; recorded on the tape.</summary>
    public NDArray<T> Relu() => Unary<ReluOp<T>>("Relu");
    /// <summary>Element-wise log(1 + eˣ), a smooth relu; recorded on the tape.</summary>
    public NDArray<T> Softplus() => Unary<SoftplusOp<T>>("Softplus");
}
