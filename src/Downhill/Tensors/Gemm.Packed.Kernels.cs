using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Downhill;

internal static partial class Gemm
{
    /// <summary>
    /// C[8, NR] (+)= Apanel * Bpanel over kc steps (B rows <paramref name="ldb"/> apart: NR when
    /// packed, n when read in place) with the whole tile in 16 zmm accumulators
    /// (NR = 32 floats or 16 doubles). Each step: two vector loads of B, eight broadcasts of A,
    /// sixteen FMAs. Sixteen independent chains cover the FMA latency (4 cycles x 2 pipes) with
    /// room to spare, and eight rows match the training batch sizes (32, 64, 128) with no wasted
    /// rows. The JIT keeps all 16 accumulators in registers (checked with DOTNET_JitDisasm).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void KernelAvx512<T>(int kc, T* a, T* b, int ldb, T* c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<T> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default;

        for (int p = 0; p < kc; p++, a += MR, b += ldb)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            var ai = Vector512.Create(a[0]);
            c00 = MulAdd(ai, b0, c00);
            c01 = MulAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = MulAdd(ai, b0, c10);
            c11 = MulAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = MulAdd(ai, b0, c20);
            c21 = MulAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = MulAdd(ai, b0, c30);
            c31 = MulAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = MulAdd(ai, b0, c40);
            c41 = MulAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = MulAdd(ai, b0, c50);
            c51 = MulAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]);
            c60 = MulAdd(ai, b0, c60);
            c61 = MulAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]);
            c70 = MulAdd(ai, b0, c70);
            c71 = MulAdd(ai, b1, c71);
        }

        StoreRow(c, w, c00, c01, add);
        StoreRow(c + ldc, w, c10, c11, add);
        StoreRow(c + 2L * ldc, w, c20, c21, add);
        StoreRow(c + 3L * ldc, w, c30, c31, add);
        StoreRow(c + 4L * ldc, w, c40, c41, add);
        StoreRow(c + 5L * ldc, w, c50, c51, add);
        StoreRow(c + 6L * ldc, w, c60, c61, add);
        StoreRow(c + 7L * ldc, w, c70, c71, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow<T>(T* c, int w, Vector512<T> v0, Vector512<T> v1, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (add)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + w);
        }
        Vector512.Store(v0, c);
        Vector512.Store(v1, c + w);
    }

    /// <summary>
    /// The same 8 x NR tile with 256-bit vectors: 16 ymm registers cannot hold it, so it is done
    /// as four column strips of one Vector256 (8 accumulators each), re-reading A from L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void KernelAvx2<T>(int kc, T* a, T* b, int ldb, T* c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector256<T>.Count, nr = NR<T>();
        for (int strip = 0; strip < nr; strip += w)
        {
            Vector256<T> c0 = default, c1 = default, c2 = default, c3 = default;
            Vector256<T> c4 = default, c5 = default, c6 = default, c7 = default;
            T* ap = a, bp = b + strip;
            for (int p = 0; p < kc; p++, ap += MR, bp += ldb)
            {
                var bv = Vector256.Load(bp);
                c0 = MulAdd(Vector256.Create(ap[0]), bv, c0);
                c1 = MulAdd(Vector256.Create(ap[1]), bv, c1);
                c2 = MulAdd(Vector256.Create(ap[2]), bv, c2);
                c3 = MulAdd(Vector256.Create(ap[3]), bv, c3);
                c4 = MulAdd(Vector256.Create(ap[4]), bv, c4);
                c5 = MulAdd(Vector256.Create(ap[5]), bv, c5);
                c6 = MulAdd(Vector256.Create(ap[6]), bv, c6);
                c7 = MulAdd(Vector256.Create(ap[7]), bv, c7);
            }
            T* cs = c + strip;
            StoreRow(cs, c0, add);
            StoreRow(cs + ldc, c1, add);
            StoreRow(cs + 2L * ldc, c2, add);
            StoreRow(cs + 3L * ldc, c3, add);
            StoreRow(cs + 4L * ldc, c4, add);
            StoreRow(cs + 5L * ldc, c5, add);
            StoreRow(cs + 6L * ldc, c6, add);
            StoreRow(cs + 7L * ldc, c7, add);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow<T>(T* c, Vector256<T> v, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (add) v += Vector256.Load(c);
        Vector256.Store(v, c);
    }

    // NOTE: FusedMultiplyAdd has float and double overloads only; the typeof test is folded
    // by the JIT for each T, leaving a single vfmadd instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MulAdd<T>(Vector512<T> x, Vector512<T> y, Vector512<T> acc) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> MulAdd<T>(Vector256<T> x, Vector256<T> y, Vector256<T> acc) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
}
