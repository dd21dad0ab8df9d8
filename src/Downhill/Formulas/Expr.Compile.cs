using System.Reflection;
using Linq = System.Linq.Expressions.Expression;

namespace Downhill.Formulas;

/// <summary>
/// Evaluates an expression for every row of data: <c>output[row]</c> gets its value with the
/// i-th parameter name bound to <c>parameters[i]</c> and the j-th column name to <c>columns[j][row]</c>.
/// </summary>
public delegate void RowsEvaluator(double[] parameters, double[][] columns, double[] output);

public abstract partial record Expr
{
    // Forward evaluation only, compiled to IL with System.Linq.Expressions for the places that
    // evaluate one formula millions of times: loss surfaces over a grid, predictions. Gradients
    // never come from here; they come from the autodiff tape (Formula.Evaluate<T>).
    // Compiled, a formula over many rows runs far faster than the tree-walking Evaluate with a
    // dictionary per row (figures in bench/README.md, "Measured gains").

    /// <summary>
    /// Compiles this expression to a delegate taking the values of <paramref name="variables"/>
    /// in that order. Every variable of the expression must be listed.
    /// </summary>
    public Func<double[], double> Compile(IReadOnlyList<string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        CheckNames(variables, []);
        var values = Linq.Parameter(typeof(double[]), "values");
        var body = ToLinq(this, name => Linq.ArrayIndex(values, Linq.Constant(IndexOf(variables, name))));
        var compiled = Linq.Lambda<Func<double[], double>>(body, values).Compile();
        int count = variables.Count;
        return v =>
        {
            ArgumentNullException.ThrowIfNull(v);
            if (v.Length != count)
                Errors.Argument($"compiled formula '{this}': {v.Length} values given for {count} variables ({string.Join(", ", variables)}).");
            return compiled(v);
        };
    }

    /// <summary>
    /// Compiles this expression to a loop over data rows (see <see cref="RowsEvaluator"/>). Names in
    /// <paramref name="parameters"/> take one value for all rows; names in <paramref name="columns"/>
    /// take one value per row. Every variable of the expression must be in one of the two lists.
    /// </summary>
    public RowsEvaluator CompileRows(IReadOnlyList<string> parameters, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(columns);
        CheckNames(parameters, columns);

        var p = Linq.Parameter(typeof(double[]), "parameters");
        var c = Linq.Parameter(typeof(double[][]), "columns");
        var output = Linq.Parameter(typeof(double[]), "output");
        var row = Linq.Variable(typeof(int), "row");
        // Parameters and column arrays are read into locals once, outside the row loop.
        var parameterLocals = parameters.Select(n => Linq.Variable(typeof(double), n)).ToArray();
        var columnLocals = columns.Select(n => Linq.Variable(typeof(double[]), n)).ToArray();
        var setup = new List<Linq>();
        for (int i = 0; i < parameterLocals.Length; i++)
            setup.Add(Linq.Assign(parameterLocals[i], Linq.ArrayIndex(p, Linq.Constant(i))));
        for (int j = 0; j < columnLocals.Length; j++)
            setup.Add(Linq.Assign(columnLocals[j], Linq.ArrayIndex(c, Linq.Constant(j))));

        var value = ToLinq(this, name =>
        {
            int i = IndexOf(parameters, name);
            return i >= 0 ? parameterLocals[i] : Linq.ArrayIndex(columnLocals[IndexOf(columns, name)], row);
        });
        var end = Linq.Label("end");
        var loop = Linq.Loop(
            Linq.IfThenElse(
                Linq.LessThan(row, Linq.ArrayLength(output)),
                Linq.Block(
                    Linq.Assign(Linq.ArrayAccess(output, row), value),
                    Linq.PostIncrementAssign(row)),
                Linq.Break(end)),
            end);
        var body = Linq.Block(
            [row, .. parameterLocals, .. columnLocals],
            [.. setup, Linq.Assign(row, Linq.Constant(0)), loop]);
        var compiled = Linq.Lambda<RowsEvaluator>(body, p, c, output).Compile();

        string text = ToString();
        return (values, data, result) =>
        {
            ArgumentNullException.ThrowIfNull(values);
            ArgumentNullException.ThrowIfNull(data);
            ArgumentNullException.ThrowIfNull(result);
            if (values.Length != parameters.Count)
                Errors.Argument($"compiled formula '{text}': {values.Length} parameter values given for {parameters.Count} parameters ({string.Join(", ", parameters)}).");
            if (data.Length != columns.Count)
                Errors.Argument($"compiled formula '{text}': {data.Length} columns given for {columns.Count} column names ({string.Join(", ", columns)}).");
            for (int j = 0; j < data.Length; j++)
                if (data[j] is null || data[j].Length < result.Length)
                    Errors.Argument($"compiled formula '{text}': column '{columns[j]}' has {data[j]?.Length ?? 0} rows; the output needs {result.Length}.");
            compiled(values, data, result);
        };
    }

