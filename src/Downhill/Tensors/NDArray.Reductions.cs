using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill;

public sealed partial class NDArray<T>
{
    /// <summary>Sum of all elements, as a scalar.</summary>
    public NDArray<T> Sum()
    {
        var x = this;
        var r = Scalar(TP.Sum<T>(Buffer));
        return Record(r, "Sum", g => x.AccumulateOwnedGrad(Full(g.Buffer[0], x.Shape.ToArray())), x);
    }

    /// <summary>Mean of all elements, as a scalar.</summary>
    public NDArray<T> Mean()
    {
        if (Size == 0) Errors.Shape($"Mean: {Describe()} is empty; the mean of no elements is undefined.");
        // One recorded op instead of Sum then Divide (same values: sum / n forward, g / n
        // spread back): a mean closes every loss, and for a tiny formula's step each op counts.
        var x = this;
        T n = T.CreateTruncating(Size);
        var r = Scalar(TP.Sum<T>(Buffer) / n);
        return Record(r, "Mean", g => x.AccumulateOwnedGrad(Full(g.Buffer[0] / n, x.Shape.ToArray())), x);
    }

    /// <summary>Sum along <paramref name="axis"/>; with <paramref name="keepDim"/> the axis stays with size 1.</summary>
    public NDArray<T> Sum(int axis, bool keepDim = false)
    {
        var x = this;
        int ax = Shape.NormalizeAxis(axis, "Sum");
        var (outer, n, inner) = Split(ax);
        var kept = KeptShape(ax);
        var r = new NDArray<T>(kept);
        for (int o = 0; o < outer; o++)
        {
            var dst = r.Buffer.AsSpan(o * inner, inner);
            for (int j = 0; j < n; j++) TP.Add<T>(dst, Buffer.AsSpan((o * n + j) * inner, inner), dst);
        }
        var result = keepDim ? r : new NDArray<T>(DroppedShape(ax), r.Buffer);
        return Record(result, "Sum", g => x.AccumulateGrad(new NDArray<T>(kept, g.Buffer).ExpandTo(x.Shape)), x);
    }

    /// <summary>Mean along <paramref name="axis"/>.</summary>
    public NDArray<T> Mean(int axis, bool keepDim = false)
    {
        int ax = Shape.NormalizeAxis(axis, "Mean");
        if (Shape[ax] == 0) Errors.Shape($"Mean: axis {axis} of {Describe()} is empty; the mean of no elements is undefined.");
        return Sum(ax, keepDim) / T.CreateTruncating(Shape[ax]);
    }

    /// <summary>The largest element, as a scalar. The gradient goes to its first occurrence.</summary>
    public NDArray<T> Max()
    {
        if (Size == 0) Errors.Shape($"Max: {Describe()} is empty; the maximum of no elements is undefined.");
        var x = this;
        int arg = TP.IndexOfMax<T>(Buffer);
        var r = Scalar(Buffer[arg]);
        return Record(r, "Max", g =>
        {
            var gx = new NDArray<T>(x.Shape);
            gx.Buffer[arg] = g.Buffer[0];
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>Largest value along <paramref name="axis"/>; the gradient goes to the first position holding it.</summary>
    public NDArray<T> Max(int axis, bool keepDim = false)
    {
        var x = this;
        int ax = Shape.NormalizeAxis(axis, "Max");
        var (outer, n, inner) = Split(ax);
        if (n == 0) Errors.Shape($"Max: axis {axis} of {Describe()} is empty; the maximum of no elements is undefined.");
        var kept = KeptShape(ax);
        var r = new NDArray<T>(kept);
        var argmax = new int[r.Size];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                T bestValue = Buffer[o * n * inner + i];
                for (int j = 1; j < n; j++)
                {
                    T v = Buffer[(o * n + j) * inner + i];
                    if (v > bestValue || (T.IsNaN(v) && !T.IsNaN(bestValue))) { bestValue = v; best = j; }
                }
                r.Buffer[o * inner + i] = bestValue;
                argmax[o * inner + i] = best;
            }
        var result = keepDim ? r : new NDArray<T>(DroppedShape(ax), r.Buffer);
        return Record(result, "Max", g =>
        {
            var gx = new NDArray<T>(x.Shape);
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                    gx.Buffer[(o * n + argmax[o * inner + i]) * inner + i] = g.Buffer[o * inner + i];
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>Views the tensor as [outer, n, inner] around <paramref name="axis"/>.</summary>
    private (int outer, int n, int inner) Split(int axis)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= Shape[d];
        for (int d = axis + 1; d < Rank; d++) inner *= Shape[d];
        return (outer, Shape[axis], inner);
    }

    private Shape KeptShape(int axis)
    {
        var dims = Shape.ToArray();
        dims[axis] = 1;
        return Shape.Wrap(dims);
    }

    private Shape DroppedShape(int axis)
    {
        var dims = Shape.ToArray().ToList();
        dims.RemoveAt(axis);
        return Shape.Wrap(dims.ToArray());
    }
}
