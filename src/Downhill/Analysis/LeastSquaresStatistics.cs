using Downhill.Analysis.LinearAlgebra;

namespace Downhill.Analysis;

/// <summary>
/// The usual large-sample statistics of a least-squares fit, from the Jacobian J at the
/// solution: covariance σ² (JᵀJ)⁻¹ with σ² = RSS / (n - p), standard errors (the square roots
/// of its diagonal), the correlation matrix and the condition number of JᵀJ.
/// </summary>
/// <remarks>
/// (JᵀJ)⁻¹ is never formed from JᵀJ: with J P = Q R it is P R⁻¹ R⁻ᵀ Pᵀ, which loses half as many
/// digits. Parameters whose pivoted R diagonal is at most max(n, p) ε |R₀₀| are not determined by
/// the data (J is rank deficient); their rows of the covariance and their standard errors are NaN.
/// </remarks>
public sealed class LeastSquaresStatistics
{
    private LeastSquaresStatistics(int observations, int parameters, double residualSumOfSquares,
        double[] unscaledCovariance, double conditionNumber, int rank)
    {
        // NOTE: the correlation comes from (JᵀJ)⁻¹ itself, so it stays defined for a perfect fit (σ = 0).
        double sigmaSquared = observations > parameters ? residualSumOfSquares / (observations - parameters) : double.NaN;
        double[] covariance = unscaledCovariance.Select(v => v * sigmaSquared).ToArray();
        Observations = observations;
        Parameters = parameters;
        ResidualSumOfSquares = residualSumOfSquares;
        Covariance = covariance;
        ConditionNumber = conditionNumber;
        Rank = rank;
        StandardErrors = new double[parameters];
        Correlation = new double[parameters * parameters];
        for (int i = 0; i < parameters; i++) StandardErrors[i] = Math.Sqrt(covariance[i * parameters + i]);
        for (int i = 0; i < parameters; i++)
            for (int j = 0; j < parameters; j++)
                Correlation[i * parameters + j] = i == j && !double.IsNaN(unscaledCovariance[i * parameters + i])
                    ? 1
                    : unscaledCovariance[i * parameters + j]
                      / Math.Sqrt(unscaledCovariance[i * parameters + i] * unscaledCovariance[j * parameters + j]);
    }

    /// <summary>
    /// Statistics from the n x p row-major Jacobian at the solution and the residual sum of
    /// squares there. With n = p there is no estimate of σ and every error is NaN.
    /// </summary>
    public static LeastSquaresStatistics FromJacobian(ReadOnlySpan<double> jacobian, int observations, int parameters,
        double residualSumOfSquares)
    {
        if (parameters < 1)
            Errors.OutOfRange(nameof(parameters), parameters, "at least 1");
        if (observations < parameters)
            Errors.OutOfRange(nameof(observations), observations, $"at least the number of parameters ({parameters}); add data");
        if (jacobian.Length != observations * parameters)
            Errors.Shape($"jacobian has {jacobian.Length} values but observations x parameters = {observations} x {parameters} = {observations * parameters}: pass the n x p row-major Jacobian");
        if (!(residualSumOfSquares >= 0))
            Errors.OutOfRange(nameof(residualSumOfSquares), residualSumOfSquares, "a sum of squares, at least 0");

        int n = observations, p = parameters;
        var qr = new HouseholderQr(n, p);
        qr.Factor(jacobian, pivot: true);
        var r = new double[p * p];
        qr.CopyR(r);
        int rank = qr.Rank();
        double[] covariance = qr.InverseNormalMatrix(rank);

        // Eigenvalues of RᵀR = Pᵀ JᵀJ P, the same as those of JᵀJ.
        var normal = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                double s = 0;
                for (int k = 0; k <= Math.Min(i, j); k++) s += r[k * p + i] * r[k * p + j];
                normal[i * p + j] = s;
            }
        double condition = rank < p ? double.PositiveInfinity : SymmetricEigen.ConditionNumber(normal, p);

        return new LeastSquaresStatistics(n, p, residualSumOfSquares, covariance, condition, rank);
    }

    /// <summary>n, the number of residuals (data rows).</summary>
    public int Observations { get; }
    /// <summary>p, the number of fitted parameters.</summary>
    public int Parameters { get; }
    /// <summary>n − p, the divisor of the residual variance.</summary>
    public int DegreesOfFreedom => Observations - Parameters;
    /// <summary>RSS = Σ r², at the fitted parameters.</summary>
    public double ResidualSumOfSquares { get; }

    /// <summary>σ = sqrt(RSS / (n - p)), the residual standard deviation (NaN when n = p).</summary>
    public double ResidualStandardDeviation => DegreesOfFreedom > 0 ? Math.Sqrt(ResidualSumOfSquares / DegreesOfFreedom) : double.NaN;

    /// <summary>σ² (JᵀJ)⁻¹, p x p row-major in parameter order.</summary>
    public double[] Covariance { get; }

    /// <summary>Standard error of each parameter: sqrt of the covariance diagonal.</summary>
    public double[] StandardErrors { get; }

    /// <summary>Covariance scaled to a unit diagonal, p x p row-major; entries near ±1 flag parameters the data cannot tell apart.</summary>
    public double[] Correlation { get; }

    /// <summary>2-norm condition number of JᵀJ (λmax / λmin); infinity when J is rank deficient.</summary>
    public double ConditionNumber { get; }

    /// <summary>Numerical rank of J; below <see cref="Parameters"/> some parameters are not determined.</summary>
    public int Rank { get; }
}
