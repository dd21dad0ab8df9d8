using Downhill.Formulas;

namespace Downhill.Models;

/// <summary>
/// A typed formula as a model: identifiers naming data columns are inputs, the others are
/// scalar parameters (start values from <c>init</c>, default 1). The formula is evaluated on
/// the autodiff tape over whole columns, so fitting it is the same gradient descent as any
/// network. Computes in double: its parameters keep the meaning the user wrote.
/// </summary>
public sealed class FormulaModel : Model<double>
{
    private readonly NDArray<double>[] parameters;
    private readonly Dictionary<string, NDArray<double>> parameterByName;
    private readonly Dictionary<string, int> columnIndex;
    private RowsGradient? compiledGradient;

    /// <param name="formula">An equation such as <c>y = a*exp(b*x) + c</c>.</param>
    /// <param name="inputs">The data columns the model receives, in the order of the feature matrix.</param>
    /// <param name="parameterNames">The formula's identifiers that are not columns, in order of appearance.</param>
    public FormulaModel(Formula formula, IReadOnlyList<string> inputs, IReadOnlyList<string> parameterNames,
        IReadOnlyDictionary<string, double>? init = null)
    {
        Formula = formula;
        InputNames = inputs.ToArray();
        columnIndex = InputNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        if (init is not null)
            foreach (var name in init.Keys)
                if (!parameterNames.Contains(name))
                    throw new ArgumentException(columnIndex.ContainsKey(name)
                        ? $"start value for '{name}' (FitSettings.Init): '{name}' is a data column, not a parameter; only parameters get start values ({List(parameterNames)})."
                        : $"start value for '{name}' (FitSettings.Init): the formula has no parameter '{name}'; its parameters are {List(parameterNames)}.");
        foreach (var name in formula.Right.Variables())
            if (!columnIndex.ContainsKey(name) && !parameterNames.Contains(name))
                Errors.Argument($"FormulaModel: the formula '{formula.Text}' uses '{name}', which is neither an input column ({List(InputNames)}) " +
                    $"nor a parameter ({List(parameterNames)}); add it to one of the two.");
        parameters = parameterNames.Select(name =>
        {
            var p = NDArray<double>.Scalar(init is not null && init.TryGetValue(name, out var v) ? v : 1.0);
            p.Name = name;
            p.RequiresGrad = true;
            return p;
        }).ToArray();
        parameterByName = parameters.ToDictionary(p => p.Name!, StringComparer.Ordinal);
    }

    /// <summary>The parsed formula: the target on the left, the expression on the right.</summary>
    public Formula Formula { get; }
    /// <summary>The data columns the formula reads, in the order of the feature columns it is given.</summary>
    public string[] InputNames { get; }
    /// <summary>Always <see cref="ModelKind.Formula"/>.</summary>
    public override ModelKind Kind => ModelKind.Formula;
    /// <summary>One scalar tensor per constant of the formula, named after it.</summary>
    public override IReadOnlyList<NDArray<double>> Parameters => parameters;
    /// <summary>The number of data columns, <see cref="InputNames"/>.</summary>
    public override int Inputs => InputNames.Length;
    /// <summary>1: a formula predicts one target.</summary>
    public override int Outputs => 1;

    /// <summary>
    /// The right side and its gradient compiled over the columns it reads (made on first use, then
    /// kept: compiling takes milliseconds, a visible share of a small CLI fit): the Trainer's
    /// formula step runs on it.
    /// </summary>
    internal RowsGradient CompiledGradient
    {
        get
        {
            if (compiledGradient is null)
            {
                var used = Formula.Right.Variables();
                compiledGradient = Formula.Right.CompileGradient([.. parameters.Select(p => p.Name!)], [.. InputNames.Where(used.Contains)]);
            }
            return compiledGradient;
        }
    }

    /// <summary>The right side evaluated for each row of <paramref name="features"/> [rows, Inputs], as [rows, 1]; a formula without data columns gives its one value on every row.</summary>
    public override NDArray<double> Forward(NDArray<double> features)
    {
        if (features.Rank != 2 || features.Shape[1] != Inputs)
            Errors.Shape($"FormulaModel: features {features.Shape} do not fit the formula's {Inputs} input columns ({string.Join(", ", InputNames)}).");
        int n = features.Shape[0];
        var y = Formula.Evaluate<double>(name => Variable(name, features));
        if (y.Size == 1 && n != 1) y = y * NDArray<double>.Ones(n); // a formula without data columns predicts one value for every row
        return y.Reshape(n, 1);
    }

    /// <summary>The value of the formula's left side on the data (the target a formula like <c>log(y) = ...</c> is fitted to).</summary>
    public NDArray<double> Target(Func<string, NDArray<double>> column) => Formula.EvaluateTarget(column);

    /// <summary>The columns the formula reads, in <see cref="InputNames"/> order, as [rows, inputs].</summary>
    public NDArray<double> InputsFrom(Data.Dataset data)
    {
        int n = data.Count, m = Inputs;
        var x = new double[n * m];
        for (int j = 0; j < m; j++)
        {
            var column = data.Column(InputNames[j]);
            for (int i = 0; i < n; i++) x[i * m + j] = column[i];
        }
        return NDArray<double>.Wrap(x, n, m);
    }

    /// <summary>The left side evaluated on every row, as [rows, 1]; a NaN or infinity (log of a negative y) is an error naming it.</summary>
    public NDArray<double> TargetFrom(Data.Dataset data)
    {
        int n = data.Count;
        NDArray<double> target;
        using (Autograd.NoGrad())
            target = Target(name => NDArray<double>.Wrap(data.Column(name), n));
        if (target.Size == 1 && n != 1) target = target * NDArray<double>.Ones(n);
        var y = target.Detach().Reshape(n, 1);
        y.CheckFinite($"{data.Source}: the formula's left side '{Formula.Target}'");
        return y;
    }

    private NDArray<double> Variable(string name, NDArray<double> features)
    {
        if (parameterByName.TryGetValue(name, out var p)) return p;
        int j = columnIndex[name];
        int n = features.Shape[0], m = features.Shape[1];
        var column = new double[n];
        var data = features.Data;
        for (int i = 0; i < n; i++) column[i] = data[i * m + j];
        return NDArray<double>.Wrap(column, n);
    }

    private static string List(IEnumerable<string> names)
    {
        var s = string.Join(", ", names);
        return s.Length == 0 ? "none" : s;
    }
}
