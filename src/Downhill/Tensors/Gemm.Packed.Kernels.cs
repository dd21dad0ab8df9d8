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

        for (int p = 0; p < kc; p++, a += 8, b += ldb)
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
    /// C[6, 2w] (+)= Apanel * Bpanel over kc steps with w-lane vectors of <typeparamref name="TLanes"/>
    /// (Vector256 for AVX2, Vector128 for NEON and SSE): 12 accumulators, two B vectors and one
    /// broadcast of A make 15 registers, inside the 16 that AVX2 and SSE have. Each step: two
    /// vector loads of B, six broadcasts of A, twelve FMAs; twelve independent chains cover the
    /// FMA latency (Zen 2: 5 cycles x 2 pipes = 10 in flight). The 8 x w tile that the AVX-512
    /// shape gives with 16 registers has one load per FMA, one too many for two load ports to
    /// feed two FMA pipes; here it is 8 loads to 12 FMAs.
    /// </summary>
    /// <remarks>
    /// A's value for row r and step p is at <c>a + r*aRow + p*aStep</c>: (1, 6) for a packed
    /// panel, (k, 1) for an A read in place, (1, m) for a transposed A read in place.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void KernelSixRows<T, TVector, TLanes>(int kc, T* a, nint aRow, nint aStep, T* b, int ldb, T* c, int ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : struct
        where TLanes : ILanes<T, TVector>
    {
        int w = TLanes.Count;
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        TVector c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint a2 = 2 * aRow, a3 = 3 * aRow, a4 = 4 * aRow, a5 = 5 * aRow;
        for (int p = 0; p < kc; p++, a += aStep, b += ldb)
        {
            var b0 = TLanes.Load(b);
            var b1 = TLanes.Load(b + w);
            var ai = TLanes.Broadcast(a[0]);
            c00 = TLanes.MulAdd(ai, b0, c00);
            c01 = TLanes.MulAdd(ai, b1, c01);
            ai = TLanes.Broadcast(a[aRow]);
            c10 = TLanes.MulAdd(ai, b0, c10);
            c11 = TLanes.MulAdd(ai, b1, c11);
            ai = TLanes.Broadcast(a[a2]);
            c20 = TLanes.MulAdd(ai, b0, c20);
            c21 = TLanes.MulAdd(ai, b1, c21);
            ai = TLanes.Broadcast(a[a3]);
            c30 = TLanes.MulAdd(ai, b0, c30);
            c31 = TLanes.MulAdd(ai, b1, c31);
            ai = TLanes.Broadcast(a[a4]);
            c40 = TLanes.MulAdd(ai, b0, c40);
            c41 = TLanes.MulAdd(ai, b1, c41);
            ai = TLanes.Broadcast(a[a5]);
            c50 = TLanes.MulAdd(ai, b0, c50);
            c51 = TLanes.MulAdd(ai, b1, c51);
        }
        TLanes.Store(c, c00, add);
        TLanes.Store(c + w, c01, add);
        TLanes.Store(c + ldc, c10, add);
        TLanes.Store(c + ldc + w, c11, add);
        TLanes.Store(c + 2L * ldc, c20, add);
        TLanes.Store(c + 2L * ldc + w, c21, add);
        TLanes.Store(c + 3L * ldc, c30, add);
        TLanes.Store(c + 3L * ldc + w, c31, add);
        TLanes.Store(c + 4L * ldc, c40, add);
        TLanes.Store(c + 4L * ldc + w, c41, add);
        TLanes.Store(c + 5L * ldc, c50, add);
        TLanes.Store(c + 5L * ldc + w, c51, add);
    }

    // NOTE: FusedMultiplyAdd has float and double overloads only; the typeof test is folded
    // by the JIT for each T, leaving a single vfmadd instruction.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> MulAdd<T>(Vector512<T> x, Vector512<T> y, Vector512<T> acc) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();

}

/// <summary>
/// The vector operations of the six-row GEMM kernel for one vector type, so one kernel body
/// serves every width: the JIT compiles it once per struct implementation, with the calls inlined.
/// </summary>
internal unsafe interface ILanes<T, TVector> where T : unmanaged where TVector : struct
{
    /// <summary>Values of T per vector.</summary>
    static abstract int Count { get; }
    /// <summary>A vector from <paramref name="source"/> (no alignment needed).</summary>
    static abstract TVector Load(T* source);
    /// <summary>A vector with <paramref name="value"/> in every lane.</summary>
    static abstract TVector Broadcast(T value);
    /// <summary>x * y + acc, fused where the CPU fuses it.</summary>
    static abstract TVector MulAdd(TVector x, TVector y, TVector acc);
    /// <summary>Writes <paramref name="value"/> to <paramref name="target"/>, added to what is there when <paramref name="add"/>.</summary>
    static abstract void Store(T* target, TVector value, bool add);
}

/// <summary>Vector256 lanes for AVX2 with FMA.</summary>
internal readonly unsafe struct Lanes256<T> : ILanes<T, Vector256<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int Count => Vector256<T>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* source) => Vector256.Load(source);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    // NOTE: FusedMultiplyAdd has float and double overloads only; the typeof test is folded
    // by the JIT for each T, leaving a single vfmadd instruction.
    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MulAdd(Vector256<T> x, Vector256<T> y, Vector256<T> acc) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* target, Vector256<T> value, bool add)
    {
        if (add) value += Vector256.Load(target);
        Vector256.Store(value, target);
    }
}

/// <summary>
/// Vector128 lanes: NEON on ARM64, SSE on x64 without AVX2. Fused multiply-add where the CPU
/// has it in hardware (ARM64, x64 with FMA); elsewhere a multiply then an add, as the software
/// fallback of a fused one costs a call per lane.
/// </summary>
internal readonly unsafe struct Lanes128<T> : ILanes<T, Vector128<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static int Count => Vector128<T>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(T* source) => Vector128.Load(source);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MulAdd(Vector128<T> x, Vector128<T> y, Vector128<T> acc) =>
        !(System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) ? x * y + acc
        : typeof(T) == typeof(float)
            ? Vector128.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>()
            : Vector128.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* target, Vector128<T> value, bool add)
    {
        if (add) value += Vector128.Load(target);
        Vector128.Store(value, target);
    }
}
