using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Downhill.Training;

/// <summary>
/// A dense layer's products for a batch of one row (SGD at batch size 1), where the packed
/// GEMM's set-up costs more than the work. Zero inputs (half the pixels of a Fashion-MNIST
/// image) are skipped. Rounding: a separate multiply and add per term (no fused multiply-add),
/// terms added in input order.
/// </summary>
/// <remarks>
/// Why: a span helper called per input (784 times per product of a 784-input layer) costs more
/// in the call and slicing than its one or two vector operations. Here a Vector512 of outputs
/// stays in a register while p runs over the inputs (gain in bench/README.md, "Measured gains").
/// The widths follow <see cref="Gemm.VectorBits"/>, so DOWNHILL_VECTOR_WIDTH tests the narrower paths too.
/// </remarks>
internal static class OneRow
{
    /// <summary>y += Σp x[p] W[p,:] for W stored [inputs, outputs] row-major.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddWeightedRows<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outs = y.Length, inputs = x.Length;
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T yr = ref MemoryMarshal.GetReference(y);
        int j = 0;
        if (Gemm.VectorBits >= 512)
            for (; j + Vector512<T>.Count <= outs; j += Vector512<T>.Count)
            {
                var acc = Vector512.LoadUnsafe(ref yr, (nuint)j);
                for (int p = 0; p < inputs; p++)
                    if (x[p] != T.Zero) acc += Vector512.Create(x[p]) * Vector512.LoadUnsafe(ref wr, (nuint)(p * outs + j));
                acc.StoreUnsafe(ref yr, (nuint)j);
            }
        if (Gemm.VectorBits >= 256)
            for (; j + Vector256<T>.Count <= outs; j += Vector256<T>.Count)
            {
                var acc = Vector256.LoadUnsafe(ref yr, (nuint)j);
                for (int p = 0; p < inputs; p++)
                    if (x[p] != T.Zero) acc += Vector256.Create(x[p]) * Vector256.LoadUnsafe(ref wr, (nuint)(p * outs + j));
                acc.StoreUnsafe(ref yr, (nuint)j);
            }
        for (; j < outs; j++)
        {
            T acc = y[j];
            for (int p = 0; p < inputs; p++)
                if (x[p] != T.Zero) acc += x[p] * w[p * outs + j];
            y[j] = acc;
        }
    }

    /// <summary>gW[p,:] = x[p] dz, the weight gradient of one row; rows of zero inputs are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OuterProduct<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dz, Span<T> gw)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int outs = dz.Length, inputs = x.Length;
        ref T gr = ref MemoryMarshal.GetReference(gw);
        ref T dr = ref MemoryMarshal.GetReference(dz);
        int j = 0;
        if (Gemm.VectorBits >= 512)
            for (; j + Vector512<T>.Count <= outs; j += Vector512<T>.Count)
            {
                var d = Vector512.LoadUnsafe(ref dr, (nuint)j);
                for (int p = 0; p < inputs; p++)
                    (x[p] == T.Zero ? Vector512<T>.Zero : Vector512.Create(x[p]) * d).StoreUnsafe(ref gr, (nuint)(p * outs + j));
            }
        if (Gemm.VectorBits >= 256)
            for (; j + Vector256<T>.Count <= outs; j += Vector256<T>.Count)
            {
                var d = Vector256.LoadUnsafe(ref dr, (nuint)j);
                for (int p = 0; p < inputs; p++)
                    (x[p] == T.Zero ? Vector256<T>.Zero : Vector256.Create(x[p]) * d).StoreUnsafe(ref gr, (nuint)(p * outs + j));
            }
        for (; j < outs; j++)
            for (int p = 0; p < inputs; p++) gw[p * outs + j] = x[p] == T.Zero ? T.Zero : x[p] * dz[j];
    }
}
