using Downhill.Analysis;

namespace Downhill.Tests.Analysis;

public sealed class LevenbergMarquardtTests
{
    /// <summary>Exact data: a converged fit matches the generating parameters to roundoff-level digits.</summary>
    private const double ExactDataTolerance = 1e-8;

    private static double[] Grid(int count, double from, double to) =>
        Enumerable.Range(0, count).Select(i => from + (to - from) * i / (count - 1)).ToArray();

    private static void AssertClose(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(actual[j] - expected[j]) <= relative * Math.Max(1, Math.Abs(expected[j])),
                $"parameter {j}: expected {expected[j]}, got {actual[j]}");
    }

    /// <summary>y = a*exp(b*x) + c.</summary>
    private static double ExponentialWithOffset(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double e = Math.Exp(b[1] * x);
        g[0] = e;
        g[1] = b[0] * x * e;
        g[2] = 1;
        return b[0] * e + b[2];
    }

    /// <summary>y = (a + b*x) / (1 + c*x).</summary>
    private static double Rational(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double denominator = 1 + b[2] * x;
        double f = (b[0] + b[1] * x) / denominator;
        g[0] = 1 / denominator;
        g[1] = x / denominator;
        g[2] = -f * x / denominator;
        return f;
    }

    /// <summary>Two Gaussian peaks: a1*exp(-((x-m1)/s1)^2) + a2*exp(-((x-m2)/s2)^2).</summary>
    private static double TwoPeaks(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double f = 0;
        for (int k = 0; k < 2; k++)
        {
            double a = b[3 * k], m = b[3 * k + 1], s = b[3 * k + 2];
            double z = (x - m) / s;
            double e = Math.Exp(-z * z);
            g[3 * k] = e;
            g[3 * k + 1] = a * e * 2 * z / s;
            g[3 * k + 2] = a * e * 2 * z * z / s;
            f += a * e;
        }
        return f;
    }

    private static (ResidualFunction F, int N) ExactProblem(CurveModel model, double[] truth, double[] x)
    {
        var g = new double[truth.Length];
        double[] y = x.Select(xi => model(xi, truth, g)).ToArray();
        return (CurveFit.Residuals(x, y, model), x.Length);
    }

    [Fact]
    public void Exponential_with_offset_is_recovered_from_exact_data()
    {
        double[] truth = [2.5, -0.8, 1.5];
        var (f, n) = ExactProblem(ExponentialWithOffset, truth, Grid(30, 0, 5));
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(f, n, [1, -0.1, 0]);
        Assert.True(result.Converged, result.Explanation);
        AssertClose(truth, result.Parameters, ExactDataTolerance);
        Assert.True(result.ResidualSumOfSquares < 1e-20);
    }

    [Fact]
    public void Rational_model_is_recovered_from_exact_data()
    {
        double[] truth = [1, 3, 0.5];
        var (f, n) = ExactProblem(Rational, truth, Grid(25, 0, 10));
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(f, n, [0.5, 1, 0.1]);
        Assert.True(result.Converged, result.Explanation);
        AssertClose(truth, result.Parameters, ExactDataTolerance);
    }

    [Fact]
    public void Two_gaussian_peaks_are_recovered_from_exact_data()
    {
        double[] truth = [3, 2, 0.7, 1.5, 5, 1.2];
        var (f, n) = ExactProblem(TwoPeaks, truth, Grid(120, -1, 8));
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(f, n, [2, 1.5, 1, 1, 5.5, 1]);
        Assert.True(result.Converged, result.Explanation);
        AssertClose(truth, result.Parameters, ExactDataTolerance);
    }

    [Fact]
    public void Rosenbrock_as_residuals_reaches_its_zero_at_one_one()
    {
        ResidualFunction rosenbrock = (t, r, j) =>
        {
            r[0] = 10 * (t[1] - t[0] * t[0]);
            r[1] = 1 - t[0];
            if (j.IsEmpty) return;
            j[0] = -20 * t[0]; j[1] = 10;
            j[2] = -1; j[3] = 0;
        };
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(rosenbrock, 2, [-1.2, 1]);
        Assert.True(result.Converged, result.Explanation);
        AssertClose([1, 1], result.Parameters, 1e-12);
        Assert.True(result.ResidualSumOfSquares < 1e-24);
    }

    /// <summary>
    /// y = a*exp(b*x) started at b = -1 while the data grow like exp(0.3 x): the residuals
    /// hardly depend on b there, so the undamped Gauss-Newton step is enormous and overflows.
    /// The trust region keeps Levenberg-Marquardt's steps short until the model is trustworthy.
    /// </summary>
    [Fact]
    public void Converges_where_plain_gauss_newton_diverges()
    {
        double[] truth = [1, 0.3];
        CurveModel model = (x, b, g) =>
        {
            double e = Math.Exp(b[1] * x);
            g[0] = e;
            g[1] = b[0] * x * e;
            return b[0] * e;
        };
        var (f, n) = ExactProblem(model, truth, Grid(21, 0, 10));
        double[] start = [1, -1];

        double gaussNewtonRss = GaussNewtonRss(f, n, start, iterations: 20);
        Assert.False(gaussNewtonRss < 1e-6, $"plain Gauss-Newton was expected to fail here but reached RSS {gaussNewtonRss}");

        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(f, n, start);
        Assert.True(result.Converged, result.Explanation);
        AssertClose(truth, result.Parameters, ExactDataTolerance);
    }

    /// <summary>Undamped Gauss-Newton for two parameters: θ -= (JᵀJ)⁻¹ Jᵀr by Cramer's rule.</summary>
    private static double GaussNewtonRss(ResidualFunction f, int n, double[] start, int iterations)
    {
        double[] t = (double[])start.Clone();
        var r = new double[n];
        var j = new double[2 * n];
        for (int k = 0; k < iterations; k++)
        {
            f(t, r, j);
            double a = 0, b = 0, c = 0, g0 = 0, g1 = 0;
            for (int i = 0; i < n; i++)
            {
                a += j[2 * i] * j[2 * i];
                b += j[2 * i] * j[2 * i + 1];
                c += j[2 * i + 1] * j[2 * i + 1];
                g0 += j[2 * i] * r[i];
                g1 += j[2 * i + 1] * r[i];
            }
            double det = a * c - b * b;
            t[0] -= (c * g0 - b * g1) / det;
            t[1] -= (a * g1 - b * g0) / det;
        }
        f(t, r, Span<double>.Empty);
        return r.Sum(v => v * v);
    }

    [Fact]
    public void Standard_errors_of_a_straight_line_equal_the_textbook_ols_formulas()
    {
        // The seed's line data, y = 2x + 30, with a little noise added so that σ > 0.
        double[] x = [7, 9, 28, 30, 50, 22, 3, 23, 40];
        double[] y = [45, 47, 86.5, 89, 131, 74, 35.5, 77, 109];
        CurveModel line = (xi, b, g) => { g[0] = xi; g[1] = 1; return b[0] * xi + b[1]; };
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(CurveFit.Residuals(x, y, line), x.Length, [1, 1]);

        int n = x.Length;
        double xBar = x.Average(), yBar = y.Average();
        double sxx = x.Sum(v => (v - xBar) * (v - xBar));
        double sxy = x.Zip(y, (a, b) => (a - xBar) * (b - yBar)).Sum();
        double slope = sxy / sxx, intercept = yBar - slope * xBar;
        double rss = x.Zip(y, (a, b) => Math.Pow(b - intercept - slope * a, 2)).Sum();
        double s = Math.Sqrt(rss / (n - 2));
        double slopeError = s / Math.Sqrt(sxx);
        double interceptError = s * Math.Sqrt(1.0 / n + xBar * xBar / sxx);

        AssertClose([slope, intercept], result.Parameters, 1e-12);
        Assert.Equal(rss, result.ResidualSumOfSquares, 1e-9 * rss);
        LeastSquaresStatistics stats = result.Statistics;
        Assert.Equal(slopeError, stats.StandardErrors[0], 1e-12 * slopeError);
        Assert.Equal(interceptError, stats.StandardErrors[1], 1e-12 * interceptError);
        Assert.Equal(s, stats.ResidualStandardDeviation, 1e-12 * s);
        Assert.Equal(7, stats.DegreesOfFreedom);
        // corr(slope, intercept) = -x̄ / sqrt(x̄² + Sxx/n) for a straight line.
        double correlation = -xBar / Math.Sqrt(xBar * xBar + sxx / n);
        Assert.Equal(correlation, stats.Correlation[1], 1e-12);
        Assert.Equal(correlation, stats.Correlation[2], 1e-12);
    }

    [Fact]
    public void Progress_reports_the_start_then_every_accepted_step_with_falling_rss()
    {
        var (f, n) = ExactProblem(Rational, [1, 3, 0.5], Grid(25, 0, 10));
        var events = new List<LevenbergMarquardtProgress>();
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(f, n, [0.5, 1, 0.1], progress: events.Add);

        Assert.Equal(result.Iterations + 1, events.Count);
        Assert.Equal(0, events[0].Iteration);
        Assert.Equal([0.5, 1, 0.1], events[0].Parameters);
        var residuals = new double[n];
        f(events[0].Parameters, residuals, Span<double>.Empty);
        Assert.Equal(residuals.Sum(v => v * v), events[0].ResidualSumOfSquares, 1e-12);
        for (int k = 1; k < events.Count; k++)
        {
            Assert.Equal(k, events[k].Iteration);
            Assert.True(events[k].ResidualSumOfSquares < events[k - 1].ResidualSumOfSquares);
        }
        Assert.Equal(result.Parameters, events[^1].Parameters);
        Assert.Equal(result.ResidualSumOfSquares, events[^1].ResidualSumOfSquares);
    }

    [Fact]
    public void Iteration_and_evaluation_limits_stop_the_run_unconverged()
    {
        var (f, n) = ExactProblem(TwoPeaks, [3, 2, 0.7, 1.5, 5, 1.2], Grid(120, -1, 8));
        double[] start = [2, 1.5, 1, 1, 5.5, 1];

        LevenbergMarquardtResult one = LevenbergMarquardt.Minimize(f, n, start, new LevenbergMarquardtOptions { MaxIterations = 1 });
        Assert.Equal(LeastSquaresStop.IterationLimit, one.StoppedBecause);
        Assert.False(one.Converged);
        Assert.Equal(1, one.Iterations);

        LevenbergMarquardtResult two = LevenbergMarquardt.Minimize(f, n, start, new LevenbergMarquardtOptions { MaxEvaluations = 2 });
        Assert.Equal(LeastSquaresStop.EvaluationLimit, two.StoppedBecause);
        Assert.Equal(2, two.Evaluations);
        Assert.StartsWith("Not converged: the evaluation limit was reached", two.Explanation);
    }

    [Fact]
    public void Result_jacobian_and_residuals_belong_to_the_final_parameters()
    {
        var (f, n) = ExactProblem(Rational, [1, 3, 0.5], Grid(25, 0, 10));
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(f, n, [0.5, 1, 0.1], new LevenbergMarquardtOptions { MaxIterations = 3 });
        var residuals = new double[n];
        var jacobian = new double[n * 3];
        f(result.Parameters, residuals, jacobian);
        Assert.Equal(residuals, result.Residuals);
        Assert.Equal(jacobian, result.Jacobian);
    }

    [Fact]
    public void Trial_steps_outside_the_model_domain_are_rejected_not_propagated()
    {
        // y = log(b + x): b + x <= 0 gives NaN or -infinity; a huge first step lands there.
        CurveModel model = (x, b, g) => { g[0] = 1 / (b[0] + x); return Math.Log(b[0] + x); };
        var (f, n) = ExactProblem(model, [1], Grid(20, 0, 5));
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(f, n, [50], new LevenbergMarquardtOptions { InitialStepBound = 1000 });
        Assert.True(result.Converged, result.Explanation);
        AssertClose([1], result.Parameters, ExactDataTolerance);
    }

    [Fact]
    public void A_start_outside_the_model_domain_is_reported_not_thrown()
    {
        CurveModel model = (x, b, g) => { g[0] = 0.5 / Math.Sqrt(b[0]); return Math.Sqrt(b[0]) * x; };
        var (f, n) = ExactProblem(model, [4], Grid(5, 0, 1));
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(f, n, [-1]);
        Assert.Equal(LeastSquaresStop.NonFiniteResiduals, result.StoppedBecause);
        Assert.Equal(1, result.Evaluations);
        Assert.Equal([-1], result.Parameters);
        Assert.Empty(result.Jacobian);
        var error = Assert.Throws<InvalidOperationException>(() => result.Statistics);
        Assert.StartsWith("No statistics: the fit did not start", error.Message);
    }

    [Fact]
    public void Bad_arguments_name_the_value_and_the_fix()
    {
        ResidualFunction f = (t, r, j) => { r.Fill(t[0]); if (!j.IsEmpty) j.Fill(1); };

        var tooFew = Assert.Throws<ArgumentOutOfRangeException>(() => LevenbergMarquardt.Minimize(f, 1, [1, 2]));
        Assert.StartsWith("residualCount = 1 is invalid: expected at least the number of parameters (2);", tooFew.Message);

        var empty = Assert.Throws<ArgumentException>(() => LevenbergMarquardt.Minimize(f, 3, []));
        Assert.StartsWith("start is empty: give one start value per parameter to fit.", empty.Message);

        var nan = Assert.Throws<ArgumentException>(() => LevenbergMarquardt.Minimize(f, 3, [double.NaN]));
        Assert.StartsWith("start[0] = NaN is not a finite number: start from finite values.", nan.Message);

        var tolerance = Assert.Throws<ArgumentOutOfRangeException>(() =>
            LevenbergMarquardt.Minimize(f, 3, [1], new LevenbergMarquardtOptions { FunctionTolerance = -1 }));
        Assert.StartsWith("FunctionTolerance = -1 is invalid: expected a finite number at least 0, such as 1e-15.", tolerance.Message);

        var bound = Assert.Throws<ArgumentOutOfRangeException>(() =>
            LevenbergMarquardt.Minimize(f, 3, [1], new LevenbergMarquardtOptions { InitialStepBound = 0 }));
        Assert.StartsWith("InitialStepBound = 0 is invalid: expected a finite number above 0", bound.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => LevenbergMarquardt.Minimize(f, 3, [1], default(LevenbergMarquardtOptions)));
    }

    [Fact]
    public void Every_stop_reason_has_a_sentence()
    {
        foreach (LeastSquaresStop stop in Enum.GetValues<LeastSquaresStop>())
            Assert.EndsWith(".", stop.Describe());
    }
}