    private void CheckNames(IReadOnlyList<string> first, IReadOnlyList<string> second)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in first.Concat(second))
            if (!seen.Add(name))
                Errors.Argument($"Compile: '{name}' is listed twice; each name is either one parameter or one column.");
        var missing = Variables().Where(v => !seen.Contains(v)).ToList();
        if (missing.Count > 0)
            Errors.Argument($"Compile: formula '{this}' uses {string.Join(", ", missing)}, which {(missing.Count == 1 ? "is" : "are")} not among the names given ({(seen.Count == 0 ? "none" : string.Join(", ", first.Concat(second)))}).");
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }

    // A subtree taller than this is computed into a local first. The expression compiler walks a
    // nested expression by recursion, so a long sum left as one nested expression could end the
    // process; ordinary formulas are far shorter and compile exactly as one expression.
    private const int SpillHeight = 64;

    /// <summary>The expression as one System.Linq expression: nested, with locals only past <see cref="SpillHeight"/>.</summary>
    private static Linq ToLinq(Expr e, Func<string, Linq> variable)
    {
        var locals = new List<System.Linq.Expressions.ParameterExpression>();
        var statements = new List<Linq>();
        var (value, _) = Fold<(Linq Value, int Height)>(e, (node, x) =>
        {
            var operands = new Linq[x.Length];
            int height = 0;
            for (int i = 0; i < x.Length; i++)
            {
                operands[i] = x[i].Value;
                if (x[i].Height >= SpillHeight)
                {
                    var local = Linq.Variable(typeof(double));
                    locals.Add(local);
                    statements.Add(Linq.Assign(local, operands[i]));
                    operands[i] = local;
                }
                else height = Math.Max(height, x[i].Height);
            }
            return (LinqOf(node, operands, variable), height + 1);
        });
        return statements.Count == 0 ? value : Linq.Block(locals, [.. statements, value]);
    }

    private static Linq LinqOf(Expr e, Linq[] x, Func<string, Linq> variable) => e switch
    {
        Number n => Linq.Constant(n.Value),
        Constant c => Linq.Constant(c.Value),
        Variable v => variable(v.Name),
        Negate => Linq.Negate(x[0]),
        Binary b => b.Operator switch
        {
            BinaryOperator.Add => Linq.Add(x[0], x[1]),
            BinaryOperator.Subtract => Linq.Subtract(x[0], x[1]),
            BinaryOperator.Multiply => Linq.Multiply(x[0], x[1]),
            BinaryOperator.Divide => Linq.Divide(x[0], x[1]),
            _ => Linq.Call(MathMethod(nameof(Math.Pow), 2), x[0], x[1]),
        },
        Call c => Linq.Call(FunctionMethod(c.Function), x),
        _ => throw new System.Diagnostics.UnreachableException(e.GetType().Name),
    };

    /// <summary>
    /// The static double method behind each function: Math's where it has one (the tape's
    /// one-value forward for double is that very method, and calling it directly spares compiled
    /// code a wrapper call per value), else the tape's own (<see cref="UnaryOp"/>, <see cref="Selection{T}"/>).
    /// </summary>
    private static MethodInfo FunctionMethod(FormulaFunction f) => f switch
    {
        FormulaFunction.Min => typeof(Selection<double>).GetMethod(nameof(Selection<double>.Min))!,
        FormulaFunction.Max => typeof(Selection<double>).GetMethod(nameof(Selection<double>.Max))!,
        FormulaFunction.Relu or FormulaFunction.Sigmoid or FormulaFunction.Softplus =>
            UnaryOp(f).GetMethod(nameof(IUnaryOp<double>.Forward), [typeof(double)])!,
        _ => MathMethod(f.ToString(), FormulaFunctions.Arity(f)),
    };

    private static MethodInfo MathMethod(string name, int arity) =>
        typeof(Math).GetMethod(name, [.. Enumerable.Repeat(typeof(double), arity)])!;
}
