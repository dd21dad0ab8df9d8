using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Downhill;

/// <summary>Which float micro-kernel <see cref="Gemm"/> runs; tests pin each one in turn.</summary>
internal enum SgemmKernel
{
    /// <summary>The i-p-j loop of <c>Gemm.Generic</c>: any CPU, no packing.</summary>
    Portable,
    /// <summary>8x32 register tile as four 8x8 passes of <see cref="Vector256{T}"/> FMAs.</summary>
    Avx2,
    /// <summary>8x32 register tile: 16 <see cref="Vector512{T}"/> accumulators.</summary>
    Avx512,
}

/// <summary>
/// Float GEMM in the GotoBLAS/BLIS layout ("GemmPackedTiled"): op(A) and op(B) are copied
/// block by block into panels that the micro-kernel reads with unit stride, so every load in
/// the inner loop hits L1 and the transposes cost nothing extra (they are folded into packing).
/// Loops, outermost first: NC columns of C (B block stays in L3), KC steps of k (one packed
/// B block), MC rows (one packed A block, stays in L2), NR columns (a KC x NR B micro-panel
/// stays in L1), MR rows (an MR x NR tile of C held in registers for the whole KC loop).
/// Measured on an AMD EPYC (Zen 5-class, AVX-512) against the i-p-j loop it replaced:
/// 512x512x512 single thread went from 22 to 150 GFLOP/s (see bench/README.md).
/// </summary>
internal static partial class Gemm
{
    /// <summary>Rows of C in one register tile; also the A panel width.</summary>
    internal const int MR = 8;
    /// <summary>Columns of C in one register tile (two Vector512); also the B panel width.</summary>
    internal const int NR = 32;
    /// <summary>k-steps per packed block: a KC x NR B micro-panel is 32 KB, inside the 48 KB L1.</summary>
    internal const int KC = 256;
    /// <summary>Rows per packed A block: MC x KC floats = 256 KB, half the L2 of one core.</summary>
    internal const int MC = 256;
    /// <summary>Columns per packed B block: KC x NC floats = 2 MB, a slice of the L3.</summary>
    internal const int NC = 2048;

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

    internal static readonly SgemmKernel BestSgemmKernel =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? SgemmKernel.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? SgemmKernel.Avx2
        : SgemmKernel.Portable;

