using System.Numerics;
using System.Runtime.CompilerServices;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill;

/// <summary>
/// A loss of one output against its target, written once as a function of the difference
/// d = y - t: the term for one value, its derivative d(term)/dd times the upstream g, and the
/// same over spans for the fused network step. The tape (<see cref="NDArray{T}.MeanLoss{TLoss}"/>),
/// the compiled formula step and the fused network step all call these structs.
/// </summary>
/// <remarks>
/// The span forms give the one-value forms' bits element by element (the same IEEE operations),
/// except that a row's sum may be added in another order (<see cref="MseLoss{T}"/> uses
/// TensorPrimitives.SumOfSquares), which only the fused network step uses.
/// </remarks>
internal interface IPointLoss<T>
{
    static abstract T Term(T d);
    static abstract T Backward(T d, T g);
    /// <summary>The sum of the terms of one row of differences.</summary>
    static abstract T RowSum(ReadOnlySpan<T> d);
    /// <summary>grad = Backward(d, g) for every element; <paramref name="grad"/> may be <paramref name="d"/> itself.</summary>
    static abstract void Backward(ReadOnlySpan<T> d, T g, Span<T> grad);
}

/// <summary>Squared error d^2; rmse is its mean under a square root (the sqrt rule, <see cref="SqrtOp{T}"/>).</summary>
internal readonly struct MseLoss<T> : IPointLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Term(T d) => d * d;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Backward(T d, T g) => d * T.CreateTruncating(2) * g;
    public static T RowSum(ReadOnlySpan<T> d) => TP.SumOfSquares(d);
    // d (2g) rounds as (2d) g: doubling is exact, so one rounding either way (short of overflow).
    public static void Backward(ReadOnlySpan<T> d, T g, Span<T> grad) => TP.Multiply(d, T.CreateTruncating(2) * g, grad);
}

/// <summary>Absolute error |d|, with the subgradient 0 at d = 0 (<see cref="AbsOp{T}"/>).</summary>
internal readonly struct MaeLoss<T> : IPointLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Term(T d) => T.Abs(d);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Backward(T d, T g) => AbsOp<T>.Backward(d, T.Abs(d), g);
    public static T RowSum(ReadOnlySpan<T> d) => PointLoss<T>.RowSum<MaeLoss<T>>(d);
    public static void Backward(ReadOnlySpan<T> d, T g, Span<T> grad) => PointLoss<T>.Backward<MaeLoss<T>>(d, g, grad);
}

/// <summary>
/// Huber with delta 1 (PyTorch's default): 0.5 d^2 inside |d| &lt; 1, |d| - 0.5 outside, written
/// as 0.5 q^2 + (|d| - q) with q = min(|d|, 1). The backward is the chain of those ops' rules
/// (abs, minimum, square, sums), grouping included, so it gives the bits of the composed ops.
/// </summary>
internal readonly struct HuberLoss<T> : IPointLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Term(T d)
    {
        T a = T.Abs(d), q = Selection<T>.Min(a, T.One);
        return q * q * T.CreateTruncating(0.5) + (a - q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Backward(T d, T g)
    {
        T a = T.Abs(d), q = Selection<T>.Min(a, T.One);
        T gq = q * T.CreateTruncating(2) * (g * T.CreateTruncating(0.5)) + -g;
        // Minimum's backward: a gets gq where it is the minimum, half of it at a tie with 1.
        T ga = g + Selection<T>.Share(a, T.One, q, gq);
        return AbsOp<T>.Backward(d, a, ga);
    }

    public static T RowSum(ReadOnlySpan<T> d) => PointLoss<T>.RowSum<HuberLoss<T>>(d);
    public static void Backward(ReadOnlySpan<T> d, T g, Span<T> grad) => PointLoss<T>.Backward<HuberLoss<T>>(d, g, grad);
}

/// <summary>The span forms of a point loss as loops over its one-value rule.</summary>
internal static class PointLoss<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T RowSum<TLoss>(ReadOnlySpan<T> d) where TLoss : IPointLoss<T>
    {
        T s = T.Zero;
        foreach (T v in d) s += TLoss.Term(v);
        return s;
    }

    public static void Backward<TLoss>(ReadOnlySpan<T> d, T g, Span<T> grad) where TLoss : IPointLoss<T>
    {
        for (int i = 0; i < grad.Length; i++) grad[i] = TLoss.Backward(d[i], g);
    }
}

