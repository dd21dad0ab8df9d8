namespace Downhill.Analysis;

/// <summary>
/// Fills the residuals r(θ) (length n) for the parameters θ (length p) and, when
/// <paramref name="jacobian"/> is not empty, the Jacobian ∂r_i/∂θ_j as an n x p row-major
/// array (row i at jacobian[i*p .. i*p+p)). The sign convention of r is free (model - data or
/// data - model) as long as the Jacobian is the derivative of what is written to residuals.
/// </summary>
public delegate void ResidualFunction(ReadOnlySpan<double> parameters, Span<double> residuals, Span<double> jacobian);
