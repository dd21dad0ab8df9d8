using Downhill.Analysis;
using Downhill.Data;
using Downhill.Models;

namespace Downhill.Training;

/// <summary>
/// Least squares for formula models: <see cref="Fit"/> minimizes Σ (f(x_i; θ) - t_i)² by
/// Levenberg-Marquardt with the Jacobian from the autodiff tape (<c>downhill fit --optimizer lm</c>);
/// <see cref="Analyze"/> gives the same statistics for parameters found by any other optimizer.
/// </summary>
public static class LeastSquaresFit
{
    /// <summary>
    /// Fits the model's free parameters to <paramref name="data"/>, starting from their current
    /// values, and leaves the best values found in the model.
    /// </summary>
    /// <param name="frozen">Parameters kept at their current values.</param>
    /// <param name="gradient">Analytic: the Jacobian from one backward pass; forward or central: finite differences with <paramref name="nudge"/>.</param>
    /// <param name="progress">Called at the start and after every accepted step.</param>
    /// <param name="cancel">Stops the run after the iteration under way (<see cref="LeastSquaresStop.Cancelled"/>); the model keeps the last accepted parameters.</param>
    public static LeastSquaresReport Fit(FormulaModel model, Dataset data, LevenbergMarquardtOptions? options = null,
        IReadOnlyCollection<string>? frozen = null, GradientMode gradient = GradientMode.Analytic, double nudge = 1e-6,
        Action<LevenbergMarquardtProgress>? progress = null, CancellationToken cancel = default)
    {
        var residuals = new FittedResiduals(model, data, frozen, gradient, nudge);
        CheckEnoughRows(residuals, data);
        var result = LevenbergMarquardt.Minimize(residuals.Evaluate, residuals.Count, residuals.Current(), options, progress, cancel);
        residuals.Apply(result.Parameters);
        if (result.Jacobian.Length == 0)
            Errors.Argument($"{data.Source}: {result.Explanation} The formula '{model.Formula.Text}' or its derivatives give NaN or infinity " +
                $"{(result.Iterations == 0 ? "at the start" : $"after {result.Iterations} steps")} ({Describe(residuals.Names, result.Parameters)}); " +
                "give start values nearer the solution, where the formula is defined, with FitSettings.Init.");
        int p = residuals.Names.Count;
        return new LeastSquaresReport(residuals.Names, result.Parameters, result.Statistics, result,
            LeastSquaresReport.Cosine(result.Jacobian, result.Residuals, p, residuals.Target.ToArray()));
    }

    /// <summary>
    /// The least-squares statistics at the model's current parameters, such as after a fit by
    /// a gradient method; null when the residuals or the Jacobian there are not finite, or when
    /// there are no more rows than free parameters.
    /// </summary>
    public static LeastSquaresReport? Analyze(FormulaModel model, Dataset data, IReadOnlyCollection<string>? frozen = null)
    {
        var residuals = new FittedResiduals(model, data, frozen, GradientMode.Analytic, 1e-6);
        int n = residuals.Count, p = residuals.Names.Count;
        if (n <= p) return null;
        var r = new double[n];
        var jacobian = new double[n * p];
        var theta = residuals.Current();
        residuals.Evaluate(theta, r, jacobian);
        foreach (double v in r) if (!double.IsFinite(v)) return null;
        foreach (double v in jacobian) if (!double.IsFinite(v)) return null;
        double rss = 0;
        foreach (double v in r) rss += v * v;
        var statistics = LeastSquaresStatistics.FromJacobian(jacobian, n, p, rss);
        return new LeastSquaresReport(residuals.Names, theta, statistics, null, LeastSquaresReport.Cosine(jacobian, r, p, residuals.Target.ToArray()));
    }

    private static void CheckEnoughRows(FittedResiduals residuals, Dataset data)
    {
        if (residuals.Count < residuals.Names.Count)
            Errors.Data($"{data.Source} has {residuals.Count} rows but the formula has {residuals.Names.Count} parameters to fit " +
                $"({string.Join(", ", residuals.Names)}); least squares needs at least one row per parameter: add data or freeze parameters with FitSettings.Freeze.");
    }

    private static string Describe(IReadOnlyList<string> names, double[] values) =>
        string.Join(", ", names.Select((n, j) => $"{n} = {values[j].ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}"));
}
