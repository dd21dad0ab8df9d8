using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill;

public sealed partial class NDArray<T>
{
    /// <summary>
    /// Sums this (broadcast) tensor down to <paramref name="target"/>: the gradient rule of
    /// broadcasting. No tape record; used inside backward closures.
    /// </summary>
    internal NDArray<T> SumTo(Shape target)
    {
        if (Shape == target) return this;
        var result = new NDArray<T>(target);
        if (target.Size == 1)
        {
            // A scalar parameter (a formula's m and b): one vector sum, no stride walk.
            result.Buffer[0] = TP.Sum<T>(Buffer);
            return result;
        }
        var srcStrides = Shape.Strides();
        var dstStrides = Broadcast.Strides(target, Shape);
        int rank = Rank;
        int inner = Shape[rank - 1];
        bool innerContiguous = dstStrides[rank - 1] == 1;
        var idx = new int[rank];
        var dst = result.Buffer;
        int outer = Size / Math.Max(inner, 1);
        for (int o = 0; o < outer; o++)
        {
            int srcOff = 0, dstOff = 0;
            for (int d = 0; d < rank - 1; d++) { srcOff += idx[d] * srcStrides[d]; dstOff += idx[d] * dstStrides[d]; }
            var run = new ReadOnlySpan<T>(Buffer, srcOff, inner);
            if (innerContiguous)
                TP.Add<T>(dst.AsSpan(dstOff, inner), run, dst.AsSpan(dstOff, inner));
            else
                dst[dstOff] += TP.Sum<T>(run);
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < Shape[d]) break;
                idx[d] = 0;
            }
        }
        return result;
    }

    /// <summary>Copies this tensor broadcast to <paramref name="target"/> (no tape record).</summary>
    internal NDArray<T> ExpandTo(Shape target)
    {
        if (Shape == target) return this;
        var result = new NDArray<T>(target);
        if (target.Size == 1)
        {
            // A scalar parameter (a formula's m and b): one vector sum, no stride walk.
            result.Buffer[0] = TP.Sum<T>(Buffer);
            return result;
        }
        var srcStrides = Broadcast.Strides(Shape, target);
        int rank = target.Rank;
        if (rank == 0) { result.Buffer[0] = Buffer[0]; return result; }
        int inner = target[rank - 1];
        var idx = new int[rank];
        int outer = result.Size / Math.Max(inner, 1);
        for (int o = 0; o < outer; o++)
        {
            int srcOff = 0;
            for (int d = 0; d < rank - 1; d++) srcOff += idx[d] * srcStrides[d];
            var dst = result.Buffer.AsSpan(o * inner, inner);
            if (srcStrides[rank - 1] == 0) dst.Fill(Buffer[srcOff]);
            else Buffer.AsSpan(srcOff, inner).CopyTo(dst);
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < target[d]) break;
                idx[d] = 0;
            }
        }
        return result;
    }
}
