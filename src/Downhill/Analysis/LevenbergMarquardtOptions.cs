namespace Downhill.Analysis;

/// <summary>
/// Settings of <see cref="LevenbergMarquardt"/>, named after MINPACK's lmder arguments
/// (ftol, xtol, gtol, maxfev, factor, mode). Use <c>new LevenbergMarquardtOptions()</c> or
/// <c>with</c> on it; <c>default</c> has zero limits and is rejected.
/// </summary>
public readonly record struct LevenbergMarquardtOptions
{
    /// <summary>The defaults described on each property; tighter than MINPACK's where noted.</summary>
    public LevenbergMarquardtOptions() { }

    /// <summary>
    /// ftol: stop when both the actual and the predicted relative reduction of the sum of
    /// squares in one step are at most this. 1e-15 (not MINPACK's 1.49e-8) because the
    /// last steps are cheap and buy the certified digits on the NIST StRD problems.
    /// </summary>
    public double FunctionTolerance { get; init; } = 1e-15;

    /// <summary>xtol: stop when the trust region radius is at most this times ||D θ||.</summary>
    public double StepTolerance { get; init; } = 1e-15;

    /// <summary>
    /// gtol: stop when the cosine of the angle between the residuals and every column of
    /// the Jacobian is at most this. 0 disables the test except for an exactly zero gradient.
    /// </summary>
    public double GradientTolerance { get; init; } = 0;

    /// <summary>Most Jacobian evaluations (outer iterations).</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Most residual evaluations, trial steps included (MINPACK's maxfev).</summary>
    public int MaxEvaluations { get; init; } = 10_000;

    /// <summary>
    /// factor: the first trust region radius is this times ||D θ0|| (or this itself when that
    /// is 0). MINPACK recommends 100; 0.1 to 1 for a start close to a steep valley.
    /// </summary>
    public double InitialStepBound { get; init; } = 100;

    /// <summary>
    /// mode 1: scale each parameter by the largest norm its Jacobian column has had, so the
    /// method does not care about the parameters' units. False uses D = I (mode 2 with ones).
    /// </summary>
    public bool ScaleParameters { get; init; } = true;

    internal void Validate()
    {
        CheckTolerance(nameof(FunctionTolerance), FunctionTolerance);
        CheckTolerance(nameof(StepTolerance), StepTolerance);
        CheckTolerance(nameof(GradientTolerance), GradientTolerance);
        if (MaxIterations < 1)
            Errors.OutOfRange(nameof(MaxIterations), MaxIterations, "at least 1 (the default is 1000)");
        if (MaxEvaluations < 1)
            Errors.OutOfRange(nameof(MaxEvaluations), MaxEvaluations, "at least 1 (the default is 10000)");
        if (!(InitialStepBound > 0) || !double.IsFinite(InitialStepBound))
            Errors.OutOfRange(nameof(InitialStepBound), InitialStepBound, "a finite number above 0, usually between 0.1 and 100 (the default is 100)");
    }

    private static void CheckTolerance(string name, double value)
    {
        if (!(value >= 0) || !double.IsFinite(value))
            Errors.OutOfRange(name, value, "a finite number at least 0, such as 1e-15");
    }
}
