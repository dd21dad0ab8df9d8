namespace Downhill.Analysis;

/// <summary>The outcome of <see cref="LevenbergMarquardt.Minimize"/>.</summary>
public sealed class LevenbergMarquardtResult
{
    private LeastSquaresStatistics? statistics;

    internal LevenbergMarquardtResult(double[] parameters, double[] residuals, double[] jacobian,
        double residualSumOfSquares, int iterations, int evaluations, int jacobianEvaluations, LeastSquaresStop stop)
    {
        Parameters = parameters;
        Residuals = residuals;
        Jacobian = jacobian;
        ResidualSumOfSquares = residualSumOfSquares;
        Iterations = iterations;
        Evaluations = evaluations;
        JacobianEvaluations = jacobianEvaluations;
        StoppedBecause = stop;
    }

    /// <summary>The best parameters found (the start itself if no step was accepted).</summary>
    public double[] Parameters { get; }

    /// <summary>Residuals at <see cref="Parameters"/>.</summary>
    public double[] Residuals { get; }

    /// <summary>Jacobian at <see cref="Parameters"/>, n x p row-major (empty when the run could not start).</summary>
    public double[] Jacobian { get; }

    /// <summary>Sum of the squared residuals at <see cref="Parameters"/>.</summary>
    public double ResidualSumOfSquares { get; }

    /// <summary>Accepted steps.</summary>
    public int Iterations { get; }

    /// <summary>Residual evaluations, rejected trial steps included.</summary>
    public int Evaluations { get; }

    /// <summary>Jacobian evaluations: one per outer iteration, plus one at the end when the final parameters' Jacobian was not yet computed.</summary>
    public int JacobianEvaluations { get; }

    /// <summary>Which test ended the run; <see cref="Explanation"/> says it in words.</summary>
    public LeastSquaresStop StoppedBecause { get; }

    /// <summary>True when the run stopped at a (local) minimum rather than at a limit or a fault.</summary>
    public bool Converged => StoppedBecause.IsConverged();

    /// <summary>A sentence for people: why the run stopped and what to do about it.</summary>
    public string Explanation => StoppedBecause.Describe();

    /// <summary>Standard errors, correlations and conditioning at the solution, from the final Jacobian.</summary>
    public LeastSquaresStatistics Statistics
    {
        get
        {
            if (Jacobian.Length == 0)
                Errors.Operation($"No statistics: the fit did not start ({Explanation})");
            return statistics ??= LeastSquaresStatistics.FromJacobian(Jacobian, Residuals.Length, Parameters.Length, ResidualSumOfSquares);
        }
    }
}
