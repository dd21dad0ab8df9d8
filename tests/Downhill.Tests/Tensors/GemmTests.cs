using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Downhill.Tests.Tensors;

public class GemmTests
{
    /// <summary>
    /// Unit roundoff u of float32 (2^-24). A length-k dot product summed in any order, with or
    /// without FMA, is within gamma_k * sum|a*b| of the exact value, gamma_k = k*u/(1-k*u)
    /// (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., section 3.1); with
    /// accumulate the old C is one more term, so the tests allow (k + 2) * u * sum|terms|.
    /// </summary>
    private const double FloatUnitRoundoff = 1.0 / (1 << 24);

    /// <summary>
    /// Unit roundoff of float64 (2^-53), used the same way for the double path; there the
    /// reference is itself a double computation, so the two errors add: 2 (k + 2) u sum|terms|.
    /// </summary>
    private const double DoubleUnitRoundoff = 1.0 / (1L << 53);

    private const float Guard = -12345.5f;

    /// <summary>
    /// (m, k, n): empty and 1-sized, sizes around the register tile (8 x 32) and the vector
    /// width (16), non-square training-like shapes, k past one KC block (256), m past one MC
    /// block (256) and n past one NC block (2048). With 2 threads, (129, 129, 129) and
    /// (257, 260, 33) are split by rows and (33, 784, 128) by columns.
    /// </summary>
    private static readonly (int M, int K, int N)[] Shapes =
    [
        (0, 0, 0), (0, 5, 3), (3, 0, 4), (4, 5, 0), (1, 1, 1), (2, 2, 2), (7, 7, 7),
        (15, 15, 15), (16, 16, 16), (17, 17, 17), (31, 31, 31), (63, 63, 63), (64, 64, 64),
        (65, 65, 65), (129, 129, 129), (257, 260, 33),
        (7, 129, 65), (257, 3, 1), (1, 784, 10), (33, 784, 128), (3, 5, 2081), (2, 3, 40),
    ];

    public static TheoryData<int, int, int, bool, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool, bool, bool>();
        foreach (var (m, k, n) in Shapes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (bool accumulate in new[] { false, true })
                        data.Add(m, k, n, transA, transB, accumulate);
        return data;
    }

    /// <summary>Every kernel this CPU can run; the portable loop ignores the thread count, so it runs at 1 only.</summary>
    private static IEnumerable<GemmKernel> KernelsFor(int threads) =>
        SupportedKernels().Where(kernel => threads == 1 || kernel != GemmKernel.Portable);

