using Downhill.Analysis;
using Downhill.Data;
using Downhill.Formulas;
using Downhill.Models;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>
/// Levenberg-Marquardt through the formula path (Fitting.Fit and LeastSquaresFit): synthetic
/// problems with known answers, the tape Jacobian against finite differences, standard errors
/// against the closed form of a straight line, and a problem where Gauss-Newton alone diverges.
/// </summary>
public sealed class LeastSquaresFitTests
{
    /// <summary>Exact data and a converged fit: the answer is known to about 1e-12; 1e-8 leaves room for the conditioning of each problem.</summary>
    private const double ExactFitTolerance = 1e-8;

    /// <summary>Closed-form values and the fit's statistics are both computed in double from the same data: they agree to rounding.</summary>
    private const double ClosedFormTolerance = 1e-9;

    /// <summary>Columns x and y = f(x), both as features: a formula names its target itself, as in the CLI.</summary>
    internal static Dataset Data(double[] x, Func<double, double> f)
    {
        var y = x.Select(f).ToArray();
        return Dataset.Regression(["x", "y"], x.Zip(y, (a, b) => new[] { a, b }).SelectMany(r => r).ToArray(), [], []);
    }

    internal static double[] Grid(int n, double from, double to) =>
        Enumerable.Range(0, n).Select(i => from + (to - from) * i / (n - 1)).ToArray();

    private static FitOutcome FitLm(Dataset data, string formula, Dictionary<string, double> init) =>
        Fitting.Fit(data, new FitSettings { Model = ModelSpec.Parse(formula), Optimizer = "lm", Init = init });

    private static double Value(FitOutcome outcome, string name) => outcome.Model.Parameters.Single(p => p.Name == name).Values[0];

    [Fact]
    public void Exponential_decay_with_offset_is_recovered()
    {
        var data = Data(Grid(40, 0, 5), x => 3.5 * Math.Exp(-0.8 * x) + 1.25);
        var outcome = FitLm(data, "y = a*exp(b*x) + c", new() { ["a"] = 1, ["b"] = -0.1, ["c"] = 0 });
        Assert.True(outcome.LeastSquares!.Solver!.Converged, outcome.LeastSquares.Solver.Explanation);
        Assert.Equal(3.5, Value(outcome, "a"), ExactFitTolerance);
        Assert.Equal(-0.8, Value(outcome, "b"), ExactFitTolerance);
        Assert.Equal(1.25, Value(outcome, "c"), ExactFitTolerance);
    }

    [Fact]
    public void Rational_function_is_recovered()
    {
        var data = Data(Grid(30, 0, 10), x => (2 + 0.5 * x) / (1 + 0.3 * x + 0.02 * x * x));
        var outcome = FitLm(data, "y = (b1 + b2*x) / (1 + b3*x + b4*x^2)", new() { ["b1"] = 1, ["b2"] = 1, ["b3"] = 0.1, ["b4"] = 0.1 });
        double[] expected = [2, 0.5, 0.3, 0.02];
        for (int j = 0; j < 4; j++) Assert.Equal(expected[j], Value(outcome, $"b{j + 1}"), ExactFitTolerance);
    }

    [Fact]
    public void Two_gaussian_peaks_are_recovered()
    {
        static double Peak(double x, double h, double m, double w) => h * Math.Exp(-(x - m) * (x - m) / (w * w));
        var data = Data(Grid(120, 0, 20), x => Peak(x, 4, 6, 1.5) + Peak(x, 2.5, 13, 2));
        var outcome = FitLm(data, "y = h1*exp(-(x - m1)^2 / w1^2) + h2*exp(-(x - m2)^2 / w2^2)",
            new() { ["h1"] = 3, ["m1"] = 5.5, ["w1"] = 1, ["h2"] = 2, ["m2"] = 12, ["w2"] = 1.5 });
        Assert.Equal(4, Value(outcome, "h1"), ExactFitTolerance);
        Assert.Equal(6, Value(outcome, "m1"), ExactFitTolerance);
        Assert.Equal(1.5, Math.Abs(Value(outcome, "w1")), ExactFitTolerance);
        Assert.Equal(2.5, Value(outcome, "h2"), ExactFitTolerance);
        Assert.Equal(13, Value(outcome, "m2"), ExactFitTolerance);
        Assert.Equal(2, Math.Abs(Value(outcome, "w2")), ExactFitTolerance);
    }

