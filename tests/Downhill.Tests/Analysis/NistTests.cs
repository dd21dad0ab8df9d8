using Downhill.Analysis;
using Xunit.Abstractions;

namespace Downhill.Tests.Analysis;

/// <summary>
/// Levenberg-Marquardt against NIST's certified values (StRD nonlinear regression, computed by
/// NIST in 128-bit arithmetic and given to 11 digits), with hand-written models and both
/// official start points. Start 1 is far from the solution, start 2 closer.
/// </summary>
public sealed class NistTests(ITestOutputHelper output)
{
    /// <summary>The bar NIST suggests for a "successful" fit is about 4 to 6 digits; we ask for 6.</summary>
    private const double RequiredDigits = 6;

    /// <summary>The residual sum of squares is well conditioned at the minimum, so we ask for more.</summary>
    private const double RequiredRssDigits = 9;

    public static TheoryData<string, int> Problems => new()
    {
        { "Misra1a", 1 }, { "Misra1a", 2 }, { "BoxBOD", 1 }, { "BoxBOD", 2 },
        { "Thurber", 1 }, { "Thurber", 2 }, { "MGH09", 1 }, { "MGH09", 2 },
        { "MGH10", 1 }, { "MGH10", 2 }, { "Rat43", 1 }, { "Rat43", 2 },
        { "Eckerle4", 1 }, { "Eckerle4", 2 }, { "Bennett5", 1 }, { "Bennett5", 2 },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Certified_values_and_standard_errors_are_reached(string name, int start)
    {
        NistProblem? problem = NistProblem.TryLoad(name);
        if (problem is null)
        {
            output.WriteLine("NIST data not found beside the repository (../shared/data/nist); nothing to check.");
            return;
        }
        ResidualFunction f = CurveFit.Residuals(problem.X, problem.Y, NistModels.For(name));

        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(f, problem.X.Length,
            start == 1 ? problem.Start1 : problem.Start2);

        double digits = problem.Certified.Select((c, j) => CurveFit.CorrectDigits(result.Parameters[j], c)).Min();
        double[] errors = result.Statistics.StandardErrors;
        double sdDigits = problem.CertifiedSd.Select((c, j) => CurveFit.CorrectDigits(errors[j], c)).Min();
        double rssDigits = CurveFit.CorrectDigits(result.ResidualSumOfSquares, problem.CertifiedRss);
        output.WriteLine($"{name} start {start}: parameter digits {digits:F1}, standard error digits {sdDigits:F1}, " +
            $"RSS digits {rssDigits:F1}, {result.Iterations} iterations, {result.Evaluations} evaluations, {result.StoppedBecause}");

        Assert.True(result.Converged, result.Explanation);
        Assert.True(digits >= RequiredDigits, $"{name} start {start}: only {digits:F1} certified digits in the parameters");
        Assert.True(sdDigits >= RequiredDigits, $"{name} start {start}: only {sdDigits:F1} certified digits in the standard errors");
        Assert.True(rssDigits >= RequiredRssDigits, $"{name} start {start}: only {rssDigits:F1} certified digits in the RSS");
    }

    [Theory]
    [InlineData("Misra1a")]
    [InlineData("Thurber")]
    [InlineData("MGH09")]
    [InlineData("MGH10")]
    [InlineData("Rat43")]
    [InlineData("Eckerle4")]
    [InlineData("Bennett5")]
    public void Hand_written_jacobians_match_central_differences(string name)
    {
        NistProblem? problem = NistProblem.TryLoad(name);
        if (problem is null) return;
        ResidualFunction f = CurveFit.Residuals(problem.X, problem.Y, NistModels.For(name));
        int n = problem.X.Length, p = problem.Start2.Length;
        var residuals = new double[n];
        var jacobian = new double[n * p];
        f(problem.Start2, residuals, jacobian);
        double[] numeric = CurveFit.NumericJacobian(f, n, problem.Start2);
        for (int k = 0; k < jacobian.Length; k++)
            Assert.True(Math.Abs(jacobian[k] - numeric[k]) <= 1e-6 * (1 + Math.Abs(numeric[k])),
                $"{name} J[{k / p},{k % p}] = {jacobian[k]} but central differences give {numeric[k]}");
    }
}
