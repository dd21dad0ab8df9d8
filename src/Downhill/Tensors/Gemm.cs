using System.Numerics;

namespace Downhill;

/// <summary>
/// Matrix products on row-major, tightly packed matrices: C[m,n] (+)= op(A) * op(B) where
/// op(A) is A[m,k] or, with <c>transA</c>, the transpose of A stored as [k,m]; likewise B
/// is [k,n] or [n,k]. Float and double go to the packed, register-tiled kernels
/// (Gemm.Packed.cs); other element types use a simple vectorized loop.
/// </summary>
internal static partial class Gemm
{
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c,
        int m, int k, int n, bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Multiply(a, b, c, m, k, n, transA, transB, accumulate, Parallelism.Threads);

    /// <summary>
    /// The product on at most <paramref name="threads"/> threads: 1 keeps it on the calling
    /// thread, for callers that already run in parallel (the training step's batch split).
    /// </summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c,
        int m, int k, int n, bool transA, bool transB, bool accumulate, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        System.Diagnostics.Debug.Assert(a.Length >= m * k && b.Length >= k * n && c.Length >= m * n);
        if (n == 1 && k > 0)
            MatrixVector(a, b, c, m, k, transA, accumulate);
        else if (typeof(T) == typeof(float) || typeof(T) == typeof(double))
            Packed(a, b, c, m, k, n, transA, transB, accumulate, BestKernel, threads);
        else
            Generic(a, b, c, m, k, n, transA, transB, accumulate);
    }

    /// <summary>Reference triple loop: the independent check for every fast path.</summary>
    public static void Naive<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c,
        int m, int k, int n, bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++)
                    s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = accumulate ? c[i * n + j] + s : s;
            }
    }

    /// <summary>
    /// i-p-j loop order over row-major data so the innermost loop is a contiguous axpy on a row
    /// of C; transposed operands are first copied to the plain layout (O(size) against O(mnk)).
    /// </summary>
    private static void Generic<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c,
        int m, int k, int n, bool transA, bool transB, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (transA) a = Transposed(a, k, m);
        if (transB) b = Transposed(b, n, k);
        if (!accumulate) c[..(m * n)].Clear();
        for (int i = 0; i < m; i++)
        {
            var crow = c.Slice(i * n, n);
            for (int p = 0; p < k; p++)
            {
                T av = a[i * k + p];
                if (av == T.Zero) continue;
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), av, crow, crow);
            }
        }
    }

    /// <summary>Returns the [cols,rows] transpose of a [rows,cols] matrix.</summary>
    internal static T[] Transposed<T>(ReadOnlySpan<T> x, int rows, int cols) where T : unmanaged
    {
        var t = new T[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int q = 0; q < cols; q++)
                t[q * rows + r] = x[r * cols + q];
        return t;
    }
}
