using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Downhill;

internal static partial class Gemm
{
    /// <summary>
    /// Copies rows [i0, i0+mc) and k-steps [p0, p0+kc) of op(A) into panels of <paramref name="mr"/>
    /// rows: panel q holds, for each k-step p, the mr values op(A)[i0+q*mr+r, p0+p] side by side,
    /// so the micro-kernel reads mr consecutive values per step. Rows past mc are zero, which
    /// makes an edge tile a full tile whose extra rows are simply not stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackA<T>(T* a, bool transA, int m, int k, int i0, int mc, int p0, int kc, int mr, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        float* block = stackalloc float[64];
        for (int ir = 0; ir < mc; ir += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - ir);
            int i = i0 + ir;
            if (transA)
            {
                // Stored [k,m]: the mr values of one k-step are already adjacent.
                for (int p = 0; p < kc; p++)
                {
                    T* src = a + (long)(p0 + p) * m + i;
                    if (rows == mr) Unsafe.CopyBlockUnaligned(dst + p * mr, src, (uint)(mr * sizeof(T)));
                    else CopyPadded(src, dst + p * mr, rows, mr);
                }
            }
            else if (rows == mr)
            {
                // Stored [m,k]: each row is contiguous along k. For float, blocks of 8 k-steps
                // are transposed in registers: one load and one store per 8 values instead of 8
                // scalar moves. A 6-row tile goes through a scratch block, as 8 rows would read
                // past A's last row.
                T* src = a + (long)i * k + p0;
                int p = 0;
                if (typeof(T) == typeof(float) && Avx.IsSupported && mr <= 8)
                    for (; p + 8 <= kc; p += 8)
                    {
                        if (mr == 8)
                        {
                            Transpose8x8((float*)(src + p), k, mr, (float*)(dst + p * mr), mr);
                            continue;
                        }
                        Transpose8x8((float*)(src + p), k, mr, block, 8);
                        for (int q = 0; q < 8; q++)
                            Unsafe.CopyBlockUnaligned(dst + (p + q) * mr, block + q * 8, (uint)(mr * sizeof(float)));
                    }
                for (; p < kc; p++)
                    for (int r = 0; r < mr; r++)
                        dst[p * mr + r] = src[(long)r * k + p];
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    for (int r = 0; r < rows; r++) dst[p * mr + r] = a[(long)(i + r) * k + p0 + p];
                    for (int r = rows; r < mr; r++) dst[p * mr + r] = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// Copies k-steps [p0, p0+kc) and columns [j0, j0+nc) of op(B) into panels of <paramref name="nr"/>
    /// columns: panel q holds, for each k-step p, op(B)[p0+p, j0+q*nr+c] for c in [0, nr);
    /// columns past nc are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackB<T>(T* b, bool transB, int k, int n, int p0, int kc, int j0, int nc, int nr, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - jr);
            int j = j0 + jr;
            if (!transB)
            {
                // Stored [k,n]: one k-step of the panel is nr adjacent values.
                for (int p = 0; p < kc; p++)
                {
                    T* src = b + (long)(p0 + p) * n + j;
                    if (cols == nr) Unsafe.CopyBlockUnaligned(dst + p * nr, src, (uint)(nr * sizeof(T)));
                    else CopyPadded(src, dst + p * nr, cols, nr);
                }
            }
            else if (cols == nr)
            {
                // Stored [n,k]: column j of op(B) is row j of B, contiguous along k. For float,
                // 8x8 blocks are transposed in registers, nr / 8 blocks across the panel.
                T* src = b + (long)j * k + p0;
                int p = 0;
                if (typeof(T) == typeof(float) && Avx.IsSupported && nr % 8 == 0)
                    for (; p + 8 <= kc; p += 8)
                        for (int g = 0; g < nr; g += 8)
                            Transpose8x8((float*)(src + (long)g * k + p), k, 8, (float*)(dst + p * nr + g), nr);
                for (; p < kc; p++)
                    for (int col = 0; col < nr; col++)
                        dst[p * nr + col] = src[(long)col * k + p];
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    for (int col = 0; col < cols; col++) dst[p * nr + col] = b[(long)(j + col) * k + p0 + p];
                    for (int col = cols; col < nr; col++) dst[p * nr + col] = T.Zero;
                }
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> values and zero-fills the rest of a panel row of <paramref name="width"/>.</summary>
    private static unsafe void CopyPadded<T>(T* src, T* dst, int count, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Span Clear/CopyTo are vectorized: this keeps a narrow panel (the 10 output columns of
        // a classifier) from costing 32 scalar stores per k-step (gain in bench/README.md).
        new Span<T>(dst + count, width - count).Clear();
        new ReadOnlySpan<T>(src, count).CopyTo(new Span<T>(dst, count));
    }

    /// <summary>
    /// Reads 8 rows of 8 floats (row r at <c>src + r*srcStride</c>) and writes the 8 columns as
    /// rows (column c at <c>dst + c*dstStride</c>). The classic AVX sequence: unpack pairs of
    /// rows, shuffle pairs of pairs, then swap 128-bit halves; 24 shuffles for 64 values.
    /// Only the first <paramref name="rows"/> (6 or 8) rows are read; with 6, rows 6 and 7 repeat
    /// row 0, so columns hold garbage in their last two values, which the caller drops.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Transpose8x8(float* src, int srcStride, int rows, float* dst, int dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2L * srcStride);
        var r3 = Avx.LoadVector256(src + 3L * srcStride);
        var r4 = Avx.LoadVector256(src + 4L * srcStride);
        var r5 = Avx.LoadVector256(src + 5L * srcStride);
        var r6 = rows > 6 ? Avx.LoadVector256(src + 6L * srcStride) : r0;
        var r7 = rows > 6 ? Avx.LoadVector256(src + 7L * srcStride) : r0;

        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);

        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2L * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3L * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4L * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5L * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6L * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7L * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }
}
