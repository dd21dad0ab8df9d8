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
    /// block (256) and n past one NC block (2048); the narrow products of small layers and
    /// linear models (n = 16, 10, 4, 1), one large enough to be split across threads. With 2 threads, (129, 129, 129) and
    /// (257, 260, 33) are split by rows and (33, 784, 128) by columns. Then sizes around the
    /// 6 x 16 and 6 x 8 tiles of the 256- and 128-bit kernels (and an MC block of 252 rows),
    /// the im2col products of small convolutions (28 x 28 positions by a 3 x 3 kernel into 8
    /// channels; 24 x 24 by 3 x 3 x 8 into 16), and tall and wide skinny products.
    /// </summary>
    private static readonly (int M, int K, int N)[] Shapes =
    [
        (0, 0, 0), (0, 5, 3), (3, 0, 4), (4, 5, 0), (1, 1, 1), (2, 2, 2), (7, 7, 7),
        (15, 15, 15), (16, 16, 16), (17, 17, 17), (31, 31, 31), (63, 63, 63), (64, 64, 64),
        (65, 65, 65), (129, 129, 129), (257, 260, 33),
        (7, 129, 65), (257, 3, 1), (1, 784, 10), (33, 784, 128), (3, 5, 2081), (2, 3, 40),
        (33, 784, 16), (785, 33, 16), (32, 16, 10), (20, 32, 1), (100, 3, 9), (1100, 1000, 4),
        (6, 17, 16), (12, 9, 8), (13, 33, 17), (253, 20, 24),
        (784, 9, 8), (576, 72, 16), (4000, 3, 2), (2, 3, 3000),
    ];

    public static TheoryData<int, int, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (var (m, k, n) in Shapes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    data.Add(m, k, n, transA, transB);
        return data;
    }

    /// <summary>Every kernel this CPU can run; the portable loop ignores the thread count, so it runs at 1 only.</summary>
    private static IEnumerable<GemmKernel> KernelsFor(int threads) =>
        SupportedKernels().Where(kernel => threads == 1 || kernel != GemmKernel.Portable);

    private static IEnumerable<GemmKernel> SupportedKernels() => Enum.GetValues<GemmKernel>().Where(Gemm.IsSupported);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float_matches_double_reference_on_every_kernel_and_thread_count(int m, int k, int n, bool transA, bool transB) =>
        CheckEveryKernel<float>(m, k, n, transA, transB, (k + 2) * FloatUnitRoundoff);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Double_matches_naive_loop_on_every_kernel_and_thread_count(int m, int k, int n, bool transA, bool transB) =>
        CheckEveryKernel<double>(m, k, n, transA, transB, 2 * (k + 2) * DoubleUnitRoundoff);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Shares_of_a_product_give_the_bits_of_the_whole_product(int m, int k, int n, bool transA, bool transB)
    {
        // Exact equality: every element is computed by the same k-loop in the same register
        // tile whichever strip it falls in, so no rounding may differ.
        SharesEqualWhole<float>(m, k, n, transA, transB);
        SharesEqualWhole<double>(m, k, n, transA, transB);
    }

    private static void SharesEqualWhole<T>(int m, int k, int n, bool transA, bool transB)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Random(((m * 1009 + k) * 1009 + n) * 4 + (transA ? 2 : 0) + (transB ? 1 : 0));
        T[] a = RandomValues<T>(rng, m * k), b = RandomValues<T>(rng, k * n), c0 = RandomValues<T>(rng, m * n);
        foreach (bool accumulate in new[] { false, true })
        {
            var whole = (T[])c0.Clone();
            Gemm.Multiply<T>(a, b, whole, m, k, n, transA, transB, accumulate, threads: 1);
            foreach (int shares in new[] { 2, 3, 5 })
            {
                var shared = (T[])c0.Clone();
                for (int share = shares - 1; share >= 0; share--)
                    Gemm.MultiplyShare<T>(a, b, shared, m, k, n, transA, transB, accumulate, share, shares);
                Assert.True(whole.AsSpan().SequenceEqual(shared), $"{typeof(T).Name}, {shares} shares, accumulate {accumulate}");
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("512")]
    [InlineData("256")]
    [InlineData(" 128 ")]
    public void Width_setting_caps_the_kernel_at_that_many_bits(string? setting)
    {
        var kernel = Gemm.WidestKernel(setting);
        int cap = string.IsNullOrWhiteSpace(setting) ? 512 : int.Parse(setting.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        int bits = Gemm.Bits(kernel);
        Assert.True(bits <= cap, $"{kernel} for a cap of {cap} bits");
        Assert.True(Gemm.IsSupported(kernel));
        // The widest supported kernel within the cap, not merely some kernel within it.
        var wider = Enum.GetValues<GemmKernel>().Where(Gemm.IsSupported)
            .Where(k => Gemm.Bits(k) > bits && Gemm.Bits(k) <= cap);
        Assert.Empty(wider);
    }

    [Theory]
    [InlineData("64")]
    [InlineData("avx2")]
    [InlineData("1024")]
    public void Width_setting_other_than_128_256_512_is_refused_by_name(string setting)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Gemm.WidestKernel(setting));
        Assert.Contains("DOWNHILL_VECTOR_WIDTH", error.Message);
        Assert.Contains($"\"{setting}\"", error.Message);
        Assert.Contains("128, 256 or 512", error.Message);
    }

    [Fact]
    public void Small_integer_product_is_exact()
    {
        // [[1,2,3],[4,5,6]] * [[7,8],[9,10],[11,12]] = [[58,64],[139,154]], by hand.
        float[] a = [1, 2, 3, 4, 5, 6], b = [7, 8, 9, 10, 11, 12];
        foreach (var kernel in SupportedKernels())
        {
            var c = new float[4];
            Gemm.Packed<float>(a, b, c, 2, 3, 2, transA: false, transB: false, accumulate: false, kernel, threads: 1);
            Assert.Equal([58f, 64f, 139f, 154f], c);
            Gemm.Packed<float>(a, b, c, 2, 3, 2, transA: false, transB: false, accumulate: true, kernel, threads: 1);
            Assert.Equal([116f, 128f, 278f, 308f], c);
        }
    }

    [Theory]
    [InlineData(32, 128, 10, 2, 1)]     // 82 kFLOP: a fork/join would cost more than the work
    [InlineData(1, 784, 10, 2, 1)]      // one row, one column tile: nothing to split
    [InlineData(1024, 1024, 1024, 2, 2)]
    [InlineData(32, 784, 128, 2, 2)]    // the MNIST forward pass: 6.4 MFLOP is worth two threads
    [InlineData(1024, 1024, 1024, 1, 1)]
    public void Split_uses_threads_only_when_the_work_pays_for_them(int m, int k, int n, int threads, int expectedParts) =>
        Assert.Equal(expectedParts, Gemm.PlanSplit(m, k, n, mr: 8, nr: 32, threads).Parts);

    [Fact]
    public void Split_divides_the_side_whose_strips_repack_less()
    {
        // dX = dY W^T at batch 32: 4 row tiles by 25 column tiles. Row strips would each pack
        // all 128x784 of W; column strips each pack only the 32x128 dY.
        var split = Gemm.PlanSplit(32, 128, 784, mr: 8, nr: 32, threads: 2);
        Assert.Equal(new Gemm.GemmSplit(2, ByRows: false, Tiles: 25), split);
    }

    /// <summary>
    /// Runs C = op(A) op(B) and C += op(A) op(B) on every kernel at 1 and 2 threads, and through
    /// Multiply, against the naive loop in double on the same stored values. The allowed error
    /// of each element is <paramref name="relativeTolerance"/> times sum|terms| (the sum of
    /// |a*b| over k, plus |C| when accumulating), the scale of the worst-case rounding error.
    /// </summary>
    private static void CheckEveryKernel<T>(int m, int k, int n, bool transA, bool transB, double relativeTolerance)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>, IConvertible
    {
        // A fixed seed per case (HashCode.Combine is randomized per process).
        var rng = new Random(((m * 1009 + k) * 1009 + n) * 4 + (transA ? 2 : 0) + (transB ? 1 : 0) + typeof(T).Name.Length);
        T[] a = RandomValues<T>(rng, m * k), b = RandomValues<T>(rng, k * n), c0 = RandomValues<T>(rng, m * n);
        double[] ad = Array.ConvertAll(a, x => x.ToDouble(null)), bd = Array.ConvertAll(b, x => x.ToDouble(null));
        double[] product = new double[m * n], sumAbs = new double[m * n];
        Gemm.Naive<double>(ad, bd, product, m, k, n, transA, transB, accumulate: false);
        Gemm.Naive<double>(Array.ConvertAll(ad, Math.Abs), Array.ConvertAll(bd, Math.Abs), sumAbs, m, k, n, transA, transB, accumulate: false);

        // The thread count goes in as an argument, not through Parallelism.Threads: test
        // classes run in parallel, and a changed global would leak into the others.
        foreach (bool accumulate in new[] { false, true })
        {
            double[] expected = new double[m * n], bound = new double[m * n];
            for (int i = 0; i < m * n; i++)
            {
                double old = c0[i].ToDouble(null);
                expected[i] = accumulate ? old + product[i] : product[i];
                bound[i] = accumulate ? Math.Abs(old) + sumAbs[i] : sumAbs[i];
            }
            foreach (int threads in new[] { 1, 2 })
            {
                string context = $"accumulate {accumulate}, {threads} threads";
                foreach (var kernel in KernelsFor(threads))
                {
                    var c = WithGuard(c0);
                    Gemm.Packed<T>(a, b, c, m, k, n, transA, transB, accumulate, kernel, threads);
                    AssertClose(expected, bound, c, relativeTolerance, $"{kernel}, {context}");
                }
                var viaMultiply = WithGuard(c0);
                Gemm.Multiply<T>(a, b, viaMultiply, m, k, n, transA, transB, accumulate, threads);
                AssertClose(expected, bound, viaMultiply, relativeTolerance, $"Multiply<{typeof(T).Name}>, {context}");
            }
        }
    }

    private static void AssertClose<T>(double[] expected, double[] bound, T[] actual, double relative, string what)
        where T : IConvertible
    {
        // The message is built only on failure: formatting it for every element would cost
        // more than the products being checked.
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = relative * bound[i], value = actual[i].ToDouble(null);
            if (!(Math.Abs(value - expected[i]) <= tolerance))
                Assert.Fail($"{what}: C[{i}] = {value}, reference {expected[i]} (tolerance {tolerance:G3})");
        }
        for (int i = expected.Length; i < actual.Length; i++)
            if (actual[i].ToDouble(null) != Guard)
                Assert.Fail($"{what}: wrote past the end of C at {i}");
    }

    /// <summary>A copy of C followed by sentinel values that no product may overwrite.</summary>
    private static T[] WithGuard<T>(T[] c0) where T : System.Numerics.INumber<T>
    {
        var c = new T[c0.Length + 33];
        c0.CopyTo(c, 0);
        c.AsSpan(c0.Length).Fill(T.CreateChecked(Guard));
        return c;
    }

    private static T[] RandomValues<T>(Random rng, int count) where T : System.Numerics.INumber<T>
    {
        var x = new T[count];
        for (int i = 0; i < count; i++) x[i] = T.CreateChecked(rng.NextDouble() * 2 - 1);
        return x;
    }
}
