using System.Numerics;
using System.Runtime.InteropServices;

namespace Downhill;

internal static partial class Gemm
{
    /// <summary>
    /// C (+)= op(A) b for one column of C (n = 1): a matrix-vector product. B is k values
    /// whether or not it is marked transposed (a 1 x k and a k x 1 matrix share one layout).
    /// </summary>
    /// <remarks>
    /// Why: a linear model with one output multiplies [32,20] by [20,1] every batch. The tiled
    /// kernel packs both operands and computes a full 8 x 32 tile for each single column, and the
    /// narrow kernel still pays its set-up; for such small products that set-up costs more than
    /// the arithmetic, and a plain loop skips it (per-call times in bench/README.md, "Measured gains").
    /// Rows of A are dotted with b; for a transposed A (a weight gradient
    /// xᵀ dz) a vector of C's entries accumulates b[p] times A's row p over all p.
    /// </remarks>
    private static void MatrixVector<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, bool transA, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        c = c[..m];
        if (!transA)
        {
            for (int row = 0; row < m; row++)
            {
                T dot = Dot(a.Slice(row * k, k), b);
                c[row] = accumulate ? c[row] + dot : dot;
            }
            return;
        }
        // A vector of C's entries stays in a register while p runs down A's rows; a
        // TensorPrimitives call per row of A costs more in dispatch than the few values it adds.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i + Vector<T>.Count <= m; i += Vector<T>.Count)
            {
                var acc = accumulate ? new Vector<T>(c[i..]) : Vector<T>.Zero;
                for (int p = 0; p < k; p++) acc += new Vector<T>(a.Slice(p * m + i, Vector<T>.Count)) * b[p];
                acc.CopyTo(c[i..]);
            }
        for (; i < m; i++)
        {
            T sum = T.Zero;
            for (int p = 0; p < k; p++) sum += a[p * m + i] * b[p];
            c[i] = accumulate ? c[i] + sum : sum;
        }
    }

    /// <summary>A short dot product inline (TensorPrimitives.Dot's dispatch costs as much as 20 multiply-adds).</summary>
    private static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var acc = Vector<T>.Zero;
            var xs = MemoryMarshal.Cast<T, Vector<T>>(x);
            var ys = MemoryMarshal.Cast<T, Vector<T>>(y[..x.Length]);
            for (; i < xs.Length; i++) acc += xs[i] * ys[i];
            sum = Vector.Sum(acc);
            i *= Vector<T>.Count;
        }
        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }
}