    private static void Sgemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int k, int n, bool transA, bool transB, bool accumulate) =>
        Sgemm(a, b, c, m, k, n, transA, transB, accumulate, BestSgemmKernel);

    /// <summary>Float GEMM on the given kernel; <paramref name="kernel"/> must be supported by this CPU.</summary>
    internal static unsafe void Sgemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int k, int n, bool transA, bool transB, bool accumulate, SgemmKernel kernel)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c[..(m * n)].Clear();
            return;
        }
        if (kernel == SgemmKernel.Portable)
        {
            Generic(a, b, c, m, k, n, transA, transB, accumulate);
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new SgemmJob((nint)pa, (nint)pb, (nint)pc, m, k, n, transA, transB, accumulate, kernel);
            var split = PlanSplit(m, k, n, Parallelism.Threads);
            if (split.Parts == 1)
                job.Run(0, m, 0, n);
            else
                Parallel.For(0, split.Parts, new ParallelOptions { MaxDegreeOfParallelism = split.Parts }, part =>
                {
                    int t0 = (int)((long)split.Tiles * part / split.Parts), t1 = (int)((long)split.Tiles * (part + 1) / split.Parts);
                    if (split.ByRows) job.Run(t0 * MR, Math.Min(t1 * MR, m), 0, n);
                    else job.Run(0, m, t0 * NR, Math.Min(t1 * NR, n));
                });
        }
    }

    /// <summary>How C is dealt to threads: <see cref="Tiles"/> whole tiles of rows or of columns in <see cref="Parts"/> strips.</summary>
    internal readonly record struct SgemmSplit(int Parts, bool ByRows, int Tiles);

    /// <summary>
    /// Picks one thread or a split of C into strips of whole tiles by rows or by columns,
    /// whichever finishes first by a simple cost model: the busiest strip's padded
    /// multiply-adds plus its packing (a row strip packs all of B, a column strip all of A),
    /// plus the fork/join cost when more than one thread runs.
    /// </summary>
    internal static SgemmSplit PlanSplit(int m, int k, int n, int threads)
    {
        int rowTiles = (m + MR - 1) / MR, colTiles = (n + NR - 1) / NR;
        long Cost(int rowTilesEach, int colTilesEach)
        {
            long rows = (long)rowTilesEach * MR, cols = (long)colTilesEach * NR;
            return k * (rows * cols + PackCostInMacs * (rows + cols));
        }

        var best = new SgemmSplit(1, ByRows: true, rowTiles);
        long bestCost = Cost(rowTiles, colTiles);
        for (int parts = 2; parts <= threads; parts++)
        {
            if (parts <= rowTiles)
            {
                long cost = Cost((rowTiles + parts - 1) / parts, colTiles) + ForkJoinCostInMacs;
                if (cost < bestCost) (best, bestCost) = (new SgemmSplit(parts, ByRows: true, rowTiles), cost);
            }
            if (parts <= colTiles)
            {
                long cost = Cost(rowTiles, (colTiles + parts - 1) / parts) + ForkJoinCostInMacs;
                if (cost < bestCost) (best, bestCost) = (new SgemmSplit(parts, ByRows: false, colTiles), cost);
            }
        }
        return best;
    }

    /// <summary>One GEMM call's operands; <see cref="Run"/> computes any rectangle of C.</summary>
    private readonly record struct SgemmJob(nint A, nint B, nint C, int M, int K, int N,
        bool TransA, bool TransB, bool Accumulate, SgemmKernel Kernel)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public unsafe void Run(int i0, int i1, int j0, int j1)
        {
            float* a = (float*)A, b = (float*)B, c = (float*)C;
            // Equal k-blocks (784 = 4 x 196, not 3 x 256 + 16): a short last block pays the
            // full load and store of every C tile for little work.
            int kBlocks = (K + KC - 1) / KC;
            int kcMax = (K + kBlocks - 1) / kBlocks;
            int mcMax = Math.Min(MC, RoundUp(i1 - i0, MR)), ncMax = Math.Min(NC, RoundUp(j1 - j0, NR));
            var buffers = PackBuffers.ForThisThread(mcMax * kcMax, kcMax * ncMax);
            float* ap = buffers.A, bp = buffers.B;
            float* tile = stackalloc float[MR * NR];

            for (int jc = j0; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, j1 - jc);
                for (int pc = 0; pc < K; pc += kcMax)
                {
                    int kc = Math.Min(kcMax, K - pc);
                    bool add = Accumulate || pc > 0;
                    PackB(b, TransB, K, N, pc, kc, jc, nc, bp);
                    for (int ic = i0; ic < i1; ic += MC)
                    {
                        int mc = Math.Min(MC, i1 - ic);
                        PackA(a, TransA, M, K, ic, mc, pc, kc, ap);
                        for (int jr = 0; jr < nc; jr += NR)
                        {
                            int nr = Math.Min(NR, nc - jr);
                            float* bPanel = bp + jr * kc;
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int mr = Math.Min(MR, mc - ir);
                                float* aPanel = ap + ir * kc;
                                float* ct = c + (long)(ic + ir) * N + jc + jr;
                                if (mr == MR && nr == NR)
                                    MicroKernel(Kernel, kc, aPanel, bPanel, ct, N, add);
                                else
                                {
                                    // Edge tile: the padded panels give a full tile of which
                                    // only mr x nr is real; compute into scratch and copy that.
                                    MicroKernel(Kernel, kc, aPanel, bPanel, tile, NR, add: false);
                                    StoreEdge(tile, ct, N, mr, nr, add);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void MicroKernel(SgemmKernel kernel, int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        if (kernel == SgemmKernel.Avx512) Kernel8x32Avx512(kc, a, b, c, ldc, add);
        else Kernel8x32Avx2(kc, a, b, c, ldc, add);
    }

    private static unsafe void StoreEdge(float* tile, float* c, int ldc, int mr, int nr, bool add)
    {
        for (int r = 0; r < mr; r++)
        {
            float* src = tile + r * NR, dst = c + (long)r * ldc;
            if (add)
                for (int j = 0; j < nr; j++) dst[j] += src[j];
            else
                for (int j = 0; j < nr; j++) dst[j] = src[j];
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Per-thread packing space, allocated once and grown on demand so a training loop's GEMM
    /// calls allocate nothing. Pinned (POH) arrays never move, so a pointer taken once stays
    /// valid; the pointers are rounded up to 64 bytes so no Vector512 load splits a cache line.
    /// </summary>
    private sealed unsafe class PackBuffers
    {
        [ThreadStatic] private static PackBuffers? current;

        private float[] aStore = [], bStore = [];
        public float* A { get; private set; }
        public float* B { get; private set; }

        public static PackBuffers ForThisThread(int aFloats, int bFloats)
        {
            var buffers = current ??= new PackBuffers();
            if (buffers.aStore.Length < aFloats + 16) buffers.A = Allocate(aFloats, out buffers.aStore);
            if (buffers.bStore.Length < bFloats + 16) buffers.B = Allocate(bFloats, out buffers.bStore);
            return buffers;
        }

        private static float* Allocate(int floats, out float[] store)
        {
            store = GC.AllocateUninitializedArray<float>(floats + 16, pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(store));
            return (float*)((address + 63) & ~(nint)63);
        }
    }
}
