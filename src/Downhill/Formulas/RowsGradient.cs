namespace Downhill.Formulas;

/// <summary>
/// An expression compiled for gradient descent over rows of data (<c>Expr.CompileGradient</c>):
/// its value on every row, and the gradient of any weighted sum of those values by the
/// parameters, computed without the autodiff tape but as the tape computes it: the same
/// derivative rules, the same conventions at kinks (abs and relu at 0, min and max at ties,
/// 0^b), the same NaN and infinity where the tape gives them.
/// </summary>
/// <remarks>
/// Why it exists: fitting a formula on the tape allocates a tensor and a closure per op per
/// step, which for a small formula costs far more than the arithmetic. Here one step is two
/// loops of straight-line code without allocation; the Trainer's formula step (FormulaStep)
/// runs on it, with its measured gain.
/// </remarks>
public sealed class RowsGradient
{
    private readonly string text;
    private readonly string[] parameters;
    private readonly string[] columns;
    private readonly Action<double[], double[][], int, double[]> values;
    private readonly Action<double[], double[][], int, double[], double[]> gradient;
    private readonly bool[] reaches;

    internal RowsGradient(string text, string[] parameters, string[] columns,
        Action<double[], double[][], int, double[]> values, Action<double[], double[][], int, double[], double[]> gradient, bool[] reaches)
    {
        this.text = text;
        this.parameters = parameters;
        this.columns = columns;
        this.values = values;
        this.gradient = gradient;
        this.reaches = reaches;
    }

    /// <summary>The parameter names, in the order of the parameter and gradient arrays.</summary>
    public IReadOnlyList<string> Parameters => parameters;

    /// <summary>The column names, in the order of the column arrays.</summary>
    public IReadOnlyList<string> Columns => columns;

    /// <summary>
    /// <c>output[row]</c> = the value on that row for rows 0 to <paramref name="rows"/> - 1, with
    /// the i-th parameter bound to <c>parameterValues[i]</c> and the j-th column to <c>data[j][row]</c>.
    /// </summary>
    public void Values(double[] parameterValues, double[][] data, int rows, double[] output)
    {
        Check(parameterValues, data, rows, output, nameof(output));
        values(parameterValues, data, rows, output);
    }

    /// <summary>
    /// <c>result[i]</c> = the sum over rows of <c>upstream[row]</c> times the derivative of the
    /// row's value by parameter i: the gradient of a loss whose derivative by each row's value is
    /// <paramref name="upstream"/> (reverse mode, one pass over the rows).
    /// </summary>
    public void Gradient(double[] parameterValues, double[][] data, int rows, double[] upstream, double[] result)
    {
        Check(parameterValues, data, rows, upstream, nameof(upstream));
        ArgumentNullException.ThrowIfNull(result);
        if (result.Length != parameters.Length)
            Errors.Argument($"compiled gradient of '{text}': the result holds {result.Length} values for {parameters.Length} parameters ({List(parameters)}).");
        gradient(parameterValues, data, rows, upstream, result);
    }

    /// <summary>
    /// Whether parameter <paramref name="index"/> gets a gradient at all. False only where every
    /// path to it passes through a constant power 0 (<c>a^0</c>): there the tape leaves its Grad
    /// null, so optimizers skip it, rather than giving it a zero.
    /// </summary>
    internal bool Reaches(int index) => reaches[index];

    private void Check(double[] parameterValues, double[][] data, int rows, double[] perRow, string perRowName)
    {
        ArgumentNullException.ThrowIfNull(parameterValues);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(perRow);
        if (parameterValues.Length != parameters.Length)
            Errors.Argument($"compiled gradient of '{text}': {parameterValues.Length} parameter values given for {parameters.Length} parameters ({List(parameters)}).");
        if (data.Length != columns.Length)
            Errors.Argument($"compiled gradient of '{text}': {data.Length} columns given for {columns.Length} column names ({List(columns)}).");
        if (rows < 0) Errors.OutOfRange(nameof(rows), rows, "a row count of at least 0");
        for (int j = 0; j < data.Length; j++)
            if (data[j] is null || data[j].Length < rows)
                Errors.Argument($"compiled gradient of '{text}': column '{columns[j]}' has {data[j]?.Length ?? 0} rows; {rows} are needed.");
        if (perRow.Length < rows)
            Errors.Argument($"compiled gradient of '{text}': {perRowName} has {perRow.Length} values; {rows} rows need {rows}.");
    }

    private static string List(string[] names) => names.Length == 0 ? "none" : string.Join(", ", names);
}
