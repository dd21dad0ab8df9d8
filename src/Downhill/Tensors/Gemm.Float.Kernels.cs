using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Downhill;

internal static partial class Gemm
{
    /// <summary>
    /// C[8,32] (+)= Apanel * Bpanel over kc steps with the whole tile in 16 zmm accumulators.
    /// Each step: two vector loads of B, eight broadcasts of A, sixteen FMAs. Sixteen
    /// independent chains cover the FMA latency (4 cycles x 2 pipes) with room to spare, and
    /// eight rows match the training batch sizes (32, 64, 128) with no wasted rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel8x32Avx512(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;

        for (int p = 0; p < kc; p++, a += MR, b += NR)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
        }

        StoreRow512(c, c00, c01, add);
        StoreRow512(c + ldc, c10, c11, add);
        StoreRow512(c + 2L * ldc, c20, c21, add);
        StoreRow512(c + 3L * ldc, c30, c31, add);
        StoreRow512(c + 4L * ldc, c40, c41, add);
        StoreRow512(c + 5L * ldc, c50, c51, add);
        StoreRow512(c + 6L * ldc, c60, c61, add);
        StoreRow512(c + 7L * ldc, c70, c71, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow512(float* c, Vector512<float> v0, Vector512<float> v1, bool add)
    {
        if (add)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
        }
        Vector512.Store(v0, c);
        Vector512.Store(v1, c + 16);
    }

    /// <summary>
    /// The same 8x32 tile with 256-bit vectors: 16 ymm registers cannot hold 8x32, so the tile
    /// is done as four 8x8 column strips (8 accumulators each), re-reading the A panel from L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel8x32Avx2(int kc, float* a, float* b, float* c, int ldc, bool add)
    {
        for (int strip = 0; strip < NR; strip += 8)
        {
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
            Vector256<float> c4 = default, c5 = default, c6 = default, c7 = default;
            float* ap = a, bp = b + strip;
            for (int p = 0; p < kc; p++, ap += MR, bp += NR)
            {
                var bv = Vector256.Load(bp);
                c0 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[0]), bv, c0);
                c1 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[1]), bv, c1);
                c2 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[2]), bv, c2);
                c3 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[3]), bv, c3);
                c4 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[4]), bv, c4);
                c5 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[5]), bv, c5);
                c6 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[6]), bv, c6);
                c7 = Vector256.FusedMultiplyAdd(Vector256.Create(ap[7]), bv, c7);
            }
            float* cs = c + strip;
            StoreRow256(cs, c0, add);
            StoreRow256(cs + ldc, c1, add);
            StoreRow256(cs + 2L * ldc, c2, add);
            StoreRow256(cs + 3L * ldc, c3, add);
            StoreRow256(cs + 4L * ldc, c4, add);
            StoreRow256(cs + 5L * ldc, c5, add);
            StoreRow256(cs + 6L * ldc, c6, add);
            StoreRow256(cs + 7L * ldc, c7, add);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreRow256(float* c, Vector256<float> v, bool add)
    {
        if (add) v += Vector256.Load(c);
        Vector256.Store(v, c);
    }
}
