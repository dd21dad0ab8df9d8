namespace Downhill;

/// <summary>The comparison for one parameter: the worst element and how far Backward() was from finite differences.</summary>
public sealed record ParameterGradCheck(
    string Name, int[] Shape, double WorstAbsoluteError, double WorstRelativeError,
    int[] WorstPosition, double Analytic, double Numeric);

/// <summary>The outcome of a gradient check, parameter by parameter.
/// </summary>
/// <param name="Parameters">One comparison per parameter, in the model's order.</param>
public sealed record GradCheckReport(IReadOnlyList<ParameterGradCheck> Parameters)
{
    /// <summary>The largest relative error over all parameters (0 when there are none): the number to hold against a tolerance.</summary>
    public double WorstRelativeError => Parameters.Count == 0 ? 0 : Parameters.Max(p => p.WorstRelativeError);

    /// <summary>True when every element's relative error is at most <paramref name="relativeTolerance"/>, e.g. 1e-6 in double precision.</summary>
    public bool Passes(double relativeTolerance) => WorstRelativeError <= relativeTolerance;
}

/// <summary>
/// Gradient checking: compares <see cref="NDArray{T}.Backward"/> with central finite differences
/// (f(x+h) - f(x-h)) / 2h in double precision (<see cref="FiniteDifferences"/> with a fixed step h),
/// for every element of every parameter.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// The relative error is |analytic - numeric| / max(|analytic|, |numeric|, 1): relative
    /// for gradients above 1 and absolute below, because central differences carry an absolute
    /// round-off noise of about 1e-16 * |f| / h whatever the size of the gradient, so a purely
    /// relative measure would fail every gradient that is truly 0.
    /// </summary>
    public static GradCheckReport Run(Func<NDArray<double>> loss, IReadOnlyList<NDArray<double>> parameters, double step = 1e-6)
    {
        if (!(step > 0)) Errors.OutOfRange(nameof(step), step, "a positive finite-difference step such as 1e-6");
        foreach (var p in parameters)
            if (!p.RequiresGrad) Errors.Argument($"GradCheck: parameter {p.Describe()} does not require a gradient; set RequiresGrad = true or leave it out.");
        foreach (var p in parameters) p.ZeroGrad();
        loss().Backward();
        var report = new List<ParameterGradCheck>();
        using var scope = Autograd.NoGrad();
        var h = FiniteDifferenceStep.Fixed(step);
        for (int pi = 0; pi < parameters.Count; pi++)
        {
            var p = parameters[pi];
            var analytic = p.Grad?.Buffer ?? new double[p.Size];
            var numeric = new double[p.Size];
            FiniteDifferences.Gradient(p.Data, () => loss().Item(), double.NaN, FiniteDifference.Central, h, numeric);
            double worstAbs = 0, worstRel = 0, worstA = 0, worstN = 0;
            int worstIndex = 0;
            for (int i = 0; i < p.Size; i++)
            {
                double abs = Math.Abs(analytic[i] - numeric[i]);
                double rel = abs / Math.Max(1.0, Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric[i])));
                if (double.IsNaN(rel)) rel = double.PositiveInfinity;
                if (rel > worstRel || i == 0)
                {
                    worstRel = rel; worstAbs = abs; worstIndex = i; worstA = analytic[i]; worstN = numeric[i];
                }
            }
            report.Add(new ParameterGradCheck(p.Name ?? $"parameter {pi}", p.Shape.ToArray(), worstAbs, worstRel,
                Unravel(worstIndex, p.Shape), worstA, worstN));
        }
        return new GradCheckReport(report);
    }

    private static int[] Unravel(int index, Shape shape)
    {
        var pos = new int[shape.Rank];
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            int size = Math.Max(shape[d], 1);
            pos[d] = index % size;
            index /= size;
        }
        return pos;
    }
}
