namespace Downhill.Formulas;

/// <summary>
/// A formula typed as text: an objective to minimize, <c>(1 - x)^2 + 100*(y - x^2)^2</c>, or an
/// equation whose left side is the target to fit, <c>y = m*x + b</c> or
/// <c>log(y) = b1 - b2*x1*exp(-b3*x2)</c>. Names are bound when it is evaluated; on tensors the
/// evaluation records ordinary ops on the one autodiff tape, so <c>Backward()</c> gives its gradient.
/// </summary>
public sealed partial class Formula
{
    private Formula(string text, Expr? target, Expr right)
    {
        Text = text;
        Target = target;
        Right = right;
        var names = new List<string>();
        if (target is not null) Expr.CollectVariables(target, names);
        Expr.CollectVariables(right, names);
        Variables = names;
    }

    /// <summary>
    /// Parses <paramref name="text"/>; throws <see cref="FormulaException"/> pointing at the problem.
    /// Sums and products may have any number of terms. Nesting is limited to 256 levels, each
    /// '(', function call, unary '-' and '^' counting one: deeper text is refused with its depth.
    /// </summary>
    public static Formula Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (target, right) = Parser.Parse(text);
        return new Formula(text, target, right);
    }

    /// <summary>The text as the user typed it.</summary>
    public string Text { get; }

    /// <summary>The left side of an equation (what the data should equal); null for an objective.</summary>
    public Expr? Target { get; }

    /// <summary>The right side of an equation (the model), or the whole objective.</summary>
    public Expr Right { get; }

    /// <summary>True for <c>y = ...</c>, a model to fit to data; false for an objective to minimize.</summary>
    public bool IsEquation => Target is not null;

    /// <summary>
    /// Every name in the formula, each once, in order of first appearance from left to right;
    /// constants (<c>pi</c>, <c>e</c>) and function names are not variables.
    /// </summary>
    public IReadOnlyList<string> Variables { get; }

    /// <summary>The right side (or the objective) in double precision; see <see cref="Expr.Evaluate"/>.</summary>
    public double Evaluate(IReadOnlyDictionary<string, double> values) => Right.Evaluate(values);

    /// <summary>The left side in double precision; throws for an objective, which has none.</summary>
    public double EvaluateTarget(IReadOnlyDictionary<string, double> values) => RequireTarget(nameof(EvaluateTarget)).Evaluate(values);

    /// <summary>
    /// Splits the names for fitting against data: those that name a column are data, the rest are
    /// parameters to learn. Checks that the left side is made of columns, that a constant is not
    /// shadowed by a column of the same name, and that something is left to fit.
    /// </summary>
    /// <param name="columnNames">The data's column names (case-sensitive, as the formula).</param>
    /// <param name="dataName">How messages name the data, e.g. the file name "data.csv".</param>
    public FormulaSplit Split(IEnumerable<string> columnNames, string dataName = "the data")
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        var columns = columnNames.ToList();
        var known = new HashSet<string>(columns, StringComparer.Ordinal);
        string listed = columns.Count == 0 ? "(none)" : string.Join(", ", columns);

        foreach (var constant in new[] { "pi", "e" })
            if (known.Contains(constant) && (Right.UsesConstant(constant) || (Target?.UsesConstant(constant) ?? false)))
                Errors.Argument($"'{constant}' is both a constant in the formula and a column of {dataName}; rename the column so the formula can use it.");

        if (Target is not null)
        {
            var targetNames = Target.Variables();
            foreach (var name in targetNames)
                if (!known.Contains(name))
                    Errors.Argument($"formula's left side '{name}' is not a column of {dataName}; columns: {listed}");
            if (targetNames.Count == 0)
                Errors.Argument($"formula's left side '{Target}' uses no column of {dataName}; it should be the data to fit, e.g. y = ... with y one of: {listed}");
        }

        var used = Variables.Where(known.Contains).ToList();
        var parameters = Variables.Where(v => !known.Contains(v)).ToList();
        if (parameters.Count == 0)
            Errors.Argument($"formula '{Text}' has nothing to fit: every name in it ({string.Join(", ", Variables)}) is a column of {dataName}; a parameter is a name that is not a column, e.g. y = m*x + b");
        return new FormulaSplit(used, parameters);
    }

    private Expr RequireTarget(string operation)
    {
        if (Target is null)
            Errors.Operation($"{operation}: formula '{Text}' has no left side; write it as an equation such as y = m*x + b.");
        return Target;
    }

    /// <summary>The formula with normalized spacing and parentheses; parses back to the same trees.</summary>
    public override string ToString() => Target is null ? Right.ToString() : $"{Target} = {Right}";
}

/// <summary>The names of a formula split for fitting: data columns and parameters, each in order of first appearance.</summary>
public sealed record FormulaSplit(IReadOnlyList<string> Columns, IReadOnlyList<string> Parameters);
