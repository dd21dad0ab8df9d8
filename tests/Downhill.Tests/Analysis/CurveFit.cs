using Downhill.Analysis;

namespace Downhill.Tests.Analysis;

/// <summary>A model y = f(x; b) whose gradient ∂f/∂b is written by hand into <paramref name="gradient"/>.</summary>
internal delegate double CurveModel(double x, ReadOnlySpan<double> b, Span<double> gradient);

internal static class CurveFit
{
    /// <summary>Residuals r_i = y_i - f(x_i; b), so the Jacobian is -∂f/∂b.</summary>
    public static ResidualFunction Residuals(double[] x, double[] y, CurveModel model) => (b, r, jacobian) =>
    {
        int p = b.Length;
        Span<double> gradient = stackalloc double[p];
        for (int i = 0; i < x.Length; i++)
        {
            r[i] = y[i] - model(x[i], b, gradient);
            if (jacobian.IsEmpty) continue;
            for (int j = 0; j < p; j++) jacobian[i * p + j] = -gradient[j];
        }
    };

    /// <summary>Central differences of the residuals: the independent check of a hand-written Jacobian.</summary>
    public static double[] NumericJacobian(ResidualFunction f, int n, double[] b)
    {
        int p = b.Length;
        var jacobian = new double[n * p];
        var plus = new double[n];
        var minus = new double[n];
        for (int j = 0; j < p; j++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(b[j]));
            double[] bp = (double[])b.Clone(), bm = (double[])b.Clone();
            bp[j] += h;
            bm[j] -= h;
            f(bp, plus, Span<double>.Empty);
            f(bm, minus, Span<double>.Empty);
            for (int i = 0; i < n; i++) jacobian[i * p + j] = (plus[i] - minus[i]) / (2 * h);
        }
        return jacobian;
    }

    /// <summary>NIST's log relative error: the number of correct significant digits (capped at 15).</summary>
    public static double CorrectDigits(double estimate, double certified)
    {
        if (estimate == certified) return 15;
        double relative = certified == 0 ? Math.Abs(estimate) : Math.Abs(estimate - certified) / Math.Abs(certified);
        return Math.Min(15, -Math.Log10(relative));
    }
}
