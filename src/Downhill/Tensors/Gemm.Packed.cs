using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Downhill;

/// <summary>Which micro-kernel <see cref="Gemm"/> runs; tests pin each one in turn.</summary>
internal enum GemmKernel
{
    /// <summary>The i-p-j loop of <c>Gemm.Generic</c>: any CPU, no packing.</summary>
    Portable,
    /// <summary>6 x 2 <see cref="Vector128{T}"/> register tile: ARM64 (NEON) and x64 without AVX2.</summary>
    Vector128,
    /// <summary>6 x 2 <see cref="Vector256{T}"/> register tile (12 accumulators in 16 ymm registers), AVX2 and FMA.</summary>
    Avx2,
    /// <summary>MR x NR register tile: 16 <see cref="Vector512{T}"/> accumulators.</summary>
    Avx512,
}

/// <summary>
/// GEMM in the GotoBLAS/BLIS layout ("GemmPackedTiled"): op(A) and op(B) are copied block by
/// block into panels that the micro-kernel reads with unit stride, so every load in the inner
/// loop hits L1 and the transposes cost nothing extra (they are folded into packing). Loops,
/// outermost first: NC columns of C (B block stays in L3), KC steps of k (one packed B block),
/// MC rows (one packed A block, stays in L2), NR columns (a KC x NR B micro-panel stays in L1),
/// MR rows (an MR x NR tile of C held in registers for the whole KC loop). The tile is sized
/// per kernel to fill the vector registers: 8 rows by two Vector512 (32 floats) with AVX-512's
/// 32 zmm registers, 6 rows by two Vector256 (16 floats) with AVX2's 16 ymm, 6 rows by two
/// Vector128 (8 floats) for 128-bit vectors.
/// Its speed per shape against the plain i-p-j loop and against OpenBLAS is in
/// bench/README.md, GEMM section.
/// </summary>
internal static partial class Gemm
{
    /// <summary>k-steps per packed block: a KC x NR B micro-panel is 32 KB, inside the 48 KB L1.</summary>
    internal const int KC = 256;
    /// <summary>
    /// Rows per packed A block, rounded down to whole tiles: MC x KC floats = 256 KB, half the
    /// L2 of a Zen 2 core (512 KB) and a quarter of a Zen 5's (1 MB).
    /// </summary>
    internal const int MC = 256;
    /// <summary>Columns per packed B block: KC x NC floats = 2 MB, a slice of the L3.</summary>
    internal const int NC = 2048;

    /// <summary>Rows of C in one register tile of <paramref name="kernel"/>; also its A panel width.</summary>
    internal static int TileRows(GemmKernel kernel) => kernel == GemmKernel.Avx512 ? 8 : 6;

    /// <summary>Columns of C in one register tile of <paramref name="kernel"/>, also its B panel width: two vectors of T.</summary>
    internal static int TileCols<T>(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512 => 2 * Vector512<T>.Count,
        GemmKernel.Avx2 => 2 * Vector256<T>.Count,
        _ => 2 * Vector128<T>.Count,
    };

    /// <summary>At most this many rows of C read an untransposed B in place instead of packing it (four 8-row tiles).</summary>
    private const int DirectBMaxRows = 32;

    /// <summary>
    /// Cost of packing one element, in multiply-adds: a packed element takes about half a
    /// cycle, the kernel does 32 multiply-adds a cycle. Used to weigh the packing that every
    /// thread repeats against the arithmetic it saves.
    /// </summary>
    private const long PackCostInMacs = 16;

    /// <summary>
    /// Cost of a Parallel.For fork and join, in multiply-adds: about 10 us of one core at
    /// 32 multiply-adds a cycle and 3.5 GHz. Splitting has to save more than this.
    /// </summary>
    private const long ForkJoinCostInMacs = 1_000_000;

    /// <summary>The name of the environment variable that caps the vector width, in bits.</summary>
    internal const string WidthVariable = "DOWNHILL_VECTOR_WIDTH";

