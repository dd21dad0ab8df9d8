using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Downhill.Analysis.LinearAlgebra;

/// <summary>
/// G = Zᵀ Z for the augmented data matrix Z = [X - sx, Y - sy, 1] (the ones column only with
/// an intercept), where X is rows x p and Y rows x m, both row-major. G holds in one pass the
/// cross products, the column sums and the row count that the normal equations need.
/// </summary>
/// <remarks>
/// <para>
/// Shifting by a rough location (the mean of the first rows) before squaring keeps the sums of
/// products from cancelling when the columns have large means; the exact centering is done
/// afterwards on the small matrix G.
/// </para>
/// <para>
/// Performance (SYRK-style panel kernel): each chunk of rows is packed <see cref="BlockRows"/> at
/// a time into a column-major panel, then every 4 x 4 tile of G above the diagonal is
/// accumulated in 16 vector registers while streaming down the panel (8 loads per 16 fused
/// multiply-adds). Packing, mostly reading the data, takes more time than the tiles; a row-major
/// variant without transposition (a 4 x 12 tile, one row entry broadcast against three vectors
/// of the same row) is no faster, being bound by the same reading of the data (timings in
/// bench/README.md). Chunks of rows run on <see cref="Parallelism.Threads"/> threads, each
/// into its own G, summed at the end.
/// </para>
/// </remarks>
internal static class GramMatrix
{
    /// <summary>Rows per packed panel: 256 rows x (p + m + 1 padded) columns stays within L1/L2.</summary>
    private const int BlockRows = 256;

    /// <summary>Columns per register tile.</summary>
    private const int Tile = 4;

    /// <summary>Returns G as a q x q row-major array, q = p + m + (ones ? 1 : 0).</summary>
    public static double[] Accumulate<TIn>(ReadOnlyMemory<TIn> x, int p, ReadOnlyMemory<TIn> y, int m,
        double[] shift, bool ones) where TIn : unmanaged, INumberBase<TIn>
    {
        int rows = x.Length / p;
        Debug.Assert(y.Length == rows * m && shift.Length == p + m);
        int q = p + m + (ones ? 1 : 0);
        int padded = (q + Tile - 1) / Tile * Tile;
        int chunks = RowParallel.Chunks(rows, 4 * BlockRows);
        var partial = new double[chunks][];
        RowParallel.For(rows, chunks, (chunk, start, end) =>
        {
            var g = new double[padded * padded];
            var panel = new double[padded * BlockRows];
            for (int block = start; block < end; block += BlockRows)
            {
                int count = Math.Min(BlockRows, end - block);
                Pack(x.Span, p, y.Span, m, shift, ones, block, count, panel);
                // Vector steps cover whole multiples of 4 rows; the zero-padded rows add nothing.
                int length = (count + 3) & ~3;
                for (int i0 = 0; i0 < padded; i0 += Tile)
                    for (int j0 = i0; j0 < padded; j0 += Tile)
                        AccumulateTile(panel, length, i0, j0, g, padded);
            }
            partial[chunk] = g;
        });

        var gram = new double[q * q];
        foreach (double[] g in partial)
            for (int i = 0; i < q; i++)
                for (int j = i; j < q; j++)
                    gram[i * q + j] += g[i * padded + j];
        for (int i = 0; i < q; i++)
            for (int j = 0; j < i; j++)
                gram[i * q + j] = gram[j * q + i];
        return gram;
    }

