using Downhill.Analysis;
using Downhill.Data;
using Downhill.Models;

namespace Downhill.Training;

/// <summary>
/// The residuals r_i(θ) = f(x_i; θ) - t_i of a formula model on a data set, where t is the
/// value of the formula's left side (y, or log(y) for <c>log(y) = ...</c>), and their Jacobian
/// from the autodiff tape, as the <see cref="ResidualFunction"/> that
/// <see cref="LevenbergMarquardt"/> minimizes. θ holds the fitted parameters in the model's
/// order, frozen ones left out (they keep the model's current values).
/// </summary>
/// <remarks>
/// The whole n x p Jacobian costs one forward and one backward pass: each fitted parameter
/// is bound as an [n] tensor holding its value once per row (an "expanded" parameter) instead
/// of a scalar. Formulas are element-wise, so row i of the output depends only on element i
/// of each expanded parameter, and the gradient of Σ_i f_i with respect to element i of
/// parameter j is exactly ∂f_i/∂θ_j. One <c>Backward()</c> therefore fills column j of J in
/// parameter j's gradient, where a scalar parameter would only get the column's sum.
/// </remarks>
public sealed class FormulaResiduals
{
    private readonly FormulaModel model;
    private readonly Dictionary<string, Tensor<double>> columns;
    private readonly double[] target;
    private readonly int[] fitted;
    private readonly int[] slotOfParameter;
    private readonly GradientMode gradient;
    private readonly double nudge;
    private double[] nudgeScratch = [];

    /// <param name="model">The formula; its current parameter values are used for frozen parameters.</param>
    /// <param name="data">Rows holding every input column of the formula and every column of its left side.</param>
    /// <param name="frozen">Names of parameters kept at their current value.</param>
    /// <param name="gradient">Analytic (the tape, above) or finite differences of the residuals.</param>
    /// <param name="nudge">The finite-difference step added to each parameter (forward and central only).</param>
    public FormulaResiduals(FormulaModel model, Dataset data, IReadOnlyCollection<string>? frozen = null,
        GradientMode gradient = GradientMode.Analytic, double nudge = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        if (gradient != GradientMode.Analytic && !(nudge > 0 && double.IsFinite(nudge)))
            Errors.OutOfRange(nameof(nudge), nudge, "a finite step above 0 for finite-difference Jacobians, such as 1e-6");
        frozen ??= [];
        foreach (var name in frozen)
            model.Parameter(name); // names the parameters there are when one is misspelled
        this.model = model;
        this.gradient = gradient;
        this.nudge = nudge;
        Count = data.Count;
        columns = new Dictionary<string, Tensor<double>>(StringComparer.Ordinal);
        foreach (var name in model.Formula.Variables)
            if (data.FeatureNames.Contains(name) || data.TargetNames.Contains(name))
                columns[name] = Tensor<double>.Wrap(data.Column(name), Count);

        Tensor<double> t;
        using (Autograd.NoGrad())
            t = model.Target(Column);
        target = t.Size == 1 ? Enumerable.Repeat(t.Item(), Count).ToArray() : t.ToArray();
        for (int i = 0; i < target.Length; i++)
            if (!double.IsFinite(target[i]))
                Errors.Data($"{data.Source} row {i + 1}: the formula's left side '{model.Formula.Target}' is {target[i]}; " +
                    "a least-squares fit needs a finite target on every row (remove the row, or fit a left side that is defined there).");

        var parameters = model.Parameters;
        slotOfParameter = new int[parameters.Count];
        var fittedList = new List<int>();
        for (int k = 0; k < parameters.Count; k++)
        {
            slotOfParameter[k] = frozen.Contains(parameters[k].Name!) ? -1 : fittedList.Count;
            if (slotOfParameter[k] >= 0) fittedList.Add(k);
        }
        fitted = fittedList.ToArray();
        if (fitted.Length == 0)
            Errors.Argument($"every parameter of '{model.Formula.Text}' is frozen ({string.Join(", ", frozen)}); leave at least one free to fit.");
        Names = fitted.Select(k => parameters[k].Name!).ToArray();
    }

    /// <summary>Rows, n: the number of residuals.</summary>
    public int Count { get; }

    /// <summary>The fitted parameters' names, in the order of θ.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The target each residual is measured from (the left side on the data).</summary>
    public ReadOnlySpan<double> Target => target;

    /// <summary>θ: the model's current values of the fitted parameters.</summary>
    public double[] Current() => fitted.Select(k => model.Parameters[k].Item()).ToArray();

    /// <summary>Writes θ into the model's parameters.</summary>
    public void Apply(ReadOnlySpan<double> theta)
    {
        CheckLength(theta.Length);
        for (int j = 0; j < fitted.Length; j++) model.Parameters[fitted[j]].Data[0] = theta[j];
    }

