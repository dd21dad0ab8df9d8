using Downhill.Analysis;
using Downhill.Analysis.LinearAlgebra;

namespace Downhill.Tests.Analysis;

public sealed class LinearLeastSquaresTests
{
    private static (double[] X, double[] Y) Data(int rows, double[] weights, double[] biases, double noise, int seed,
        Func<int, int, double>? feature = null)
    {
        int m = biases.Length, p = weights.Length / m;
        var random = new Random(seed);
        var x = new double[rows * p];
        var y = new double[rows * m];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < p; j++) x[i * p + j] = feature?.Invoke(i, j) ?? random.NextDouble() * 4 - 2;
            for (int o = 0; o < m; o++)
            {
                double v = biases[o] + noise * (random.NextDouble() - 0.5);
                for (int j = 0; j < p; j++) v += weights[o * p + j] * x[i * p + j];
                y[i * m + o] = v;
            }
        }
        return (x, y);
    }

    /// <summary>
    /// The least-squares optimality conditions, independent of how the fit was computed: the
    /// residuals sum to zero (with an intercept) and are orthogonal to every feature column.
    /// </summary>
    private static void AssertNormalEquationsHold(double[] x, double[] y, LinearLeastSquaresResult fit, double tolerance)
    {
        int p = fit.Features, m = fit.Outputs, rows = fit.Rows;
        var prediction = new double[rows * m];
        fit.Predict(x, prediction);
        for (int o = 0; o < m; o++)
        {
            double sum = 0, rss = 0, scale = 0;
            var dot = new double[p];
            for (int i = 0; i < rows; i++)
            {
                double r = y[i * m + o] - prediction[i * m + o];
                sum += r;
                rss += r * r;
                scale += y[i * m + o] * y[i * m + o];
                for (int j = 0; j < p; j++) dot[j] += r * x[i * p + j];
            }
            double bound = tolerance * Math.Sqrt(scale * rows);
            Assert.True(Math.Abs(sum) <= bound, $"output {o}: residuals sum to {sum}");
            for (int j = 0; j < p; j++) Assert.True(Math.Abs(dot[j]) <= bound * 4, $"output {o}: residuals · x{j} = {dot[j]}");
            Assert.Equal(rss, fit.ResidualSumOfSquares[o], 1e-9 * Math.Max(rss, 1e-300));
        }
    }

    /// <summary>
    /// Float32 input is widened to double exactly, block by block, so every solver path must
    /// give the same bits as the double overload on the widened arrays.
    /// </summary>
    [Theory]
    [InlineData("noisy", LinearSolver.NormalEquations)]
    [InlineData("exact", LinearSolver.NormalEquations)]
    [InlineData("collinear", LinearSolver.HouseholderQr)]
    [InlineData("constant", LinearSolver.NormalEquations)]
    public void Float_input_gives_the_same_bits_as_the_widened_double_input(string data, LinearSolver expected)
    {
        const int Rows = 3000, P = 4;
        var random = new Random(7);
        var xf = new float[Rows * P];
        var yf = new float[Rows * 2];
        for (int i = 0; i < Rows; i++)
        {
            for (int j = 0; j < P; j++) xf[i * P + j] = (float)(random.NextDouble() * 4 - 2 + 100 * j);
            if (data == "collinear") xf[i * P + 3] = xf[i * P + 1];
            if (data == "constant") xf[i * P + 2] = 3;
            float noise = data == "exact" ? 0 : (float)(random.NextDouble() - 0.5);
            yf[i * 2] = 2 * xf[i * P] - xf[i * P + 1] + 0.5f * xf[i * P + 3] + 10 + noise;
            yf[i * 2 + 1] = -xf[i * P + 2] + noise;
        }
        var xd = Array.ConvertAll(xf, v => (double)v);
        var yd = Array.ConvertAll(yf, v => (double)v);

        var fromFloats = LinearLeastSquares.Fit(xf, P, yf, outputs: 2);
        var fromDoubles = LinearLeastSquares.Fit(xd, P, yd, outputs: 2);

        Assert.Equal(expected, fromFloats.Solver);
        Assert.Equal(fromDoubles.Solver, fromFloats.Solver);
        Assert.Equal(fromDoubles.Weights, fromFloats.Weights);
        Assert.Equal(fromDoubles.Biases, fromFloats.Biases);
        Assert.Equal(fromDoubles.ResidualSumOfSquares, fromFloats.ResidualSumOfSquares);
        Assert.Equal(fromDoubles.StandardErrors, fromFloats.StandardErrors);
        Assert.Equal(fromDoubles.Rank, fromFloats.Rank);
        Assert.Equal(fromDoubles.ConstantFeatures, fromFloats.ConstantFeatures);
        AssertNormalEquationsHold(xd, yd, fromFloats, 1e-9);
    }

    [Fact]
    public void Exact_data_gives_back_the_weights_biases_and_zero_rss()
    {
        double[] w = [1.5, -2, 0.25, 4, -0.5, 3, 0, 1, 2, -1];
        double[] b = [7, -3];
        var (x, y) = Data(1000, w, b, noise: 0, seed: 1);
        LinearLeastSquaresResult fit = LinearLeastSquares.Fit(x, 5, y, outputs: 2);
        Assert.Equal(LinearSolver.NormalEquations, fit.Solver);
        Assert.False(fit.IllConditioned);
        Assert.Equal(5, fit.Rank);
        for (int k = 0; k < w.Length; k++) Assert.Equal(w[k], fit.Weights[k], 1e-12);
        for (int o = 0; o < 2; o++) Assert.Equal(b[o], fit.Biases[o], 1e-12);
        Assert.All(fit.ResidualSumOfSquares, rss => Assert.True(rss < 1e-20));
        Assert.Equal(w[5 + 2], fit.Weight(1, 2));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(257)]
    [InlineData(5003)]
    public void Noisy_data_satisfy_the_normal_equations(int rows)
    {
        var (x, y) = Data(rows, [2, -1, 0.5], [10], noise: 1, seed: rows);
        LinearLeastSquaresResult fit = LinearLeastSquares.Fit(x, 3, y.AsMemory(), fitIntercept: true);
        AssertNormalEquationsHold(x, y, fit, 1e-12);
    }

    [Fact]
    public void The_seed_line_matches_the_textbook_slope_and_intercept()
    {
        double[] x = [7, 9, 28, 30, 50, 22, 3, 23, 40];
        double[] y = [45, 47, 86.5, 89, 131, 74, 35.5, 77, 109];
        double xBar = x.Average(), yBar = y.Average();
        double slope = x.Zip(y, (a, b) => (a - xBar) * (b - yBar)).Sum() / x.Sum(a => (a - xBar) * (a - xBar));
        LinearLeastSquaresResult fit = LinearLeastSquares.Fit(x, 1, y);
        Assert.Equal(slope, fit.Weights[0], 1e-13);
        Assert.Equal(yBar - slope * xBar, fit.Biases[0], 1e-12);
        // For one feature the scaled normal matrix is [1]: perfectly conditioned.
        Assert.Equal(1, fit.ConditionNumber, 1e-15);

        int n = x.Length;
        double sxx = x.Sum(a => (a - xBar) * (a - xBar));
        double s = Math.Sqrt(fit.ResidualSumOfSquares[0] / (n - 2));
        Assert.Equal(7, fit.DegreesOfFreedom);
        Assert.Equal(s / Math.Sqrt(sxx), fit.StandardErrors[0], 1e-14);
        Assert.Equal(s * Math.Sqrt(1.0 / n + xBar * xBar / sxx), fit.BiasStandardErrors[0], 1e-13);
    }

    /// <summary>
    /// The same standard errors from the general nonlinear route: <see cref="LeastSquaresStatistics"/>
    /// on the Jacobian [X, 1] of the linear model (QR of the data, no Gram matrix, no centering).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Standard_errors_match_the_jacobian_route(bool nearlyCollinear)
    {
        var random = new Random(11);
        var (x, y) = Data(300, [1, 1, 2], [0.5], noise: 0.3, seed: 12, feature: (i, j) => j switch
        {
            0 => Math.Sin(i),
            1 => nearlyCollinear ? Math.Sin(i) + 1e-7 * (random.NextDouble() - 0.5) : Math.Cos(i),
            _ => 5 + Math.Cos(3 * i),
        });
        LinearLeastSquaresResult fit = LinearLeastSquares.Fit(x, 3, y);
        Assert.Equal(nearlyCollinear ? LinearSolver.HouseholderQr : LinearSolver.NormalEquations, fit.Solver);

        var jacobian = new double[300 * 4];
        for (int i = 0; i < 300; i++)
        {
            for (int j = 0; j < 3; j++) jacobian[i * 4 + j] = x[i * 3 + j];
            jacobian[i * 4 + 3] = 1;
        }
        LeastSquaresStatistics stats = LeastSquaresStatistics.FromJacobian(jacobian, 300, 4, fit.ResidualSumOfSquares[0]);
        // Errors of collinear weights are ~1e7 times larger and carry that many fewer digits.
        double tolerance = nearlyCollinear ? 1e-5 : 1e-10;
        for (int j = 0; j < 3; j++)
            Assert.Equal(stats.StandardErrors[j], fit.StandardErrors[j], tolerance * stats.StandardErrors[j]);
        Assert.Equal(stats.StandardErrors[3], fit.BiasStandardErrors[0], tolerance * stats.StandardErrors[3]);
    }

    [Fact]
    public void A_large_offset_in_the_features_does_not_cost_digits()
    {
        // x = 1e6 + small spread: raw sums of squares would cancel 12 of 16 digits.
        var (x, y) = Data(2000, [3, -2], [5], noise: 0, seed: 3, feature: (i, j) => 1e6 + (i * 7919 + j * 104729) % 1000 / 997.0);
        LinearLeastSquaresResult fit = LinearLeastSquares.Fit(x, 2, y);
        Assert.Equal(3, fit.Weights[0], 1e-9);
        Assert.Equal(-2, fit.Weights[1], 1e-9);
        Assert.Equal(5, fit.Biases[0], 1e-3);
    }

    [Fact]
    public void Nearly_collinear_features_are_flagged_and_solved_by_qr()
    {
        var random = new Random(5);
        var (x, y) = Data(500, [1, 1, 2], [0.5], noise: 0.01, seed: 6, feature: (i, j) => j switch
        {
            0 => Math.Sin(i),
            1 => Math.Sin(i) + 1e-7 * (random.NextDouble() - 0.5),
            _ => Math.Cos(3 * i),
        });
        LinearLeastSquaresResult fit = LinearLeastSquares.Fit(x, 3, y);
        Assert.True(fit.IllConditioned);
        Assert.True(fit.ConditionNumber > 1e10, $"condition {fit.ConditionNumber}");
        Assert.Equal(LinearSolver.HouseholderQr, fit.Solver);
        AssertNormalEquationsHold(x, y, fit, 1e-10);
    }

    [Fact]
    public void Exactly_collinear_and_constant_features_lower_the_rank_and_still_fit()
    {
        var (x, y) = Data(100, [1, 0, 0, 3], [2], noise: 0, seed: 7, feature: (i, j) => j switch
        {
            0 => i % 13,
            1 => 2 * (i % 13),
            2 => 4.5,
            _ => Math.Sqrt(i),
        });
        LinearLeastSquaresResult fit = LinearLeastSquares.Fit(x, 4, y);
        Assert.Equal(2, fit.Rank);
        Assert.Equal(2, fit.StandardErrors.Count(double.IsNaN));
        Assert.Equal(double.PositiveInfinity, fit.ConditionNumber);
        Assert.True(fit.IllConditioned);
        Assert.True(fit.ResidualSumOfSquares[0] < 1e-20, $"rss {fit.ResidualSumOfSquares[0]}");
        Assert.Equal(1, fit.Weights[0] + 2 * fit.Weights[1], 1e-12);
    }

    [Fact]
    public void Without_an_intercept_the_line_goes_through_the_origin()
    {
        double[] x = [1, 2, 3, 4];
        double[] y = [2.1, 3.9, 6.2, 7.8];
        LinearLeastSquaresResult fit = LinearLeastSquares.Fit(x, 1, y, fitIntercept: false);
        double slope = x.Zip(y, (a, b) => a * b).Sum() / x.Sum(a => a * a);
        Assert.Equal(slope, fit.Weights[0], 1e-14);
        Assert.Equal(0, fit.Biases[0]);
    }

    [Theory]
    [InlineData(1, 1, 1, false)]
    [InlineData(3, 2, 1, true)]
    [InlineData(255, 3, 2, true)]
    [InlineData(256, 4, 1, false)]
    [InlineData(2600, 5, 3, true)]
    [InlineData(9000, 7, 1, true)]
    public void Gram_kernel_matches_the_naive_sums(int rows, int p, int m, bool ones)
    {
        var random = new Random(rows + p);
        double[] x = Enumerable.Range(0, rows * p).Select(_ => random.NextDouble()).ToArray();
        double[] y = Enumerable.Range(0, rows * m).Select(_ => random.NextDouble()).ToArray();
        double[] shift = Enumerable.Range(0, p + m).Select(c => 0.1 * c).ToArray();
        double[] gram = GramMatrix.Accumulate<double>(x, p, y, m, shift, ones);

        int q = p + m + (ones ? 1 : 0);
        double Z(int i, int c) => c < p ? x[i * p + c] - shift[c] : c < p + m ? y[i * m + c - p] - shift[c] : 1;
        for (int a = 0; a < q; a++)
            for (int b = 0; b < q; b++)
            {
                double s = 0;
                for (int i = 0; i < rows; i++) s += Z(i, a) * Z(i, b);
                Assert.Equal(s, gram[a * q + b], 1e-12 * Math.Max(1, Math.Abs(s)));
            }
    }

    [Fact]
    public void Mismatched_shapes_say_what_was_expected()
    {
        var ragged = Assert.Throws<ShapeException>(() => LinearLeastSquares.Fit(new double[7], 2, new double[3]));
        Assert.Equal("x has 7 values, not a whole number of rows of 2 features: pass rows x features values, row-major", ragged.Message);
        var targets = Assert.Throws<ShapeException>(() => LinearLeastSquares.Fit(new double[8], 2, new double[3]));
        Assert.Equal("y has 3 values but x has 4 rows, which need 4 x 1 = 4 targets", targets.Message);
        var few = Assert.Throws<ArgumentException>(() => LinearLeastSquares.Fit(new double[4], 2, new double[2]));
        Assert.StartsWith("2 rows cannot determine 3 unknowns (2 weights and an intercept): give at least 3 rows.", few.Message);
        var nan = Assert.Throws<ArgumentException>(() => LinearLeastSquares.Fit(new double[] { 1, 2, double.NaN }, 1, new double[3]));
        Assert.StartsWith("x or y contains NaN or infinity", nan.Message);
    }
}