    /// <summary>Column c of the panel holds rows [block, block + count) of Z's column c, zero-padded.</summary>
    private static void Pack<TIn>(ReadOnlySpan<TIn> x, int p, ReadOnlySpan<TIn> y, int m, double[] shift, bool ones,
        int block, int count, double[] panel) where TIn : unmanaged, INumberBase<TIn>
    {
        // Padding columns stay zero from allocation; only a short last block leaves old rows to clear.
        if (count < BlockRows)
            for (int c = 0; c < panel.Length / BlockRows; c++) Array.Clear(panel, c * BlockRows + count, BlockRows - count);
        for (int k = 0; k < count; k++)
        {
            ReadOnlySpan<TIn> xRow = x.Slice((block + k) * p, p);
            for (int c = 0; c < p; c++) panel[c * BlockRows + k] = double.CreateTruncating(xRow[c]) - shift[c];
            ReadOnlySpan<TIn> yRow = y.Slice((block + k) * m, m);
            for (int c = 0; c < m; c++) panel[(p + c) * BlockRows + k] = double.CreateTruncating(yRow[c]) - shift[p + c];
            if (ones) panel[(p + m) * BlockRows + k] = 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateTile(double[] panel, int length, int i0, int j0, double[] g, int padded)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            for (int i = i0; i < i0 + Tile; i++)
                for (int j = j0; j < j0 + Tile; j++)
                {
                    double s = 0;
                    for (int k = 0; k < length; k++) s += panel[i * BlockRows + k] * panel[j * BlockRows + k];
                    g[i * padded + j] += s;
                }
            return;
        }

        ref double origin = ref MemoryMarshal.GetArrayDataReference(panel);
        nuint a0 = (nuint)(i0 * BlockRows), a1 = a0 + BlockRows, a2 = a1 + BlockRows, a3 = a2 + BlockRows;
        nuint b0 = (nuint)(j0 * BlockRows), b1 = b0 + BlockRows, b2 = b1 + BlockRows, b3 = b2 + BlockRows;
        Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<double> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<double> c30 = default, c31 = default, c32 = default, c33 = default;
        for (nuint k = 0; k < (nuint)length; k += (nuint)Vector256<double>.Count)
        {
            Vector256<double> va0 = Vector256.LoadUnsafe(ref origin, a0 + k);
            Vector256<double> va1 = Vector256.LoadUnsafe(ref origin, a1 + k);
            Vector256<double> va2 = Vector256.LoadUnsafe(ref origin, a2 + k);
            Vector256<double> va3 = Vector256.LoadUnsafe(ref origin, a3 + k);
            Vector256<double> vb = Vector256.LoadUnsafe(ref origin, b0 + k);
            c00 = Vector256.FusedMultiplyAdd(va0, vb, c00);
            c10 = Vector256.FusedMultiplyAdd(va1, vb, c10);
            c20 = Vector256.FusedMultiplyAdd(va2, vb, c20);
            c30 = Vector256.FusedMultiplyAdd(va3, vb, c30);
            vb = Vector256.LoadUnsafe(ref origin, b1 + k);
            c01 = Vector256.FusedMultiplyAdd(va0, vb, c01);
            c11 = Vector256.FusedMultiplyAdd(va1, vb, c11);
            c21 = Vector256.FusedMultiplyAdd(va2, vb, c21);
            c31 = Vector256.FusedMultiplyAdd(va3, vb, c31);
            vb = Vector256.LoadUnsafe(ref origin, b2 + k);
            c02 = Vector256.FusedMultiplyAdd(va0, vb, c02);
            c12 = Vector256.FusedMultiplyAdd(va1, vb, c12);
            c22 = Vector256.FusedMultiplyAdd(va2, vb, c22);
            c32 = Vector256.FusedMultiplyAdd(va3, vb, c32);
            vb = Vector256.LoadUnsafe(ref origin, b3 + k);
            c03 = Vector256.FusedMultiplyAdd(va0, vb, c03);
            c13 = Vector256.FusedMultiplyAdd(va1, vb, c13);
            c23 = Vector256.FusedMultiplyAdd(va2, vb, c23);
            c33 = Vector256.FusedMultiplyAdd(va3, vb, c33);
        }
        int r0 = i0 * padded + j0, r1 = r0 + padded, r2 = r1 + padded, r3 = r2 + padded;
        g[r0] += Vector256.Sum(c00); g[r0 + 1] += Vector256.Sum(c01); g[r0 + 2] += Vector256.Sum(c02); g[r0 + 3] += Vector256.Sum(c03);
        g[r1] += Vector256.Sum(c10); g[r1 + 1] += Vector256.Sum(c11); g[r1 + 2] += Vector256.Sum(c12); g[r1 + 3] += Vector256.Sum(c13);
        g[r2] += Vector256.Sum(c20); g[r2 + 1] += Vector256.Sum(c21); g[r2 + 2] += Vector256.Sum(c22); g[r2 + 3] += Vector256.Sum(c23);
        g[r3] += Vector256.Sum(c30); g[r3 + 1] += Vector256.Sum(c31); g[r3 + 2] += Vector256.Sum(c32); g[r3 + 3] += Vector256.Sum(c33);
    }
}
