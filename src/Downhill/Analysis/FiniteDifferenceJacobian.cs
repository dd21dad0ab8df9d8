namespace Downhill.Analysis;

/// <summary>Fills the residuals r(θ) (length n) for the parameters θ (length p), without derivatives.</summary>
public delegate void ResidualValues(ReadOnlySpan<double> parameters, Span<double> residuals);

/// <summary>
/// Turns residual code without derivatives into a <see cref="ResidualFunction"/> by numerical
/// differentiation (<see cref="FiniteDifferences.Jacobian{T}"/>), nudging one parameter at a
/// time; MINPACK's lmdif does the same with forward differences.
/// </summary>
public static class FiniteDifferenceJacobian
{
    /// <summary>
    /// The returned function keeps scratch buffers, so one instance must not be called from two
    /// threads at once; call <see cref="Wrap"/> once per thread instead. The step defaults to
    /// <see cref="FiniteDifferenceStep.Balanced"/> for the scheme.
    /// </summary>
    public static ResidualFunction Wrap(ResidualValues residuals, int residualCount,
        FiniteDifference scheme = FiniteDifference.Central, FiniteDifferenceStep? step = null)
    {
        ArgumentNullException.ThrowIfNull(residuals);
        if (residualCount < 1)
            Errors.OutOfRange(nameof(residualCount), residualCount, "at least 1 residual");
        if (!Enum.IsDefined(scheme))
            Errors.OutOfRange(nameof(scheme), scheme, "FiniteDifference.Forward or FiniteDifference.Central");

        var h = step ?? FiniteDifferenceStep.Balanced(scheme);
        var plus = new double[residualCount];
        var minus = new double[residualCount];
        double[] nudged = [];
        FunctionValues<double> atNudged = values => residuals(nudged, values);

        return (parameters, r, jacobian) =>
        {
            residuals(parameters, r);
            if (jacobian.IsEmpty) return;
            if (nudged.Length != parameters.Length) nudged = new double[parameters.Length];
            parameters.CopyTo(nudged);
            FiniteDifferences.Jacobian(nudged, atNudged, r, scheme, h, jacobian, plus, minus);
        };
    }
}
