namespace Downhill.Analysis;

/// <summary>
/// One accepted point of a <see cref="LevenbergMarquardt"/> run: iteration 0 is the start.
/// <paramref name="Parameters"/> is a fresh copy the receiver may keep (to draw the path).
/// <paramref name="Damping"/> is the Levenberg-Marquardt parameter λ of the step that led
/// here (0 for a pure Gauss-Newton step); <paramref name="StepBound"/> the trust region radius Δ
/// for the next step.
/// </summary>
public readonly record struct LevenbergMarquardtProgress(
    int Iteration, double ResidualSumOfSquares, double[] Parameters, double Damping, double StepBound);
