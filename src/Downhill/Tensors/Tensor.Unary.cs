using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill;

/// <summary>
/// A unary element-wise op: its vectorized forward and its derivative written in terms of the
/// input x and the output y (whichever is cheaper). All derivative rules sit in this file,
/// one struct per op.
/// </summary>
internal interface IUnaryOp<T>
{
    static abstract void Forward(ReadOnlySpan<T> x, Span<T> y);
    static abstract T Derivative(T x, T y);
}

internal readonly struct NegOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Negate(x, y);
    public static T Derivative(T x, T y) => -T.One;
}

internal readonly struct ExpOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Exp(x, y);
    public static T Derivative(T x, T y) => y;
}

internal readonly struct LogOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Log(x, y);
    public static T Derivative(T x, T y) => T.One / x;
}

internal readonly struct Log10Op<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Log10(x, y);
    public static T Derivative(T x, T y) => T.One / (x * T.Log(T.CreateTruncating(10)));
}

internal readonly struct SqrtOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Sqrt(x, y);
    public static T Derivative(T x, T y) => T.One / (y + y);
}

internal readonly struct AbsOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Abs(x, y);
    // NOTE: the subgradient at 0 is taken as 0, as PyTorch does.
    public static T Derivative(T x, T y) => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;
}

internal readonly struct SinOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Sin(x, y);
    public static T Derivative(T x, T y) => T.Cos(x);
}

internal readonly struct CosOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Cos(x, y);
    public static T Derivative(T x, T y) => -T.Sin(x);
}

internal readonly struct TanOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Tan(x, y);
    public static T Derivative(T x, T y) => T.One + y * y;
}

internal readonly struct AtanOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Atan(x, y);
    public static T Derivative(T x, T y) => T.One / (T.One + x * x);
}

internal readonly struct AsinOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Asin(x, y);
    public static T Derivative(T x, T y) => T.One / T.Sqrt(T.One - x * x);
}

internal readonly struct AcosOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Acos(x, y);
    public static T Derivative(T x, T y) => -T.One / T.Sqrt(T.One - x * x);
}

internal readonly struct SinhOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Sinh(x, y);
    public static T Derivative(T x, T y) => T.Cosh(x);
}

internal readonly struct CoshOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Cosh(x, y);
    public static T Derivative(T x, T y) => T.Sinh(x);
}

internal readonly struct TanhOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Tanh(x, y);
    public static T Derivative(T x, T y) => T.One - y * y;
}

internal readonly struct SigmoidOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Sigmoid(x, y);
    public static T Derivative(T x, T y) => y * (T.One - y);
}

internal readonly struct ReluOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Forward(ReadOnlySpan<T> x, Span<T> y) => TP.Max(x, T.Zero, y);
    // NOTE: the gradient at exactly 0 is 0, as in PyTorch.
    public static T Derivative(T x, T y) => x > T.Zero ? T.One : T.Zero;
}

internal readonly struct SoftplusOp<T> : IUnaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): never overflows, keeps precision for large |x|.
    public static void Forward(ReadOnlySpan<T> x, Span<T> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            y[i] = T.Max(v, T.Zero) + T.LogP1(T.Exp(-T.Abs(v)));
        }
    }
    public static T Derivative(T x, T y) => T.One / (T.One + T.Exp(-x));
}

public sealed partial class Tensor<T>
{
    internal Tensor<T> Unary<TOp>(string op) where TOp : IUnaryOp<T>
    {
        var x = this;
        var y = new Tensor<T>(Shape);
        TOp.Forward(Buffer, y.Buffer);
        return Record(y, op, g =>
        {
            var gx = new Tensor<T>(x.Shape);
            var xb = x.Buffer; var yb = y.Buffer; var gb = g.Buffer; var d = gx.Buffer;
            for (int i = 0; i < d.Length; i++) d[i] = gb[i] * TOp.Derivative(xb[i], yb[i]);
            x.AccumulateGrad(gx);
        }, x);
    }

    public Tensor<T> Neg() => Unary<NegOp<T>>("Neg");
    public Tensor<T> Exp() => Unary<ExpOp<T>>("Exp");
    public Tensor<T> Log() => Unary<LogOp<T>>("Log");
    public Tensor<T> Log10() => Unary<Log10Op<T>>("Log10");
    public Tensor<T> Sqrt() => Unary<SqrtOp<T>>("Sqrt");
    public Tensor<T> Abs() => Unary<AbsOp<T>>("Abs");
    public Tensor<T> Sin() => Unary<SinOp<T>>("Sin");
    public Tensor<T> Cos() => Unary<CosOp<T>>("Cos");
    public Tensor<T> Tan() => Unary<TanOp<T>>("Tan");
    public Tensor<T> Atan() => Unary<AtanOp<T>>("Atan");
    public Tensor<T> Asin() => Unary<AsinOp<T>>("Asin");
    public Tensor<T> Acos() => Unary<AcosOp<T>>("Acos");
    public Tensor<T> Sinh() => Unary<SinhOp<T>>("Sinh");
    public Tensor<T> Cosh() => Unary<CoshOp<T>>("Cosh");
    public Tensor<T> Tanh() => Unary<TanhOp<T>>("Tanh");
    public Tensor<T> Sigmoid() => Unary<SigmoidOp<T>>("Sigmoid");
    public Tensor<T> Relu() => Unary<ReluOp<T>>("Relu");
    public Tensor<T> Softplus() => Unary<SoftplusOp<T>>("Softplus");
}
