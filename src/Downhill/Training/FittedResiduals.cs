using Downhill.Analysis;
using Downhill.Data;
using Downhill.Formulas;
using Downhill.Models;

namespace Downhill.Training;

/// <summary>
/// The residuals of a <see cref="FormulaModel"/> on a data set over the parameters being fitted:
/// <see cref="FormulaResiduals"/> (residuals and the tape Jacobian over every parameter) with
/// frozen parameters held at the model's values and their Jacobian columns left out, and the
/// Jacobian by finite differences when <c>--gradient forward|central</c> asks for them.
/// </summary>
internal sealed class FittedResiduals
{
    private readonly FormulaModel model;
    private readonly FormulaResiduals all;
    private readonly int[] fitted;
    private readonly double[] full;
    private readonly double[] fullJacobian;
    private readonly ResidualFunction? numeric;

    public FittedResiduals(FormulaModel model, Dataset data, IReadOnlyCollection<string>? frozen, GradientMode gradient, double nudge)
    {
        if (gradient != GradientMode.Analytic && !(nudge > 0 && double.IsFinite(nudge)))
            Errors.OutOfRange(nameof(nudge), nudge, "a finite step above 0 for finite-difference Jacobians, such as 1e-6");
        frozen ??= [];
        foreach (var name in frozen)
            model.Parameter(name); // a misspelt name gets the list of parameters there are
        var columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var name in model.Formula.Variables)
            if (data.FeatureNames.Contains(name) || data.TargetNames.Contains(name))
                columns[name] = data.Column(name);
        all = new FormulaResiduals(model.Formula, columns, data.Source);
        fitted = Enumerable.Range(0, all.Parameters.Count).Where(k => !frozen.Contains(all.Parameters[k])).ToArray();
        if (fitted.Length == 0)
            Errors.Argument($"every parameter of '{model.Formula.Text}' is frozen ({string.Join(", ", frozen)}); leave at least one free to fit.");
        this.model = model;
        if (gradient != GradientMode.Analytic)
            numeric = FiniteDifferenceJacobian.Wrap(Values, all.Rows,
                gradient == GradientMode.Central ? FiniteDifference.Central : FiniteDifference.Forward, FiniteDifferenceStep.Fixed(nudge));
        full = all.Parameters.Select(name => model.Parameter(name).Item()).ToArray();
        fullJacobian = new double[all.Rows * all.Parameters.Count];
        Names = fitted.Select(k => all.Parameters[k]).ToArray();
    }

    public int Count => all.Rows;

    /// <summary>The fitted parameters' names, in the order of θ.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The left side on each row.</summary>
    public IReadOnlyList<double> Target => all.Target;

    /// <summary>θ: the model's current values of the fitted parameters.</summary>
    public double[] Current() => Names.Select(name => model.Parameter(name).Item()).ToArray();

    /// <summary>Writes θ into the model's parameters.</summary>
    public void Apply(ReadOnlySpan<double> theta)
    {
        for (int j = 0; j < Names.Count; j++) model.Parameter(Names[j]).Data[0] = theta[j];
    }

    /// <summary>The residuals alone at θ, for the finite-difference Jacobian.</summary>
    private void Values(ReadOnlySpan<double> theta, Span<double> residuals)
    {
        for (int j = 0; j < fitted.Length; j++) full[fitted[j]] = theta[j];
        all.Evaluate(full, residuals, []);
    }

    /// <summary>The <see cref="ResidualFunction"/> over the fitted parameters.</summary>
    public void Evaluate(ReadOnlySpan<double> theta, Span<double> residuals, Span<double> jacobian)
    {
        if (jacobian.IsEmpty)
        {
            Values(theta, residuals);
            return;
        }
        if (numeric is not null)
        {
            numeric(theta, residuals, jacobian);
            return;
        }
        for (int j = 0; j < fitted.Length; j++) full[fitted[j]] = theta[j];
        all.Evaluate(full, residuals, fullJacobian);
        int p = fitted.Length, q = all.Parameters.Count;
        for (int i = 0; i < Count; i++)
            for (int j = 0; j < p; j++) jacobian[i * p + j] = fullJacobian[i * q + fitted[j]];
    }
}
