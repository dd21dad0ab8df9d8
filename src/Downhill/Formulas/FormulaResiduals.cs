using System.Globalization;

namespace Downhill.Formulas;

/// <summary>
/// An equation fitted to data as a least-squares problem: the residuals r_i = model_i - target_i
/// for each row, and their Jacobian dr_i/dθ_j from the autodiff tape. <see cref="Evaluate"/> has
/// the shape of Downhill.Analysis' residual callback, so Levenberg-Marquardt can fit a typed formula.
/// Reuses buffers between calls: one instance per thread.
/// </summary>
public sealed class FormulaResiduals
{
    private readonly Formula formula;
    private readonly Dictionary<string, NDArray<double>> columnTensors;
    private readonly double[][] columnArrays;
    private readonly double[] target;
    private readonly RowsEvaluator model;
    private readonly double[] parameterBuffer;
    private readonly double[] modelBuffer;

    /// <param name="formula">An equation such as <c>y = a*exp(b*x)</c>.</param>
    /// <param name="data">Columns by name, all of the same length; names the formula uses become data, the others parameters (see <see cref="Formula.Split"/>).</param>
    /// <param name="dataName">How messages name the data, e.g. "data.csv".</param>
    public FormulaResiduals(Formula formula, IReadOnlyDictionary<string, double[]> data, string dataName = "the data")
    {
        ArgumentNullException.ThrowIfNull(formula);
        ArgumentNullException.ThrowIfNull(data);
        if (!formula.IsEquation)
            Errors.Argument($"formula '{formula.Text}' has no left side; fitting needs an equation such as y = m*x + b, with the data's column on the left.");
        this.formula = formula;
        var split = formula.Split(data.Keys, dataName);
        Parameters = split.Parameters;
        Columns = split.Columns;

        Rows = data[Columns[0]].Length;
        foreach (var name in Columns)
            if (data[name].Length != Rows)
                Errors.Argument($"column '{name}' of {dataName} has {data[name].Length} rows but '{Columns[0]}' has {Rows}; every column needs one value per row.");
        if (Rows == 0) Errors.Argument($"{dataName} has no rows to fit.");

        columnArrays = [.. Columns.Select(name => data[name])];
        columnTensors = Columns.ToDictionary(name => name, name => NDArray.FromArray(data[name]), StringComparer.Ordinal);
        target = new double[Rows];
        formula.Target!.CompileRows([], Columns)([], columnArrays, target);
        for (int i = 0; i < Rows; i++)
            if (!double.IsFinite(target[i]))
                Errors.Argument($"formula's left side '{formula.Target}' is {target[i].ToString(CultureInfo.InvariantCulture)} at row {i + 1} of {dataName} ({RowValues(i)}); fitting needs a finite target on every row.");

        model = formula.Right.CompileRows(Parameters, Columns);
        parameterBuffer = new double[Parameters.Count];
        modelBuffer = new double[Rows];
    }

    /// <summary>The names of θ, in the order of <see cref="Evaluate"/>'s parameters and the Jacobian's columns.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>The data columns the formula uses.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Data rows: one residual each.</summary>
    public int Rows { get; }

    /// <summary>The left side on each row: what the model should equal.</summary>
    public IReadOnlyList<double> Target => target;

    /// <summary>
    /// Writes r_i = model_i - target_i for θ = <paramref name="parameters"/> and, when
    /// <paramref name="jacobian"/> is not empty, dr_i/dθ_j into jacobian[i*p + j].
    /// </summary>
    public void Evaluate(ReadOnlySpan<double> parameters, Span<double> residuals, Span<double> jacobian)
    {
        int p = Parameters.Count;
        if (parameters.Length != p)
            Errors.Argument($"FormulaResiduals: {parameters.Length} parameter values given for {p} parameters ({string.Join(", ", Parameters)}).");
        if (residuals.Length != Rows)
            Errors.Argument($"FormulaResiduals: the residuals span holds {residuals.Length} values; the data has {Rows} rows.");
        if (jacobian.Length != 0 && jacobian.Length != Rows * p)
            Errors.Argument($"FormulaResiduals: the Jacobian span holds {jacobian.Length} values; {Rows} rows x {p} parameters need {Rows * p} (or 0 for residuals only).");

        // Residuals always come from the compiled evaluator, so that a residual-only call and a
        // call with the Jacobian give the same bits at the same θ (the solver compares them).
        parameters.CopyTo(parameterBuffer);
        model(parameterBuffer, columnArrays, modelBuffer);
        for (int i = 0; i < Rows; i++) residuals[i] = modelBuffer[i] - target[i];
        if (jacobian.Length != 0) Jacobian(parameters, jacobian);
    }

    /// <summary>
    /// The mean of the squared residuals at <paramref name="parameters"/>: the cost of the
    /// seeds' error landscape (its square root is the RMSE), cheap enough to fill a grid.
    /// </summary>
    public double MeanSquaredError(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != Parameters.Count)
            Errors.Argument($"FormulaResiduals: {parameters.Length} parameter values given for {Parameters.Count} parameters ({string.Join(", ", Parameters)}).");
        parameters.CopyTo(parameterBuffer);
        model(parameterBuffer, columnArrays, modelBuffer);
        double sum = 0;
        for (int i = 0; i < Rows; i++)
        {
            double r = modelBuffer[i] - target[i];
            sum += r * r;
        }
        return sum / Rows;
    }

    /// <summary>
    /// The whole Jacobian from one backward pass: each parameter enters as a leaf of shape [n]
    /// filled with its value. Formulas are element-wise, so row i of the model depends only on
    /// element i of each leaf, and the gradient of sum(model) at element i is exactly dr_i/dθ_j.
    /// (Finite differences would need p + 1 evaluations and lose half the digits.)
    /// </summary>
    private void Jacobian(ReadOnlySpan<double> parameters, Span<double> jacobian)
    {
        int p = Parameters.Count;
        var leaves = new Dictionary<string, NDArray<double>>(columnTensors, StringComparer.Ordinal);
        var parameterLeaves = new NDArray<double>[p];
        for (int j = 0; j < p; j++)
        {
            parameterLeaves[j] = NDArray<double>.Full(parameters[j], Rows);
            parameterLeaves[j].RequiresGrad = true;
            leaves[Parameters[j]] = parameterLeaves[j];
        }
        var rows = formula.Evaluate<double>(name => leaves[name]);
        foreach (var value in rows.Data)
            if (!double.IsFinite(value))
            {
                // Backward refuses a non-finite loss; NaN tells the solver this θ is unusable.
                jacobian.Fill(double.NaN);
                return;
            }
        // rows - rows.Detach() is exactly 0 (so large rows cannot overflow the sum) and has the
        // same gradient as rows.
        (rows - rows.Detach()).Sum().Backward();
        for (int j = 0; j < p; j++)
        {
            var g = parameterLeaves[j].Grad;
            for (int i = 0; i < Rows; i++) jacobian[i * p + j] = g is null ? 0 : g.Data[i];
        }
    }

    private string RowValues(int row) =>
        string.Join(", ", Columns.Select((name, j) => $"{name} = {columnArrays[j][row].ToString(CultureInfo.InvariantCulture)}"));
}
