namespace Downhill.Analysis;

/// <summary>Why <see cref="LevenbergMarquardt"/> stopped; <see cref="LeastSquaresStopExtensions.Describe"/> says it in a sentence.</summary>
public enum LeastSquaresStop
{
    /// <summary>Actual and predicted relative reduction of the sum of squares both at most ftol.</summary>
    SmallReduction,
    /// <summary>The trust region radius fell to xtol times the scaled parameter norm.</summary>
    SmallStep,
    /// <summary>Both <see cref="SmallReduction"/> and <see cref="SmallStep"/> held.</summary>
    SmallReductionAndStep,
    /// <summary>The residuals are orthogonal to the Jacobian's columns up to gtol (a stationary point).</summary>
    SmallGradient,
    /// <summary>No further reduction is possible in double precision (ftol or xtol below what doubles resolve).</summary>
    MachinePrecision,
    /// <summary>MaxIterations Jacobian evaluations were used.</summary>
    IterationLimit,
    /// <summary>MaxEvaluations residual evaluations were used.</summary>
    EvaluationLimit,
    /// <summary>The residuals at the start point hold NaN or infinity.</summary>
    NonFiniteResiduals,
    /// <summary>The Jacobian holds NaN or infinity at the current parameters.</summary>
    NonFiniteJacobian,
    /// <summary>The caller's cancellation token was cancelled; the run stopped after the iteration under way.</summary>
    Cancelled,
}

/// <summary>What a <see cref="LeastSquaresStop"/> means, for code (<see cref="IsConverged"/>) and for people (<see cref="Describe"/>).</summary>
public static class LeastSquaresStopExtensions
{
    /// <summary>True when the stop means a (local) minimum was reached.</summary>
    public static bool IsConverged(this LeastSquaresStop stop) => stop is LeastSquaresStop.SmallReduction
        or LeastSquaresStop.SmallStep or LeastSquaresStop.SmallReductionAndStep
        or LeastSquaresStop.SmallGradient or LeastSquaresStop.MachinePrecision;

    /// <summary>One sentence for a person: why the run stopped and, when it did not converge, what to change.</summary>
    public static string Describe(this LeastSquaresStop stop) => stop switch
    {
        LeastSquaresStop.SmallReduction => "Converged: the last step changed the sum of squares by less than the function tolerance, and no step could do much better.",
        LeastSquaresStop.SmallStep => "Converged: the parameters changed by less than the step tolerance relative to their size.",
        LeastSquaresStop.SmallReductionAndStep => "Converged: both the change in the sum of squares and the change in the parameters fell below their tolerances.",
        LeastSquaresStop.SmallGradient => "Converged: the gradient is zero up to the gradient tolerance, so this is a stationary point.",
        LeastSquaresStop.MachinePrecision => "Converged as far as doubles allow: no step can reduce the sum of squares or move the parameters at this precision.",
        LeastSquaresStop.IterationLimit => "Not converged: the iteration limit was reached; raise MaxIterations or start closer to the solution.",
        LeastSquaresStop.EvaluationLimit => "Not converged: the evaluation limit was reached; raise MaxEvaluations or start closer to the solution.",
        LeastSquaresStop.NonFiniteResiduals => "Not started: the residuals at the start point contain NaN or infinity; choose a start where the model is defined.",
        LeastSquaresStop.NonFiniteJacobian => "Stopped: the Jacobian contains NaN or infinity at the current parameters; check the derivatives or the model's domain.",
        LeastSquaresStop.Cancelled => "Not converged: cancelled; the parameters are those of the last accepted step.",
        _ => throw new ArgumentOutOfRangeException(nameof(stop), stop, "not a LeastSquaresStop value"),
    };
}