    /// <summary>atan, asin, acos, sinh, cosh, log10 and a leading-dot number all reach the tape and its Jacobian.</summary>
    [Fact]
    public void Formulas_with_inverse_trigonometric_hyperbolic_and_log10_functions_are_fitted()
    {
        var data = Data(Grid(30, -0.9, 0.9), x =>
            1.5 * Math.Atan(x) + 0.25 * Math.Asin(x) - 0.75 * Math.Acos(x) + 0.5 * Math.Sinh(.5 * x) + 2 * Math.Cosh(x) * Math.Log10(3 + x));
        var outcome = FitLm(data, "y = a*atan(x) + b*asin(x) + c*acos(x) + d*sinh(.5*x) + f*cosh(x)*log10(3 + x)",
            new() { ["a"] = 1, ["b"] = 1, ["c"] = 1, ["d"] = 1, ["f"] = 1 });
        Assert.Equal(1.5, Value(outcome, "a"), ExactFitTolerance);
        Assert.Equal(0.25, Value(outcome, "b"), ExactFitTolerance);
        Assert.Equal(-0.75, Value(outcome, "c"), ExactFitTolerance);
        Assert.Equal(0.5, Value(outcome, "d"), ExactFitTolerance);
        Assert.Equal(2, Value(outcome, "f"), ExactFitTolerance);
    }

    /// <summary>
    /// <c>log(y) = a + b*x</c> is least squares on the log scale: with noisy y the answer is the
    /// straight-line regression of log(y) on x, computed here in closed form.
    /// </summary>
    [Fact]
    public void Logarithmic_target_is_fitted_on_the_log_scale()
    {
        double[] x = Grid(25, 0, 4);
        double[] noise = x.Select((_, i) => 0.05 * Math.Sin(7.3 * i)).ToArray();
        var y = x.Select((xi, i) => Math.Exp(0.7 - 0.9 * xi + noise[i])).ToArray();
        var data = Dataset.Regression(["x", "y"], x.Zip(y, (a, b) => new[] { a, b }).SelectMany(r => r).ToArray(), [], []);

        var outcome = FitLm(data, "log(y) = a + b*x", new() { ["a"] = 0, ["b"] = 0 });

        var (slope, intercept, _, _, _) = StraightLine(x, y.Select(v => Math.Log(v)).ToArray());
        Assert.Equal(intercept, Value(outcome, "a"), ClosedFormTolerance);
        Assert.Equal(slope, Value(outcome, "b"), ClosedFormTolerance);
    }

    /// <summary>Ordinary least squares for y = m x + b: estimates, RSS and the textbook standard errors.</summary>
    private static (double M, double B, double Rss, double SeM, double SeB) StraightLine(double[] x, double[] y)
    {
        int n = x.Length;
        double xBar = x.Average(), yBar = y.Average();
        double sxx = x.Sum(v => (v - xBar) * (v - xBar));
        double sxy = x.Zip(y, (a, b) => (a - xBar) * (b - yBar)).Sum();
        double m = sxy / sxx, b = yBar - m * xBar;
        double rss = x.Zip(y, (a, c) => (c - m * a - b) * (c - m * a - b)).Sum();
        double sigma2 = rss / (n - 2);
        return (m, b, rss, Math.Sqrt(sigma2 / sxx), Math.Sqrt(sigma2 * (1.0 / n + xBar * xBar / sxx)));
    }

