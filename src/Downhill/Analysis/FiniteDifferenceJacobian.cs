namespace Downhill.Analysis;

/// <summary>Fills the residuals r(θ) (length n) for the parameters θ (length p), without derivatives.</summary>
public delegate void ResidualValues(ReadOnlySpan<double> parameters, Span<double> residuals);

/// <summary>How <see cref="FiniteDifferenceJacobian"/> nudges each parameter.</summary>
public enum FiniteDifference
{
    /// <summary>(r(θ + h e_j) - r(θ)) / h with h = √ε |θ_j| (√ε when θ_j = 0): p extra evaluations, about 8 correct digits.</summary>
    Forward,
    /// <summary>(r(θ + h e_j) - r(θ - h e_j)) / 2h with h = ε^(1/3) |θ_j| (ε^(1/3) when θ_j = 0): 2p extra evaluations, about 10 correct digits.</summary>
    Central,
}

/// <summary>
/// Turns residual code without derivatives into a <see cref="ResidualFunction"/> by numerical
/// differentiation, nudging one parameter at a time (MINPACK's lmdif does the same with
/// forward differences). The step balances truncation error (h large) against roundoff in the
/// difference (h small); each step is rounded so that θ + h is exactly representable.
/// </summary>
public static class FiniteDifferenceJacobian
{
    /// <summary>
    /// The returned function keeps scratch buffers, so one instance must not be called from two
    /// threads at once; call <see cref="Wrap"/> once per thread instead.
    /// </summary>
    public static ResidualFunction Wrap(ResidualValues residuals, int residualCount,
        FiniteDifference scheme = FiniteDifference.Central)
    {
        ArgumentNullException.ThrowIfNull(residuals);
        if (residualCount < 1)
            Errors.OutOfRange(nameof(residualCount), residualCount, "at least 1 residual");
        if (!Enum.IsDefined(scheme))
            Errors.OutOfRange(nameof(scheme), scheme, "FiniteDifference.Forward or FiniteDifference.Central");

        double relativeStep = scheme == FiniteDifference.Forward
            ? Math.Sqrt(LinearAlgebra.Precision.MachineEpsilon)
            : Math.Cbrt(LinearAlgebra.Precision.MachineEpsilon);
        var plus = new double[residualCount];
        var minus = new double[residualCount];
        double[] nudged = [];

        return (parameters, r, jacobian) =>
        {
            residuals(parameters, r);
            if (jacobian.IsEmpty) return;
            int p = parameters.Length, n = residualCount;
            if (nudged.Length != p) nudged = new double[p];
            parameters.CopyTo(nudged);
            for (int j = 0; j < p; j++)
            {
                double theta = parameters[j];
                // NOTE: relative to θ itself, not max(|θ|, 1): NIST's Misra1a has b2 = 5.5e-4, where a
                // floor of 1 makes the step 1% of the parameter and costs 5 digits of its standard error.
                double h = theta != 0 ? relativeStep * Math.Abs(theta) : relativeStep;
                // NOTE: use the step actually taken, (θ + h) - θ, not h, or rounding of θ + h biases the slope.
                nudged[j] = theta + h;
                double forward = nudged[j] - theta;
                residuals(nudged, plus);
                if (scheme == FiniteDifference.Forward)
                {
                    for (int i = 0; i < n; i++) jacobian[i * p + j] = (plus[i] - r[i]) / forward;
                }
                else
                {
                    nudged[j] = theta - h;
                    double backward = theta - nudged[j];
                    residuals(nudged, minus);
                    for (int i = 0; i < n; i++) jacobian[i * p + j] = (plus[i] - minus[i]) / (forward + backward);
                }
                nudged[j] = theta;
            }
        };
    }
}