    private static IEnumerable<GemmKernel> SupportedKernels()
    {
        yield return GemmKernel.Portable;
        if (Avx2.IsSupported && Fma.IsSupported) yield return GemmKernel.Avx2;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported) yield return GemmKernel.Avx512;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_matches_double_reference_on_every_kernel_and_thread_count(
        int m, int k, int n, bool transA, bool transB, bool accumulate)
    {
        var rng = new Random(HashCode.Combine(m, k, n, transA, transB, accumulate) & 0x7fffffff);
        float[] a = RandomFloats(rng, m * k), b = RandomFloats(rng, k * n), c0 = RandomFloats(rng, m * n);
        var (expected, bound) = DoubleReference(a, b, c0, m, k, n, transA, transB, accumulate);

        int saved = Parallelism.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Parallelism.Threads = threads;
                foreach (var kernel in KernelsFor(threads))
                {
                    var c = WithGuard(c0);
                    Gemm.Packed<float>(a, b, c, m, k, n, transA, transB, accumulate, kernel);
                    AssertClose(expected, bound, c, (k + 2) * FloatUnitRoundoff, $"{kernel}, {threads} threads");
                }
                var viaMultiply = WithGuard(c0);
                Gemm.Multiply<float>(a, b, viaMultiply, m, k, n, transA, transB, accumulate);
                AssertClose(expected, bound, viaMultiply, (k + 2) * FloatUnitRoundoff, $"Multiply<float>, {threads} threads");
            }
        }
        finally
        {
            Parallelism.Threads = saved;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_matches_naive_loop_on_every_kernel_and_thread_count(
        int m, int k, int n, bool transA, bool transB, bool accumulate)
    {
        var rng = new Random(HashCode.Combine(n, k, m, transA, transB, accumulate) & 0x7fffffff);
        double[] a = RandomDoubles(rng, m * k), b = RandomDoubles(rng, k * n), c0 = RandomDoubles(rng, m * n);
        var (expected, bound) = DoubleReference(a, b, c0, m, k, n, transA, transB, accumulate);

        int saved = Parallelism.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Parallelism.Threads = threads;
                foreach (var kernel in KernelsFor(threads))
                {
                    var c = WithGuard(c0);
                    Gemm.Packed<double>(a, b, c, m, k, n, transA, transB, accumulate, kernel);
                    AssertClose(expected, bound, c, 2 * (k + 2) * DoubleUnitRoundoff, $"{kernel}, {threads} threads");
                }
                var viaMultiply = WithGuard(c0);
                Gemm.Multiply<double>(a, b, viaMultiply, m, k, n, transA, transB, accumulate);
                AssertClose(expected, bound, viaMultiply, 2 * (k + 2) * DoubleUnitRoundoff, $"Multiply<double>, {threads} threads");
            }
        }
        finally
        {
            Parallelism.Threads = saved;
        }
    }

    [Theory]
    [InlineData(32, 128, 10, 2, 1)]     // 82 kFLOP: a fork/join would cost more than the work
    [InlineData(1, 784, 10, 2, 1)]      // one row, one column tile: nothing to split
    [InlineData(1024, 1024, 1024, 2, 2)]
    [InlineData(32, 784, 128, 2, 2)]    // the MNIST forward pass: 6.4 MFLOP is worth two threads
    [InlineData(1024, 1024, 1024, 1, 1)]
    public void Split_uses_threads_only_when_the_work_pays_for_them(int m, int k, int n, int threads, int expectedParts) =>
        Assert.Equal(expectedParts, Gemm.PlanSplit(m, k, n, nr: 32, threads).Parts);

    [Fact]
    public void Split_divides_the_side_whose_strips_repack_less()
    {
        // dX = dY W^T at batch 32: 4 row tiles by 25 column tiles. Row strips would each pack
        // all 128x784 of W; column strips each pack only the 32x128 dY.
        var split = Gemm.PlanSplit(32, 128, 784, nr: 32, threads: 2);
        Assert.Equal(new Gemm.GemmSplit(2, ByRows: false, Tiles: 25), split);
    }

    /// <summary>
    /// The exact product of the stored values, in double (the naive loop), and per element
    /// sum|terms|, the scale of the worst-case rounding error.
    /// </summary>
    private static (double[] Expected, double[] Bound) DoubleReference<T>(T[] a, T[] b, T[] c0,
        int m, int k, int n, bool transA, bool transB, bool accumulate) where T : IConvertible
    {
        double[] ad = Array.ConvertAll(a, x => x.ToDouble(null)), bd = Array.ConvertAll(b, x => x.ToDouble(null));
        double[] expected = Array.ConvertAll(c0, x => x.ToDouble(null));
        Gemm.Naive<double>(ad, bd, expected, m, k, n, transA, transB, accumulate);

        double[] absA = Array.ConvertAll(ad, Math.Abs), absB = Array.ConvertAll(bd, Math.Abs);
        double[] bound = accumulate ? Array.ConvertAll(c0, x => Math.Abs(x.ToDouble(null))) : new double[m * n];
        Gemm.Naive<double>(absA, absB, bound, m, k, n, transA, transB, accumulate: true);
        return (expected, bound);
    }

    private static void AssertClose<T>(double[] expected, double[] bound, T[] actual, double relative, string what)
        where T : IConvertible
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = relative * bound[i], value = actual[i].ToDouble(null);
            Assert.True(Math.Abs(value - expected[i]) <= tolerance,
                $"{what}: C[{i}] = {value}, reference {expected[i]} (tolerance {tolerance:G3})");
        }
        for (int i = expected.Length; i < actual.Length; i++)
            Assert.True(actual[i].ToDouble(null) == Guard, $"{what}: wrote past the end of C at {i}");
    }

    /// <summary>A copy of C followed by sentinel values that no product may overwrite.</summary>
    private static T[] WithGuard<T>(T[] c0) where T : System.Numerics.INumber<T>
    {
        var c = new T[c0.Length + 33];
        c0.CopyTo(c, 0);
        c.AsSpan(c0.Length).Fill(T.CreateChecked(Guard));
        return c;
    }

    private static float[] RandomFloats(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static double[] RandomDoubles(Random rng, int count)
    {
        var x = new double[count];
        for (int i = 0; i < count; i++) x[i] = rng.NextDouble() * 2 - 1;
        return x;
    }
}
