using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill;

public sealed partial class NDArray<T>
{
    /// <summary>Softmax over the last axis: exp(x - max) / sum, so large logits never overflow.</summary>
    public NDArray<T> Softmax()
    {
        var x = this;
        var (rows, c) = LastAxisRows("Softmax");
        var y = new NDArray<T>(Shape);
        // NOTE: TensorPrimitives.SoftMax exponentiates without subtracting the max and returns NaN
        // for logits around 1000; shifting by the row max keeps every exponent <= 0.
        for (int i = 0; i < rows; i++)
        {
            var dst = y.Buffer.AsSpan(i * c, c);
            var xr = Buffer.AsSpan(i * c, c);
            TP.Subtract<T>(xr, TP.Max<T>(xr), dst);
            TP.Exp<T>(dst, dst);
            TP.Divide<T>(dst, TP.Sum<T>(dst), dst);
        }
        return Record(y, "Softmax", g =>
        {
            // dx = y * (g - sum(g * y)) per row
            var gx = new NDArray<T>(x.Shape);
            for (int i = 0; i < rows; i++)
            {
                var yr = y.Buffer.AsSpan(i * c, c);
                var gr = g.Buffer.AsSpan(i * c, c);
                T dot = TP.Dot<T>(gr, yr);
                var dst = gx.Buffer.AsSpan(i * c, c);
                TP.Subtract<T>(gr, dot, dst);
                TP.Multiply<T>(dst, yr, dst);
            }
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>log(softmax(x)) over the last axis, computed as x - max - log(sum(exp(x - max))).</summary>
    public NDArray<T> LogSoftmax()
    {
        var x = this;
        var (rows, c) = LastAxisRows("LogSoftmax");
        var y = new NDArray<T>(Shape);
        for (int i = 0; i < rows; i++)
        {
            var xr = Buffer.AsSpan(i * c, c);
            TP.Subtract<T>(xr, LogSumExp(xr), y.Buffer.AsSpan(i * c, c));
        }
        return Record(y, "LogSoftmax", g =>
        {
            // dx = g - softmax * sum(g) per row, softmax = exp(y)
            var gx = new NDArray<T>(x.Shape);
            for (int i = 0; i < rows; i++)
            {
                var gr = g.Buffer.AsSpan(i * c, c);
                var dst = gx.Buffer.AsSpan(i * c, c);
                T sum = TP.Sum<T>(gr);
                TP.Exp<T>(y.Buffer.AsSpan(i * c, c), dst);
                TP.Multiply<T>(dst, -sum, dst);
                TP.Add<T>(dst, gr, dst);
            }
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>
    /// Mean cross-entropy of softmax(logits) against integer class labels, fused: per row
    /// logsumexp(x) - x[label], stable for logits of any size (±1000 gives exact answers). The
    /// gradient is (softmax - onehot) / rows.
    /// </summary>
    public NDArray<T> SoftmaxCrossEntropy(int[] labels)
    {
        if (Rank != 2) Errors.Shape($"SoftmaxCrossEntropy: logits {Describe()} must be [rows, classes].");
        int rows = Shape[0], c = Shape[1];
        if (labels.Length != rows)
            Errors.Shape($"SoftmaxCrossEntropy: {labels.Length} labels for {rows} rows of logits {Shape}; give one label per row.");
        if (rows == 0) Errors.Shape("SoftmaxCrossEntropy: no rows; the mean loss of an empty batch is undefined.");
        var x = this;
        var lse = new T[rows];
        var scratch = new T[c];
        T total = T.Zero;
        for (int i = 0; i < rows; i++)
        {
            if ((uint)labels[i] >= (uint)c)
                Errors.Argument($"SoftmaxCrossEntropy: label {labels[i]} at row {i} is out of range for {c} classes (0..{c - 1}).");
            total += SoftmaxCrossEntropyRow<T>.Forward(Buffer.AsSpan(i * c, c), labels[i], scratch, out lse[i]);
        }
        var r = Scalar(total / T.CreateTruncating(rows));
        return Record(r, "SoftmaxCrossEntropy", g =>
        {
            var gx = new NDArray<T>(x.Shape);
            T scale = g.Buffer[0] / T.CreateTruncating(rows);
            for (int i = 0; i < rows; i++)
                SoftmaxCrossEntropyRow<T>.Backward(x.Buffer.AsSpan(i * c, c), lse[i], labels[i], scale, gx.Buffer.AsSpan(i * c, c));
            x.AccumulateGrad(gx);
        }, x);
    }

    internal static T LogSumExp(ReadOnlySpan<T> x)
    {
        T max = TP.Max<T>(x);
        if (T.IsInfinity(max)) return max;
        return max + T.Log(SumExpShifted(x, max));
    }

    private static T SumExpShifted(ReadOnlySpan<T> x, T max)
    {
        T s = T.Zero;
        foreach (var v in x) s += T.Exp(v - max);
        return s;
    }

    private (int rows, int columns) LastAxisRows(string op)
    {
        if (Rank == 0) Errors.Shape($"{op}: {Describe()} is a scalar; {op} works over the last axis of a vector or matrix.");
        int c = Shape[-1];
        if (c == 0) Errors.Shape($"{op}: the last axis of {Describe()} is empty.");
        return (Size / c, c);
    }
}