    [Fact]
    public void Standard_errors_of_a_straight_line_match_the_closed_form()
    {
        double[] x = Grid(17, -3, 9);
        var data = Data(x, v => 1.5 * v - 4 + 0.3 * Math.Cos(3.1 * v));
        var (m, b, rss, seM, seB) = StraightLine(x, data.Column("y"));

        var outcome = FitLm(data, "y = m*x + b", new() { ["m"] = 0, ["b"] = 0 });

        var stats = outcome.Model.Statistics!;
        Assert.Equal(m, Value(outcome, "m"), ClosedFormTolerance);
        Assert.Equal(b, Value(outcome, "b"), ClosedFormTolerance);
        Assert.Equal(rss, stats.Rss, ClosedFormTolerance);
        Assert.Equal(15, stats.DegreesOfFreedom);
        Assert.Equal(Math.Sqrt(rss / 15), stats.ResidualStandardDeviation, ClosedFormTolerance);
        Assert.Equal(seM, stats.StandardErrors["m"], ClosedFormTolerance);
        Assert.Equal(seB, stats.StandardErrors["b"], ClosedFormTolerance);
        // corr(m, b) = -x̄ / sqrt(mean(x²)) for a straight line.
        double expectedCorrelation = -x.Average() / Math.Sqrt(x.Average(v => v * v));
        Assert.Equal(expectedCorrelation, stats.Correlation![0][1], ClosedFormTolerance);
    }

