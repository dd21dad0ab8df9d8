using Downhill.Analysis;

namespace Downhill.Tests.Analysis;

public sealed class FiniteDifferenceJacobianTests
{
    /// <summary>r_i = exp(a x_i) sin(b x_i) - y_i: analytic derivatives to compare with.</summary>
    private static readonly double[] Xs = [0.1, 0.5, 1, 2, 3];

    private static void Values(ReadOnlySpan<double> t, Span<double> r)
    {
        for (int i = 0; i < Xs.Length; i++) r[i] = Math.Exp(t[0] * Xs[i]) * Math.Sin(t[1] * Xs[i]) - i;
    }

    [Theory]
    [InlineData(FiniteDifference.Forward, 1e-6)]
    [InlineData(FiniteDifference.Central, 1e-9)]
    public void Differences_match_the_analytic_jacobian(FiniteDifference scheme, double tolerance)
    {
        ResidualFunction f = FiniteDifferenceJacobian.Wrap(Values, Xs.Length, scheme);
        double[] t = [0.3, 1.7];
        var r = new double[Xs.Length];
        var jacobian = new double[Xs.Length * 2];
        f(t, r, jacobian);
        for (int i = 0; i < Xs.Length; i++)
        {
            double e = Math.Exp(t[0] * Xs[i]), s = Math.Sin(t[1] * Xs[i]), c = Math.Cos(t[1] * Xs[i]);
            Assert.Equal(e * s - i, r[i], 1e-15);
            Assert.Equal(Xs[i] * e * s, jacobian[2 * i], tolerance * (1 + Math.Abs(Xs[i] * e * s)));
            Assert.Equal(Xs[i] * e * c, jacobian[2 * i + 1], tolerance * (1 + Math.Abs(Xs[i] * e * c)));
        }
    }

    [Theory]
    [InlineData("MGH09")]
    [InlineData("Thurber")]
    [InlineData("Bennett5")]
    public void Levenberg_marquardt_with_numerical_jacobians_still_certifies_nist(string name)
    {
        NistProblem? problem = NistProblem.TryLoad(name);
        if (problem is null) return;
        ResidualFunction analytic = CurveFit.Residuals(problem.X, problem.Y, NistModels.For(name));
        ResidualFunction numeric = FiniteDifferenceJacobian.Wrap((t, r) => analytic(t, r, Span<double>.Empty), problem.X.Length);
        LevenbergMarquardtResult result = LevenbergMarquardt.Minimize(numeric, problem.X.Length, problem.Start2);
        double digits = problem.Certified.Select((c, j) => CurveFit.CorrectDigits(result.Parameters[j], c)).Min();
        Assert.True(digits >= 6, $"{name}: {digits:F1} digits");
    }
}
