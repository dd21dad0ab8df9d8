using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Downhill;

internal static partial class Gemm
{
    /// <summary>Rows of C per step of the narrow kernel: eight zmm accumulators, one per row.</summary>
    private const int NarrowRows = 8;

    /// <summary>Whether the narrow kernel takes C: AVX-512, float or double, and a row of C fits in one Vector512 (n &lt;= 16 floats, 8 doubles).</summary>
    private static bool IsNarrow<T>(int n, GemmKernel kernel) => kernel == GemmKernel.Avx512 && n >= 1 && n <= Vector512<T>.Count;

    /// <summary>
    /// Rows <paramref name="r0"/>..<paramref name="r1"/> of C (+)= op(A) op(B) when a row of C
    /// fits in one Vector512: the products of small layers (16 or 10 units wide) and their
    /// weight gradients. Each step loads one row of B and adds A[i,p] times it into eight rows'
    /// accumulators, A read in place by broadcast loads, B in place unless transposed.
    /// </summary>
    /// <remarks>
    /// Why: the tiled kernel computes 8 x 32 tiles, so for n = 16 or 10 every tile is an edge
    /// tile (stored element by element), and both operands are packed first: on such layers the
    /// packing and edge stores take more CPU time than the kernel itself (the profile is in
    /// bench/README.md, "Measured gains"). Every row of C is summed in the same
    /// order whichever rows it is computed with, so strips of rows (threads, the batch split's
    /// shares) give the same bits.
    /// NOTE: lanes past n of a row loaded from an untransposed B belong to the next rows of B;
    /// they only reach accumulator lanes that are never stored.
    /// </remarks>
    private static unsafe void Narrow<T>(T* a, T* b, T* c, int m, int k, int n, bool transA, bool transB, bool accumulate, int r0, int r1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        // B as k rows of w values: untransposed, row p starts at b + p*n and a full-width load
        // stays inside B for every row but the last few; those (and a transposed B) are copied.
        int direct = transB || k * n < w ? 0 : Math.Min(k, (k * n - w) / n + 1);
        int copied = k - direct;
        T* tail = stackalloc T[copied <= 64 ? copied * w : 0];
        T[]? heap = copied > 64 ? new T[copied * w] : null;
        fixed (T* pinned = heap)
        {
            if (heap is not null) tail = pinned;
            for (int p = direct; p < k; p++)
                for (int j = 0; j < w; j++)
                    tail[(p - direct) * w + j] = j >= n ? T.Zero : transB ? b[(long)j * k + p] : b[(long)p * n + j];

            // A[i,p] sits at a + i*rowStep + p*pStep. The tail rows are added in a second pass:
            // one stream per pass keeps the eight accumulators in registers.
            nint rowStep = transA ? 1 : k, pStep = transA ? m : 1;
            T* tailA = a + direct * pStep;
            T* lanes = stackalloc T[NarrowRows * w];
            for (int i = r0; i < r1; i += NarrowRows)
            {
                int rows = Math.Min(NarrowRows, r1 - i);
                T* ci = c + (nint)i * n;
                bool add = accumulate;
                if (direct > 0)
                {
                    NarrowBlock(a + i * rowStep, rowStep, pStep, b, n, direct, rows, lanes);
                    NarrowPut(lanes, ci, rows, n, add);
                    add = true;
                }
                if (copied > 0)
                {
                    NarrowBlock(tailA + i * rowStep, rowStep, pStep, tail, w, copied, rows, lanes);
                    NarrowPut(lanes, ci, rows, n, add);
                }
            }
        }
    }

    /// <summary>
    /// Up to eight rows of op(A) times <paramref name="count"/> rows of B into <paramref name="lanes"/>
    /// (row r at r*w), each row's terms added in order of p.
    /// </summary>
    /// <remarks>
    /// NOTE: no calls after the loop. Every zmm register is caller-saved on x64 Linux, and a
    /// store helper called after the loop makes the JIT spill all eight accumulators inside the
    /// loop, every step, which slows the kernel several-fold (bench/README.md).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void NarrowBlock<T>(T* a, nint rowStep, nint pStep, T* b, nint bStep, int count, int rows, T* lanes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        if (rows < NarrowRows)
        {
            for (int r = 0; r < rows; r++)
            {
                Vector512<T> acc = default;
                T* ar = a + r * rowStep, br = b;
                for (int q = 0; q < count; q++, ar += pStep, br += bStep) acc = MulAdd(Vector512.Create(ar[0]), Vector512.Load(br), acc);
                acc.Store(lanes + r * w);
            }
            return;
        }
        Vector512<T> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<T> c4 = default, c5 = default, c6 = default, c7 = default;
        for (int q = 0; q < count; q++, b += bStep, a += pStep)
        {
            var v = Vector512.Load(b);
            c0 = MulAdd(Vector512.Create(a[0]), v, c0);
            c1 = MulAdd(Vector512.Create(a[rowStep]), v, c1);
            c2 = MulAdd(Vector512.Create(a[2 * rowStep]), v, c2);
            c3 = MulAdd(Vector512.Create(a[3 * rowStep]), v, c3);
            c4 = MulAdd(Vector512.Create(a[4 * rowStep]), v, c4);
            c5 = MulAdd(Vector512.Create(a[5 * rowStep]), v, c5);
            c6 = MulAdd(Vector512.Create(a[6 * rowStep]), v, c6);
            c7 = MulAdd(Vector512.Create(a[7 * rowStep]), v, c7);
        }
        c0.Store(lanes); c1.Store(lanes + w); c2.Store(lanes + 2 * w); c3.Store(lanes + 3 * w);
        c4.Store(lanes + 4 * w); c5.Store(lanes + 5 * w); c6.Store(lanes + 6 * w); c7.Store(lanes + 7 * w);
    }

    /// <summary>The first n lanes of each of <paramref name="rows"/> accumulators into the rows of C (added when <paramref name="add"/>).</summary>
    private static unsafe void NarrowPut<T>(T* lanes, T* c, int rows, int n, bool add) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        for (int r = 0; r < rows; r++, lanes += w, c += n)
        {
            if (n == w)
            {
                var v = Vector512.Load(lanes);
                (add ? v + Vector512.Load(c) : v).Store(c);
            }
            else
                // Rows of C are n apart, so a full-width store would overwrite the next row.
                for (int j = 0; j < n; j++) c[j] = add ? c[j] + lanes[j] : lanes[j];
        }
    }
}