/// <summary>
/// Binary cross-entropy of one logit z against a label y (0 or 1), fused with the sigmoid:
/// -[y log s(z) + (1-y) log(1-s(z))] = softplus(z) - y z, stable for any z. The backward is the
/// rules of softplus and the product (upstream g and -g), so sigmoid(z) g - g y.
/// </summary>
internal static class SigmoidCrossEntropy<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Term(T z, T y) => SoftplusOp<T>.Forward(z) - z * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Backward(T z, T y, T g) => SoftplusOp<T>.Backward(z, T.Zero, g) + -g * y;

    /// <summary>The label as a number; anything but 0 or 1 is an error that names the row.</summary>
    public static T Label(int label, int row)
    {
        if (label is not (0 or 1)) Errors.Argument($"binary-cross-entropy: label {label} at row {row} is not 0 or 1; a binary task has exactly two classes.");
        return label == 0 ? T.Zero : T.One;
    }
}

/// <summary>
/// Cross-entropy of softmax(x) for one row of logits x against its class label, fused: the row's
/// loss (max - x[label]) + log(sum(exp(x - max))), and its gradient (softmax - onehot) times a
/// scale. Both terms of the loss are formed without subtracting two large numbers, so a float
/// loss stays exact for logits of +-1000.
/// </summary>
internal static class SoftmaxCrossEntropyRow<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The row's loss, and in <paramref name="lse"/> its log-sum-exp for <see cref="Backward"/>; <paramref name="scratch"/> is overwritten.</summary>
    public static T Forward(ReadOnlySpan<T> x, int label, Span<T> scratch, out T lse)
    {
        T max = TP.Max<T>(x);
        TP.Subtract<T>(x, max, scratch);
        TP.Exp<T>(scratch, scratch);
        T logSum = T.Log(TP.Sum<T>(scratch));
        lse = max + logSum;
        return (max - x[label]) + logSum;
    }

    /// <summary>dx = (softmax(x) - onehot(label)) scale, softmax = exp(x - lse).</summary>
    public static void Backward(ReadOnlySpan<T> x, T lse, int label, T scale, Span<T> dx)
    {
        TP.Subtract<T>(x, lse, dx);
        TP.Exp<T>(dx, dx);
        dx[label] -= T.One;
        TP.Multiply<T>(dx, scale, dx);
    }
}

public sealed partial class NDArray<T>
{
    /// <summary>
    /// The mean of a point loss over the differences in this tensor, as one recorded op: the
    /// terms summed by TP.Sum and divided by their count, as Mean; the backward spreads g / n
    /// through the loss's rule.
    /// </summary>
    internal NDArray<T> MeanLoss<TLoss>(string op) where TLoss : IPointLoss<T>
    {
        if (Size == 0) Errors.Shape($"{op}: {Describe()} is empty; the mean of no elements is undefined.");
        var d = this;
        var terms = new T[Size];
        for (int i = 0; i < terms.Length; i++) terms[i] = TLoss.Term(Buffer[i]);
        T n = T.CreateTruncating(Size);
        var r = Scalar(TP.Sum<T>(terms) / n);
        return Record(r, op, g =>
        {
            var gx = new NDArray<T>(d.Shape);
            T mean = g.Buffer[0] / n;
            for (int i = 0; i < gx.Buffer.Length; i++) gx.Buffer[i] = TLoss.Backward(d.Buffer[i], mean);
            d.AccumulateOwnedGrad(gx);
        }, d);
    }

    /// <summary>
    /// Mean binary cross-entropy of sigmoid(logits) against labels 0/1, fused: logits one per
    /// row [rows, 1]. The gradient is (sigmoid - label) / rows, through <see cref="SigmoidCrossEntropy{T}"/>.
    /// </summary>
    public NDArray<T> SigmoidBinaryCrossEntropy(int[] labels)
    {
        if (Rank != 2 || Shape[1] != 1)
            Errors.Shape($"binary-cross-entropy: outputs {Shape} must be one logit per row [rows,1].");
        int rows = Shape[0];
        if (labels.Length != rows)
            Errors.Shape($"binary-cross-entropy: {labels.Length} labels for {rows} rows of logits {Shape}; give one label per row.");
        if (rows == 0) Errors.Shape("binary-cross-entropy: no rows; the mean loss of an empty batch is undefined.");
        var z = this;
        var y = new T[rows];
        var terms = new T[rows];
        for (int i = 0; i < rows; i++)
        {
            y[i] = SigmoidCrossEntropy<T>.Label(labels[i], i);
            terms[i] = SigmoidCrossEntropy<T>.Term(Buffer[i], y[i]);
        }
        T n = T.CreateTruncating(rows);
        var r = Scalar(TP.Sum<T>(terms) / n);
        return Record(r, "SigmoidBinaryCrossEntropy", g =>
        {
            var gz = new NDArray<T>(z.Shape);
            T mean = g.Buffer[0] / n;
            for (int i = 0; i < rows; i++) gz.Buffer[i] = SigmoidCrossEntropy<T>.Backward(z.Buffer[i], y[i], mean);
            z.AccumulateOwnedGrad(gz);
        }, z);
    }
}