    [Fact]
    public void Gradient_fit_of_a_straight_line_gets_the_same_standard_errors_at_its_answer()
    {
        double[] x = Grid(17, -3, 9);
        var data = Data(x, v => 1.5 * v - 4 + 0.3 * Math.Cos(3.1 * v));
        var (_, _, _, seM, seB) = StraightLine(x, data.Column("y"));
        var outcome = Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("y = m*x + b"),
            Optimizer = "lbfgs",
            Training = new TrainingOptions { Epochs = 5, BatchSize = null, Shuffle = false },
        });
        var report = outcome.LeastSquares!;
        Assert.Null(report.Solver);
        Assert.False(report.Stalled);
        Assert.Equal(seM, outcome.Model.Statistics!.StandardErrors["m"], 1e-6);
        Assert.Equal(seB, outcome.Model.Statistics.StandardErrors["b"], 1e-6);
    }

    /// <summary>A frozen parameter keeps its value and gets no standard error; the others are fitted around it.</summary>
    [Fact]
    public void Frozen_parameters_stay_put_and_the_rest_are_fitted()
    {
        var data = Data(Grid(30, 0, 4), x => 2.5 * Math.Exp(-1.2 * x) + 0.75);
        var outcome = Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("y = a*exp(b*x) + c"),
            Optimizer = "lm",
            Init = new Dictionary<string, double> { ["a"] = 1, ["b"] = -0.5, ["c"] = 0.75 },
            Freeze = ["c"],
        });
        Assert.Equal(["a", "b"], outcome.LeastSquares!.Names);
        Assert.Equal(0.75, Value(outcome, "c"));
        Assert.Equal(2.5, Value(outcome, "a"), ExactFitTolerance);
        Assert.Equal(-1.2, Value(outcome, "b"), ExactFitTolerance);
        Assert.Equal(["a", "b"], outcome.Model.Statistics!.StandardErrors.Keys.Order());
    }

    /// <summary>--gradient central gives Levenberg-Marquardt a finite-difference Jacobian; the answer is the same.</summary>
    [Fact]
    public void Finite_difference_jacobian_reaches_the_same_answer()
    {
        var data = Data(Grid(30, 0, 4), x => 2.5 * Math.Exp(-1.2 * x) + 0.75);
        var outcome = Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("y = a*exp(b*x) + c"),
            Optimizer = "lm",
            Init = new Dictionary<string, double> { ["a"] = 1, ["b"] = -0.5, ["c"] = 0 },
            Training = new TrainingOptions { Gradient = GradientMode.Central, Nudge = 1e-6 },
        });
        Assert.Equal(2.5, Value(outcome, "a"), 1e-6);
        Assert.Equal(-1.2, Value(outcome, "b"), 1e-6);
        Assert.Equal(0.75, Value(outcome, "c"), 1e-6);
    }

    /// <summary>
    /// y = exp(a t) through (1, 2), (2, 4), (3, -8): a large-residual problem where plain
    /// Gauss-Newton from a = 1 jumps to a ≈ 11.6 and the sum of squares explodes (Dennis and
    /// Schnabel's classic). Levenberg-Marquardt's trust region keeps it to steps that reduce the
    /// sum of squares; the reference minimum comes from a golden-section search on the sum itself.
    /// </summary>
    [Fact]
    public void Levenberg_marquardt_converges_where_gauss_newton_diverges()
    {
        var data = Dataset.Regression(["t", "y"], [1, 2, 2, 4, 3, -8], [], []);
        static double Rss(double a) => Square(Math.Exp(a) - 2) + Square(Math.Exp(2 * a) - 4) + Square(Math.Exp(3 * a) + 8);

        var model = new FormulaModel(Formula.Parse("y = exp(a*t)"), ["t"], ["a"], new Dictionary<string, double> { ["a"] = 1 });
        var residuals = new FormulaResiduals(model.Formula, new Dictionary<string, double[]> { ["t"] = [1, 2, 3], ["y"] = [2, 4, -8] });
        double gaussNewton = 1;
        var r = new double[3];
        var jacobian = new double[3];
        for (int k = 0; k < 5; k++)
        {
            residuals.Evaluate([gaussNewton], r, jacobian);
            gaussNewton -= r.Zip(jacobian, (ri, ji) => ri * ji).Sum() / jacobian.Sum(ji => ji * ji);
        }
        Assert.True(Rss(gaussNewton) > 1e20, $"Gauss-Newton was expected to diverge but reached a = {gaussNewton}, RSS {Rss(gaussNewton)}");

        var report = LeastSquaresFit.Fit(model, data);

        double reference = GoldenSection(Rss, -5, 1);
        Assert.True(report.Solver!.Converged, report.Solver.Explanation);
        Assert.Equal(reference, report.Estimates[0], 1e-7); // golden section stops at an interval of 1e-12; the minimum is flat, so 1e-7 in a
        Assert.Equal(Rss(reference), report.Statistics.ResidualSumOfSquares, 1e-9);
    }

    private static double Square(double v) => v * v;

    private static double GoldenSection(Func<double, double> f, double lo, double hi)
    {
        double g = (Math.Sqrt(5) - 1) / 2;
        while (hi - lo > 1e-12)
        {
            double a = hi - g * (hi - lo), b = lo + g * (hi - lo);
            if (f(a) < f(b)) hi = b; else lo = a;
        }
        return (lo + hi) / 2;
    }

    [Fact]
    public void A_stalled_gradient_fit_says_so_and_points_to_lm()
    {
        var data = Data(Grid(40, 0, 5), x => 3.5 * Math.Exp(-0.8 * x) + 1.25);
        var outcome = Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("y = a*exp(b*x) + c"),
            Optimizer = "sgd",
            OptimizerSettings = new OptimizerSettings { LearningRate = 0.01 },
            Init = new Dictionary<string, double> { ["a"] = 1, ["b"] = -0.1, ["c"] = 0 },
            Training = new TrainingOptions { Epochs = 20, BatchSize = null, Shuffle = false },
        });
        var report = outcome.LeastSquares!;
        Assert.True(report.Stalled, $"cosine {report.GradientCosine}");
        Assert.Contains("FitSettings.Optimizer = \"lm\"", report.StallHint);
        Assert.Contains("condition number", report.StallHint);

        var lm = FitLm(data, "y = a*exp(b*x) + c", new() { ["a"] = 1, ["b"] = -0.1, ["c"] = 0 });
        Assert.False(lm.LeastSquares!.Stalled);
        Assert.Null(lm.LeastSquares.StallHint);
        Assert.True(lm.LeastSquares.GradientCosine < LeastSquaresReport.StallCosine);
    }

    /// <summary>In y = a*b*x only the product is determined: J has rank 1, an error is NaN, and the model file still saves and loads.</summary>
    [Fact]
    public void Undetermined_parameters_get_NaN_errors_and_the_model_file_still_saves()
    {
        var data = Data(Grid(10, 0, 1), x => 6 * x + 0.01 * Math.Sin(10 * x));
        var outcome = FitLm(data, "y = a*b*x", new() { ["a"] = 1, ["b"] = 2 });
        Assert.Equal(1, outcome.LeastSquares!.Statistics.Rank);
        Assert.Contains(outcome.Model.Statistics!.StandardErrors.Values, double.IsNaN);

        using var folder = new Data.TempFolder();
        string path = Path.Combine(folder.Path, "model.json");
        outcome.Model.Save(path);
        var loaded = ModelFile.Load(path);
        Assert.Equal(outcome.Model.Statistics.StandardErrors.Values.Count(double.IsNaN), loaded.Statistics!.StandardErrors.Values.Count(double.IsNaN));
        Assert.Equal(Value(outcome, "a") * Value(outcome, "b"), loaded.Parameters[0].Values[0] * loaded.Parameters[1].Values[0], 1e-12);
    }

    [Fact]
    public void Lm_refuses_models_and_losses_it_cannot_fit_and_says_what_to_do()
    {
        var data = Data(Grid(10, 0, 1), x => 2 * x);
        var linear = Assert.Throws<SettingException>(() => Fitting.Fit(Dataset.Regression(["x"], Grid(10, 0, 1), ["y"], Grid(10, 0, 2)),
            new FitSettings { Model = ModelSpec.Parse("linear"), Optimizer = "lm" }));
        Assert.Contains("FitSettings.Model = ModelSpec.Parse(\"y = m*x + b\")", linear.Message);
        var mae = Assert.Throws<SettingException>(() => Fitting.Fit(data,
            new FitSettings { Model = ModelSpec.Parse("y = m*x"), Optimizer = "lm", Loss = Nn.Loss.Mae }));
        Assert.Equal("FitSettings.Optimizer = \"lm\" minimizes a sum of squares, so the loss must be mse or rmse, not mae; leave FitSettings.Loss out or choose a gradient optimizer for mae.", mae.Message);
        var lr = Assert.Throws<SettingException>(() => Fitting.Fit(data,
            new FitSettings { Model = ModelSpec.Parse("y = m*x"), Optimizer = "lm", OptimizerSettings = new OptimizerSettings { LearningRate = 0.1 } }));
        Assert.Contains("remove OptimizerSettings.LearningRate", lr.Message);
        Assert.Equal(["FitSettings.Model", "FitSettings.Loss", "FitSettings.OptimizerSettings"], new[] { linear.Setting, mae.Setting, lr.Setting });
    }

    [Fact]
    public void A_start_where_the_formula_is_undefined_is_refused_with_the_values_and_the_fix()
    {
        var data = Data(Grid(10, 1, 2), x => Math.Log(x));
        var e = Assert.Throws<ArgumentException>(() => FitLm(data, "y = log(a*x)", new() { ["a"] = -1 }));
        Assert.Contains("at the start (a = -1)", e.Message);
        Assert.Contains("FitSettings.Init", e.Message);
    }

    [Fact]
    public void Max_iterations_limits_lm_and_says_so()
    {
        var data = Data(Grid(40, 0, 5), x => 3.5 * Math.Exp(-0.8 * x) + 1.25);
        var outcome = Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("y = a*exp(b*x) + c"),
            Optimizer = "lm",
            MaxIterations = 2,
            Init = new Dictionary<string, double> { ["a"] = 1, ["b"] = -0.1, ["c"] = 0 },
        });
        Assert.Equal(LeastSquaresStop.IterationLimit, outcome.LeastSquares!.Solver!.StoppedBecause);
        Assert.Equal(outcome.LeastSquares.Solver.Iterations, outcome.Result.History.Count);
    }
}
