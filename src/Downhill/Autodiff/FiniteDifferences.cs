using System.Numerics;

namespace Downhill;

/// <summary>Which side of x finite differences look at.</summary>
public enum FiniteDifference
{
    /// <summary>(f(x + h) - f(x)) / h: one extra evaluation per value nudged; error of order h.</summary>
    Forward,
    /// <summary>(f(x + h) - f(x - h)) / 2h: two extra evaluations per value nudged; error of order h².</summary>
    Central,
}

/// <summary>
/// How far finite differences nudge a value x: a <see cref="Fixed"/> step h whatever x is, or a
/// <see cref="Relative"/> one, h = scale·|x| (h = scale where x = 0).
/// </summary>
/// <remarks>
/// The quotient's denominator follows the kind of step. A fixed step is the user's nudge and the
/// textbook quotient divides by h itself (2h for central): "nudge by 0.01" gives the seeds'
/// spreadsheet numbers to the bit. A relative step divides by the steps actually taken,
/// (x + h) - x and x - (x - h): near a large x, x + h rounds, and dividing by h would bias the slope.
/// </remarks>
public readonly record struct FiniteDifferenceStep
{
    private FiniteDifferenceStep(double size, bool isRelative)
    {
        Size = size;
        IsRelative = isRelative;
    }

    /// <summary>h, or the scale of |x| for a relative step.</summary>
    public double Size { get; }

    /// <summary>True when the step is Size·|x| (Size itself at x = 0), false for Size at every x.</summary>
    public bool IsRelative { get; }

    /// <summary>The same step h at every x: the user's nudge (training, gradcheck, --gradient forward|central).</summary>
    public static FiniteDifferenceStep Fixed(double h)
    {
        if (!(h > 0 && double.IsFinite(h))) Errors.OutOfRange(nameof(h), h, "a finite step above 0, such as 0.01 or 1e-6");
        return new FiniteDifferenceStep(h, false);
    }

    /// <summary>h = scale·|x|, or scale at x = 0.</summary>
    public static FiniteDifferenceStep Relative(double scale)
    {
        if (!(scale > 0 && scale < 1)) Errors.OutOfRange(nameof(scale), scale, "a fraction of |x| between 0 and 1, such as 1e-8");
        return new FiniteDifferenceStep(scale, true);
    }

    /// <summary>
    /// The relative step that balances truncation error (h large) against round-off in the
    /// difference (h small) in double precision: √ε for forward differences (about 8 correct
    /// digits), ε^(1/3) for central ones (about 10). MINPACK's lmdif uses the forward one.
    /// </summary>
    public static FiniteDifferenceStep Balanced(FiniteDifference scheme) =>
        Relative(scheme == FiniteDifference.Forward ? Math.Sqrt(MachineEpsilon) : Math.Cbrt(MachineEpsilon));

    private const double MachineEpsilon = 2.220446049250313e-16; // 2^-52, the spacing of doubles at 1

    /// <summary>The nominal step at <paramref name="x"/>.</summary>
    internal T At<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T size = T.CreateTruncating(Size);
        // NOTE: relative to x itself, not to max(|x|, 1): NIST's Misra1a has b2 = 5.5e-4, where a
        // floor of 1 makes the step 1% of the parameter and costs 5 digits of its standard error.
        return IsRelative && x != T.Zero ? size * T.Abs(x) : size;
    }
}

/// <summary>Fills <paramref name="values"/> with f at the current point (which the caller nudges in place).</summary>
public delegate void FunctionValues<T>(Span<T> values);

/// <summary>
/// Numerical derivatives, the one implementation behind training with <c>--gradient
/// forward|central</c>, <see cref="GradCheck"/>, the Levenberg-Marquardt Jacobian
/// (<c>FiniteDifferenceJacobian</c>) and the least-squares statistics of a fit with numerical
/// gradients. One value at a time is nudged by the <see cref="FiniteDifferenceStep"/> and put back
/// exactly, so f may read the point from wherever it lives (a parameter tensor, an array).
/// </summary>
public static class FiniteDifferences
{
    /// <summary>
    /// The Jacobian of f at x: <paramref name="jacobian"/>[i·n + j] = ∂f_i/∂x_j for the m values
    /// of f (m = <paramref name="atX"/>.Length, f at x unnudged) and n = x.Length. Each x[j] is
    /// nudged in place while f runs, then restored. <paramref name="plus"/> and
    /// <paramref name="minus"/> are scratch of length m (minus unused by forward differences).
    /// </summary>
    public static void Jacobian<T>(Span<T> x, FunctionValues<T> f, ReadOnlySpan<T> atX, FiniteDifference scheme,
        FiniteDifferenceStep step, Span<T> jacobian, Span<T> plus, Span<T> minus) where T : IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        int m = atX.Length, n = x.Length;
        if (jacobian.Length < m * n) Errors.Argument($"FiniteDifferences.Jacobian: the result holds {jacobian.Length} values; {m} values of f by {n} nudged values need {m * n}.");
        if (plus.Length < m || (scheme == FiniteDifference.Central && minus.Length < m))
            Errors.Argument($"FiniteDifferences.Jacobian: scratch of {plus.Length} and {minus.Length} values is too short for the {m} values of f.");
        for (int j = 0; j < n; j++)
        {
            T xj = x[j];
            T h = step.At(xj);
            try
            {
                x[j] = xj + h;
                T forward = step.IsRelative ? x[j] - xj : h;
                f(plus);
                if (scheme == FiniteDifference.Forward)
                {
                    for (int i = 0; i < m; i++) jacobian[i * n + j] = (plus[i] - atX[i]) / forward;
                    continue;
                }
                x[j] = xj - h;
                T backward = step.IsRelative ? xj - x[j] : h;
                f(minus);
                for (int i = 0; i < m; i++) jacobian[i * n + j] = (plus[i] - minus[i]) / (forward + backward);
            }
            finally
            {
                x[j] = xj;
            }
        }
    }

    /// <summary>
    /// The gradient of a scalar f at x: <paramref name="gradient"/>[j] = ∂f/∂x_j, with
    /// <paramref name="atX"/> = f at x unnudged (read only by forward differences).
    /// </summary>
    public static void Gradient<T>(Span<T> x, Func<T> f, T atX, FiniteDifference scheme, FiniteDifferenceStep step, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(f);
        Span<T> plus = stackalloc T[1], minus = stackalloc T[1];
        Jacobian(x, values => values[0] = f(), [atX], scheme, step, gradient, plus, minus);
    }
}
