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
    private readonly GradientMode gradient;
    private readonly double nudge;

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
        this.gradient = gradient;
        this.nudge = nudge;
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

    /// <summary>The <see cref="ResidualFunction"/> over the fitted parameters.</summary>
    public void Evaluate(ReadOnlySpan<double> theta, Span<double> residuals, Span<double> jacobian)
    {
        for (int j = 0; j < fitted.Length; j++) full[fitted[j]] = theta[j];
        if (jacobian.IsEmpty)
        {
            all.Evaluate(full, residuals, []);
            return;
        }
        if (gradient != GradientMode.Analytic)
        {
            FiniteDifferences(theta, residuals, jacobian);
            return;
        }
        all.Evaluate(full, residuals, fullJacobian);
        int p = fitted.Length, q = all.Parameters.Count;
        for (int i = 0; i < Count; i++)
            for (int j = 0; j < p; j++) jacobian[i * p + j] = fullJacobian[i * q + fitted[j]];
    }

    private void FiniteDifferences(ReadOnlySpan<double> theta, Span<double> residuals, Span<double> jacobian)
    {
        int p = fitted.Length;
        all.Evaluate(full, residuals, []);
        var up = new double[Count];
        var down = new double[Count];
        for (int j = 0; j < p; j++)
        {
            int k = fitted[j];
            full[k] = theta[j] + nudge;
            all.Evaluate(full, up, []);
            if (gradient == GradientMode.Central)
            {
                full[k] = theta[j] - nudge;
                all.Evaluate(full, down, []);
                for (int i = 0; i < Count; i++) jacobian[i * p + j] = (up[i] - down[i]) / (2 * nudge);
            }
            else
                for (int i = 0; i < Count; i++) jacobian[i * p + j] = (up[i] - residuals[i]) / nudge;
            full[k] = theta[j];
        }
    }
}