    /// <summary>
    /// The kernel every product uses: the widest this CPU runs, or at most the width that
    /// <see cref="WidthVariable"/> names, so the test suite can run each path on one machine.
    /// </summary>
    internal static readonly GemmKernel BestKernel = WidestKernel(Environment.GetEnvironmentVariable(WidthVariable));

    /// <summary>Rows of C in one register tile of <see cref="BestKernel"/> (the batch split cuts at multiples of it).</summary>
    internal static readonly int MR = TileRows(BestKernel);

    /// <summary>
    /// The widest kernel this CPU supports within <paramref name="widthSetting"/> (bits:
    /// 128, 256 or 512; null or empty for no cap). A cap the CPU cannot reach falls to the
    /// widest it can, so one setting serves every machine.
    /// </summary>
    internal static GemmKernel WidestKernel(string? widthSetting)
    {
        int cap = widthSetting?.Trim() switch
        {
            null or "" or "512" => 512,
            "256" => 256,
            "128" => 128,
            _ => throw new InvalidOperationException(
                $"{WidthVariable} is \"{widthSetting}\", but it must be 128, 256 or 512 (the widest vector, in bits, the matrix kernels may use). " +
                $"Set one of those, or unset {WidthVariable} to use the widest vector this CPU has."),
        };
        if (cap >= 512 && Vector512.IsHardwareAccelerated && Avx512F.IsSupported) return GemmKernel.Avx512;
        if (cap >= 256 && Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported) return GemmKernel.Avx2;
        return Vector128.IsHardwareAccelerated ? GemmKernel.Vector128 : GemmKernel.Portable;
    }

    /// <summary>Whether <paramref name="kernel"/> runs on this CPU: what the tests and benchmarks try.</summary>
    internal static bool IsSupported(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Portable => true,
        GemmKernel.Vector128 => Vector128.IsHardwareAccelerated,
        GemmKernel.Avx2 => Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported,
        _ => Vector512.IsHardwareAccelerated && Avx512F.IsSupported,
    };

    /// <summary>The vector width, in bits, of <see cref="BestKernel"/> (0: no vectors), for the other kernels that follow it.</summary>
    internal static int VectorBits => Bits(BestKernel);

    /// <summary>The vector width of <paramref name="kernel"/> in bits; 0 for the portable loop.</summary>
    internal static int Bits(GemmKernel kernel) => kernel switch
    {
        GemmKernel.Avx512 => 512,
        GemmKernel.Avx2 => 256,
        GemmKernel.Vector128 => 128,
        _ => 0,
    };