    /// <summary>The <see cref="ResidualFunction"/> for <see cref="LevenbergMarquardt.Minimize"/>.</summary>
    public void Evaluate(ReadOnlySpan<double> theta, Span<double> residuals, Span<double> jacobian)
    {
        CheckLength(theta.Length);
        if (residuals.Length != Count)
            Errors.Shape($"residuals has {residuals.Length} elements but the data has {Count} rows; pass one element per row.");
        if (jacobian.IsEmpty)
        {
            Residuals(theta, residuals);
            return;
        }
        if (jacobian.Length != Count * fitted.Length)
            Errors.Shape($"jacobian has {jacobian.Length} elements but rows x fitted parameters = {Count} x {fitted.Length}; pass an n x p row-major array.");
        if (gradient == GradientMode.Analytic) TapeJacobian(theta, residuals, jacobian);
        else FiniteDifferenceJacobian(theta, residuals, jacobian);
    }

    private void Residuals(ReadOnlySpan<double> theta, Span<double> residuals)
    {
        var values = theta.ToArray();
        Tensor<double> f;
        using (Autograd.NoGrad())
            f = model.Formula.Evaluate(name => Bind(name, values, expanded: false));
        Subtract(f, residuals);
    }

    private void TapeJacobian(ReadOnlySpan<double> theta, Span<double> residuals, Span<double> jacobian)
    {
        var values = theta.ToArray();
        var expanded = new Tensor<double>?[fitted.Length];
        var f = model.Formula.Evaluate(name =>
        {
            var t = Bind(name, values, expanded: true);
            if (SlotOf(name) is int j and >= 0) expanded[j] = t;
            return t;
        });
        Subtract(f, residuals);
        int p = fitted.Length;
        jacobian.Clear();
        if (!f.RequiresGrad) return; // no fitted parameter reaches the output: J = 0
        f.Sum().Backward();
        for (int j = 0; j < p; j++)
        {
            if (expanded[j]?.Grad is not { } g) continue; // the parameter does not reach the output
            var column = g.Data;
            for (int i = 0; i < Count; i++) jacobian[i * p + j] = column[i];
        }
    }

    private void FiniteDifferenceJacobian(ReadOnlySpan<double> theta, Span<double> residuals, Span<double> jacobian)
    {
        int p = fitted.Length;
        Residuals(theta, residuals);
        if (nudgeScratch.Length != 2 * Count) nudgeScratch = new double[2 * Count];
        Span<double> up = nudgeScratch.AsSpan(0, Count), down = nudgeScratch.AsSpan(Count, Count);
        var shifted = theta.ToArray();
        for (int j = 0; j < p; j++)
        {
            shifted[j] = theta[j] + nudge;
            Residuals(shifted, up);
            if (gradient == GradientMode.Central)
            {
                shifted[j] = theta[j] - nudge;
                Residuals(shifted, down);
                for (int i = 0; i < Count; i++) jacobian[i * p + j] = (up[i] - down[i]) / (2 * nudge);
            }
            else
                for (int i = 0; i < Count; i++) jacobian[i * p + j] = (up[i] - residuals[i]) / nudge;
            shifted[j] = theta[j];
        }
    }

    private Tensor<double> Bind(string name, double[] theta, bool expanded)
    {
        if (columns.TryGetValue(name, out var column)) return column;
        int slot = SlotOf(name) ?? throw new InvalidOperationException($"formula name '{name}' is neither a data column nor a parameter.");
        double value = slot >= 0 ? theta[slot] : model.Parameter(name).Item();
        if (!expanded || slot < 0) return Tensor<double>.Scalar(value);
        var t = Tensor<double>.Full(value, Count);
        t.RequiresGrad = true;
        return t;
    }

    private int? SlotOf(string name)
    {
        var parameters = model.Parameters;
        for (int k = 0; k < parameters.Count; k++)
            if (parameters[k].Name == name) return slotOfParameter[k];
        return null;
    }

    private Tensor<double> Column(string name) =>
        columns.TryGetValue(name, out var c) ? c
        : throw new ArgumentException($"the formula's left side uses '{name}', which is not a column of the data.");

    private void Subtract(Tensor<double> f, Span<double> residuals)
    {
        var values = f.Data;
        if (values.Length == 1)
            for (int i = 0; i < Count; i++) residuals[i] = values[0] - target[i];
        else
            for (int i = 0; i < Count; i++) residuals[i] = values[i] - target[i];
    }

    private void CheckLength(int length)
    {
        if (length != fitted.Length)
            Errors.Argument($"θ has {length} values but the formula has {fitted.Length} fitted parameters ({string.Join(", ", Names)}); pass one value each.");
    }
}
