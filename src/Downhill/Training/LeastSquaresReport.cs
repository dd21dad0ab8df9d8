using System.Globalization;
using Downhill.Analysis;
using Downhill.Models;

namespace Downhill.Training;

/// <summary>
/// What a least-squares fit of a formula (mse or rmse loss) knows beyond its parameters:
/// standard errors and correlations from the Jacobian at the solution, the Levenberg-Marquardt
/// run when <c>lm</c> did the fit, and whether a gradient method stopped short of the minimum.
/// </summary>
/// <param name="Names">The fitted parameters, in the order of every array here.</param>
/// <param name="Estimates">Their values at the end of the fit.</param>
/// <param name="Statistics">Standard errors, correlation, RSS and the condition number of JᵀJ there.</param>
/// <param name="Solver">The Levenberg-Marquardt run, for <c>--optimizer lm</c>; null after a gradient method.</param>
/// <param name="GradientCosine">
/// The largest cosine between the residual vector and a column of J: |J_jᵀ r| / (||J_j|| ||r||).
/// It is 0 at a minimum whatever the units of the data and parameters (MINPACK's gtol test),
/// and taken as 0 for a fit that reproduces the data to <see cref="ExactFit"/>, whose residuals
/// are rounding noise pointing anywhere.
/// </param>
public sealed record LeastSquaresReport(
    IReadOnlyList<string> Names,
    double[] Estimates,
    LeastSquaresStatistics Statistics,
    LevenbergMarquardtResult? Solver,
    double GradientCosine)
{
    /// <summary>
    /// A gradient method counts as stalled when the gradient cosine is above this at its last
    /// step. Levenberg-Marquardt ends its NIST fits near 1e-8 or below; a cosine of 1e-4 means the
    /// residuals still have a clear component the model could remove, so the estimates are not
    /// at the minimum, however flat the loss curve looked.
    /// </summary>
    public const double StallCosine = 1e-4;

    /// <summary>
    /// JᵀJ conditioned worse than this is "ill-conditioned" in the hint: gradient descent's rate
    /// along the flattest direction is about 1/κ of its rate along the steepest, so at 1e8 a
    /// million steps move the flat direction less than 1%.
    /// </summary>
    public const double IllConditioned = 1e8;

    /// <summary>True when a gradient method ended away from the minimum (see <see cref="StallCosine"/>).</summary>
    public bool Stalled => Solver is null && GradientCosine > StallCosine;

    /// <summary>For a stalled gradient fit: what happened and what to do; null otherwise.</summary>
    public string? StallHint
    {
        get
        {
            if (!Stalled) return null;
            double kappa = Statistics.ConditionNumber;
            string conditioning = double.IsInfinity(kappa)
                ? "J is rank deficient here (JᵀJ is singular): moving some parameters does not change the fit at all at this point, so their gradient is zero and a gradient method cannot tell where to take them"
                : kappa > IllConditioned
                ? $"JᵀJ has condition number {Format(kappa)} (above {Format(IllConditioned)}): the loss is about {Format(kappa)} times flatter along one direction than along another, so a step size that is safe in the steep direction barely moves the flat one"
                : $"JᵀJ has condition number {Format(kappa)}";
            return $"the fit stopped before the minimum: the gradient is not yet zero (the residuals still line up with a parameter's direction, cosine {Format(GradientCosine)}; at the minimum it is 0). " +
                   $"{conditioning}. Use FitSettings.Optimizer = \"lm\" (Levenberg-Marquardt), which solves for the step with JᵀJ and needs no learning rate; or run more epochs.";
        }
    }

    /// <summary>The statistics as stored in a model file.</summary>
    public FitStatisticsRecord ToRecord()
    {
        var s = Statistics;
        int p = Names.Count;
        var errors = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int j = 0; j < p; j++) errors[Names[j]] = s.StandardErrors[j];
        var correlation = new double[p][];
        for (int i = 0; i < p; i++) correlation[i] = s.Correlation.AsSpan(i * p, p).ToArray();
        return new FitStatisticsRecord(s.ResidualSumOfSquares, s.ResidualStandardDeviation, s.DegreesOfFreedom, errors, correlation);
    }

    /// <summary>Residuals at most this times the target's norm count as an exact fit: nothing is left to remove.</summary>
    public const double ExactFit = 1e-10;

    internal static string Format(double v) => v.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>
    /// The largest cosine between r and a column of the n x p Jacobian J; 0 when every column is
    /// 0 or when ||r|| is at most <see cref="ExactFit"/> ||target||.
    /// </summary>
    public static double Cosine(ReadOnlySpan<double> jacobian, ReadOnlySpan<double> residuals, int parameters, ReadOnlySpan<double> target)
    {
        int n = residuals.Length, p = parameters;
        double rNorm = 0, tNorm = 0;
        for (int i = 0; i < n; i++)
        {
            rNorm += residuals[i] * residuals[i];
            tNorm += target[i] * target[i];
        }
        rNorm = Math.Sqrt(rNorm);
        if (rNorm <= ExactFit * Math.Sqrt(tNorm)) return 0;
        double worst = 0;
        for (int j = 0; j < p; j++)
        {
            double dot = 0, norm = 0;
            for (int i = 0; i < n; i++)
            {
                double a = jacobian[i * p + j];
                dot += a * residuals[i];
                norm += a * a;
            }
            if (norm > 0) worst = Math.Max(worst, Math.Abs(dot) / (Math.Sqrt(norm) * rNorm));
        }
        return worst;
    }
}