    /// <summary>
    /// Packed GEMM for float or double on the given kernel, which must be supported by this
    /// CPU, on at most <paramref name="threads"/> threads; <see cref="GemmKernel.Portable"/>
    /// runs the unpacked loop.
    /// </summary>
    internal static unsafe void Packed<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c,
        int m, int k, int n, bool transA, bool transB, bool accumulate, GemmKernel kernel, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        System.Diagnostics.Debug.Assert(typeof(T) == typeof(float) || typeof(T) == typeof(double));
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }
        if (kernel == GemmKernel.Portable)
        {
            Generic(a, b, c, m, k, n, transA, transB, accumulate);
            return;
        }

        fixed (T* pa = a, pb = b, pc = c)
        {
            if (IsNarrow<T>(n, kernel))
            {
                int blocks = (m + NarrowRows - 1) / NarrowRows;
                int parts = (long)m * k * n < ForkJoinCostInMacs * 2 ? 1 : Math.Min(threads, blocks);
                if (parts <= 1)
                {
                    Narrow(pa, pb, pc, m, k, n, transA, transB, accumulate, 0, m);
                    return;
                }
                nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
                Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
                {
                    var (r0, r1) = NarrowStrip(m, part, parts);
                    Narrow((T*)ia, (T*)ib, (T*)ic, m, k, n, transA, transB, accumulate, r0, r1);
                });
                return;
            }
            var job = new PackedJob<T>((nint)pa, (nint)pb, (nint)pc, m, k, n, transA, transB, accumulate, kernel);
            var split = PlanSplit(m, k, n, TileRows(kernel), TileCols<T>(kernel), threads);
            if (split.Parts == 1)
                job.Run(0, m, 0, n);
            else
                Parallel.For(0, split.Parts, new ParallelOptions { MaxDegreeOfParallelism = split.Parts }, part => job.RunStrip(split, part));
        }
    }

    /// <summary>
    /// Share <paramref name="share"/> of <paramref name="shares"/> of the product, for a caller
    /// that runs its own threads (the training step's batch split): C is cut into strips of
    /// whole register tiles, by rows where there are enough row tiles, else by columns. Every
    /// element of C is computed exactly as one whole call computes it, so the result does not
    /// depend on the cut. Element types and CPUs without a packed kernel: share 0 does it all.
    /// </summary>
    internal static unsafe void MultiplyShare<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c,
        int m, int k, int n, bool transA, bool transB, bool accumulate, int share, int shares)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        System.Diagnostics.Debug.Assert(a.Length >= m * k && b.Length >= k * n && c.Length >= m * n && share < shares);
        int mr = TileRows(BestKernel), nr = TileCols<T>(BestKernel), rowTiles = (m + mr - 1) / mr, colTiles = (n + nr - 1) / nr;
        var split = rowTiles >= shares ? new GemmSplit(shares, ByRows: true, rowTiles)
            : colTiles >= shares ? new GemmSplit(shares, ByRows: false, colTiles)
            : new GemmSplit(1, ByRows: true, rowTiles);
        bool packed = (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && BestKernel != GemmKernel.Portable;
        // One column goes to Multiply's matrix-vector loop whole, so a share gives the same bits.
        if (!packed || split.Parts == 1 || k == 0 || n == 1)
        {
            if (share == 0) Multiply(a, b, c, m, k, n, transA, transB, accumulate, threads: 1);
            return;
        }
        fixed (T* pa = a, pb = b, pc = c)
        {
            if (IsNarrow<T>(n, BestKernel))
            {
                var (r0, r1) = NarrowStrip(m, share, shares);
                Narrow(pa, pb, pc, m, k, n, transA, transB, accumulate, r0, r1);
                return;
            }
            new PackedJob<T>((nint)pa, (nint)pb, (nint)pc, m, k, n, transA, transB, accumulate, BestKernel).RunStrip(split, share);
        }
    }

    /// <summary>Rows of strip <paramref name="part"/> of <paramref name="parts"/> for the narrow kernel: whole blocks of eight rows.</summary>
    private static (int From, int To) NarrowStrip(int m, int part, int parts)
    {
        int blocks = (m + NarrowRows - 1) / NarrowRows;
        return ((int)((long)blocks * part / parts) * NarrowRows, Math.Min(m, (int)((long)blocks * (part + 1) / parts) * NarrowRows));
    }

    /// <summary>How C is dealt to threads: <see cref="Tiles"/> whole tiles of rows or of columns in <see cref="Parts"/> strips.</summary>
    internal readonly record struct GemmSplit(int Parts, bool ByRows, int Tiles);

    /// <summary>
    /// Picks one thread or a split of C into strips of whole tiles by rows or by columns,
    /// whichever finishes first by a simple cost model: the busiest strip's padded
    /// multiply-adds plus its packing (a row strip packs all of B, a column strip all of A),
    /// plus the fork/join cost when more than one thread runs.
    /// </summary>
    internal static GemmSplit PlanSplit(int m, int k, int n, int mr, int nr, int threads)
    {
        int rowTiles = (m + mr - 1) / mr, colTiles = (n + nr - 1) / nr;
        long Cost(int rowTilesEach, int colTilesEach)
        {
            long rows = (long)rowTilesEach * mr, cols = (long)colTilesEach * nr;
            return k * (rows * cols + PackCostInMacs * (rows + cols));
        }

        var best = new GemmSplit(1, ByRows: true, rowTiles);
        long bestCost = Cost(rowTiles, colTiles);
        for (int parts = 2; parts <= threads; parts++)
        {
            if (parts <= rowTiles)
            {
                long cost = Cost((rowTiles + parts - 1) / parts, colTiles) + ForkJoinCostInMacs;
                if (cost < bestCost) (best, bestCost) = (new GemmSplit(parts, ByRows: true, rowTiles), cost);
            }
            if (parts <= colTiles)
            {
                long cost = Cost(rowTiles, (colTiles + parts - 1) / parts) + ForkJoinCostInMacs;
                if (cost < bestCost) (best, bestCost) = (new GemmSplit(parts, ByRows: false, colTiles), cost);
            }
        }
        return best;
    }

    /// <summary>One GEMM call's operands; <see cref="Run"/> computes any rectangle of C.</summary>
    private readonly record struct PackedJob<T>(nint A, nint B, nint C, int M, int K, int N,
        bool TransA, bool TransB, bool Accumulate, GemmKernel Kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Strip <paramref name="part"/> of <paramref name="split"/>.</summary>
        public void RunStrip(GemmSplit split, int part)
        {
            int t0 = (int)((long)split.Tiles * part / split.Parts), t1 = (int)((long)split.Tiles * (part + 1) / split.Parts);
            int mr = TileRows(Kernel), nr = TileCols<T>(Kernel);
            if (split.ByRows) Run(t0 * mr, Math.Min(t1 * mr, M), 0, N);
            else Run(0, M, t0 * nr, Math.Min(t1 * nr, N));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public unsafe void Run(int i0, int i1, int j0, int j1)
        {
            T* a = (T*)A, b = (T*)B, c = (T*)C;
            int mr = TileRows(Kernel), nr = TileCols<T>(Kernel), mcStep = MC / mr * mr;
            // Equal k-blocks (784 = 4 x 196, not 3 x 256 + 16): a short last block pays the
            // full load and store of every C tile for little work.
            int kBlocks = (K + KC - 1) / KC;
            int kcMax = (K + kBlocks - 1) / kBlocks;
            int mcMax = Math.Min(mcStep, RoundUp(i1 - i0, mr)), ncMax = Math.Min(NC, RoundUp(j1 - j0, nr));
            // With few rows each B panel serves at most a few register tiles, too
            // few to repay copying it; an untransposed B is then read in place (rows N apart,
            // which L2 streams fast enough for the kernel) and only ragged panels are packed.
            bool bInPlace = !TransB && i1 - i0 <= DirectBMaxRows;
            // With one column panel (n <= 16 floats on AVX2) each value of A serves one tile's
            // 16 multiply-adds, and packing it costs about as much as they do; the six-row
            // kernels then read A in place (rows k apart, or m apart transposed), and only a
            // ragged last row tile is packed. The sums are the same, term for term.
            bool aInPlace = Kernel != GemmKernel.Avx512 && j1 - j0 <= nr;
            var buffers = PackBuffers<T>.ForThisThread(mcMax * kcMax, kcMax * ncMax);
            T* ap = buffers.A, bp = buffers.B;
            T* tile = stackalloc T[mr * nr];

            for (int jc = j0; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, j1 - jc);
                for (int pc = 0; pc < K; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, K - pc);
                    bool add = Accumulate || pc > 0;
                    if (!bInPlace) PackB(b, TransB, K, N, pc, kc, jc, nc, nr, bp);
                    for (int ic = i0; ic < i1; ic += mcStep)
                    {
                        int mc = Math.Min(mcStep, i1 - ic);
                        if (!aInPlace) PackA(a, TransA, M, K, ic, mc, pc, kc, mr, ap);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int cols = Math.Min(nr, nc - jr);
                            T* bPanel = bp + jr * kc;
                            int ldb = nr;
                            if (bInPlace && cols == nr)
                            {
                                bPanel = b + (long)pc * N + jc + jr;
                                ldb = N;
                            }
                            else if (bInPlace) PackB(b, TransB, K, N, pc, kc, jc + jr, cols, nr, bPanel);
                            for (int ir = 0; ir < mc; ir += mr)
                            {
                                int rows = Math.Min(mr, mc - ir);
                                T* aPanel = ap + ir * kc;
                                nint aRow = 1, aStep = mr;
                                if (aInPlace && rows == mr)
                                {
                                    aPanel = TransA ? a + (long)pc * M + ic + ir : a + (long)(ic + ir) * K + pc;
                                    (aRow, aStep) = TransA ? (1, M) : (K, 1);
                                }
                                else if (aInPlace)
                                    PackA(a, TransA, M, K, ic + ir, rows, pc, kc, mr, aPanel);
                                T* ct = c + (long)(ic + ir) * N + jc + jr;
                                if (rows == mr && cols == nr)
                                    MicroKernel(Kernel, kc, aPanel, aRow, aStep, bPanel, ldb, ct, N, add);
                                else
                                {
                                    // Edge tile: the padded panels give a full tile of which
                                    // only rows x cols is real; compute into scratch and copy that.
                                    MicroKernel(Kernel, kc, aPanel, aRow, aStep, bPanel, ldb, tile, nr, add: false);
                                    StoreEdge(tile, nr, ct, N, rows, cols, add);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void MicroKernel<T>(GemmKernel kernel, int kc, T* a, nint aRow, nint aStep, T* b, int ldb, T* c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The AVX-512 kernel reads packed A only (its narrow products go to Gemm.Narrow).
        System.Diagnostics.Debug.Assert(kernel != GemmKernel.Avx512 || (aRow == 1 && aStep == TileRows(kernel)));
        if (kernel == GemmKernel.Avx512) KernelAvx512(kc, a, b, ldb, c, ldc, add);
        else if (kernel == GemmKernel.Avx2) KernelSixRows<T, Vector256<T>, Lanes256<T>>(kc, a, aRow, aStep, b, ldb, c, ldc, add);
        else KernelSixRows<T, Vector128<T>, Lanes128<T>>(kc, a, aRow, aStep, b, ldb, c, ldc, add);
    }

    private static unsafe void StoreEdge<T>(T* tile, int ldt, T* c, int ldc, int rows, int cols, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            T* src = tile + r * ldt, dst = c + (long)r * ldc;
            if (add)
                for (int j = 0; j < cols; j++) dst[j] += src[j];
            else
                for (int j = 0; j < cols; j++) dst[j] = src[j];
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Per-thread packing space, allocated once and grown on demand so a training loop's GEMM
    /// calls allocate nothing. Pinned (POH) arrays never move, so a pointer taken once stays
    /// valid; the pointers are rounded up to 64 bytes so no Vector512 load splits a cache line.
    /// </summary>
    private sealed unsafe class PackBuffers<T> where T : unmanaged
    {
        [ThreadStatic] private static PackBuffers<T>? current;

        private static readonly int AlignPad = 64 / Unsafe.SizeOf<T>();
        private T[] aStore = [], bStore = [];
        public T* A { get; private set; }
        public T* B { get; private set; }

        public static PackBuffers<T> ForThisThread(int aCount, int bCount)
        {
            var buffers = current ??= new PackBuffers<T>();
            if (buffers.aStore.Length < aCount + AlignPad) buffers.A = Allocate(aCount, out buffers.aStore);
            if (buffers.bStore.Length < bCount + AlignPad) buffers.B = Allocate(bCount, out buffers.bStore);
            return buffers;
        }

        private static T* Allocate(int count, out T[] store)
        {
            store = GC.AllocateUninitializedArray<T>(count + AlignPad, pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(store));
            return (T*)((address + 63) & ~(nint)63);
        }
    }
}
