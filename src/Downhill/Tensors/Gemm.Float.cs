namespace Downhill;

internal static partial class Gemm
{
    /// <summary>Float GEMM. Until the tuned kernel lands this is the generic vectorized loop.</summary>
    private static void Sgemm(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        int m, int k, int n, bool transA, bool transB, bool accumulate) =>
        Generic(a, b, c, m, k, n, transA, transB, accumulate);
}
