using System.Globalization;

namespace Downhill.Formulas;

/// <summary>The binary operators of a formula, in the order of the grammar.</summary>
public enum BinaryOperator
{
    /// <summary><c>a + b</c></summary>
    Add,
    /// <summary><c>a - b</c></summary>
    Subtract,
    /// <summary><c>a * b</c></summary>
    Multiply,
    /// <summary><c>a / b</c></summary>
    Divide,
    /// <summary><c>a ^ b</c>, right-associative: <c>2^3^2</c> is <c>2^(3^2)</c>.</summary>
    Power,
}

/// <summary>
/// A formula's syntax tree: immutable records compared by structure. <see cref="ToString"/>
/// writes the formula back as text with only the parentheses it needs, and parsing that text
/// gives back an equal tree.
/// </summary>
public abstract partial record Expr
{
    private Expr() { }

    /// <summary>A literal number; finite, because it must be written back as text.</summary>
    public sealed record Number : Expr
    {
        /// <summary>The number <paramref name="value"/>, which must be finite.</summary>
        public Number(double value)
        {
            if (!double.IsFinite(value)) Errors.OutOfRange(nameof(value), value, "a finite number");
            Value = value;
        }

        /// <summary>The number.</summary>
        public double Value { get; }
    }

    /// <summary>A named constant: <c>pi</c> or <c>e</c>.</summary>
    public sealed record Constant : Expr
    {
        /// <summary>The constant named <paramref name="name"/>: pi or e.</summary>
        public Constant(string name)
        {
            if (!TryGetConstant(name, out _)) Errors.Argument($"Constant: '{name}' is not a constant; the constants are pi and e.", nameof(name));
            Name = name;
        }

        /// <summary>The constant's name as written, pi or e.</summary>
        public string Name { get; }

        /// <summary>The constant's value (π or e) in double precision.</summary>
        public double Value => TryGetConstant(Name, out var value) ? value : double.NaN;
    }

    /// <summary>A name bound when the formula is evaluated: a parameter or a data column.</summary>
    public sealed record Variable : Expr
    {
        /// <summary>A variable named <paramref name="name"/>: a letter or _ then letters, digits or _, and not a constant or function name.</summary>
        public Variable(string name)
        {
            if (!Lexer.IsIdentifier(name))
                Errors.Argument($"Variable: '{name}' is not a name; a name is a letter or '_' followed by letters, digits or '_'.", nameof(name));
            if (TryGetConstant(name, out _) || FormulaFunctions.IsFunctionName(name))
                Errors.Argument($"Variable: '{name}' is a constant or function name and cannot name a variable.", nameof(name));
            Name = name;
        }

        /// <summary>The name as written in the formula.</summary>
        public string Name { get; }
    }

    /// <summary>Unary minus.</summary>
    public sealed record Negate(Expr Operand) : Expr
    {
        // Compared and hashed by a loop: the generated members recurse, and trees can be deep.
        /// <summary>Structural equality, compared by a loop rather than recursion so deep trees cannot overflow the stack.</summary>
        public bool Equals(Negate? other) => other is not null && SameTree(this, other);

        /// <summary>A hash of the whole tree's structure, consistent with equality.</summary>
        public override int GetHashCode() => TreeHash();
    }

    /// <summary>Two operands joined by an operator.</summary>
    /// <param name="Operator">The operator.</param>
    /// <param name="Left">The left operand.</param>
    /// <param name="Right">The right operand.</param>
    public sealed record Binary(BinaryOperator Operator, Expr Left, Expr Right) : Expr
    {
        /// <summary>Structural equality, compared by a loop rather than recursion so deep trees cannot overflow the stack.</summary>
        public bool Equals(Binary? other) => other is not null && SameTree(this, other);

        /// <summary>A hash of the whole tree's structure, consistent with equality.</summary>
        public override int GetHashCode() => TreeHash();
    }

    /// <summary>A function applied to its arguments: <c>exp(x)</c>, <c>max(a, b)</c>.</summary>
    public sealed record Call : Expr
    {
        /// <summary><paramref name="function"/> applied to <paramref name="arguments"/>, exactly as many as it takes.</summary>
        public Call(FormulaFunction function, params Expr[] arguments)
        {
            int arity = FormulaFunctions.Arity(function);
            if (arguments.Length != arity)
                Errors.Argument($"Call: {FormulaFunctions.Name(function)} takes {Plural(arity, "argument")}, {FormulaFunctions.Usage(function)}; {arguments.Length} given.", nameof(arguments));
            Function = function;
            Arguments = (Expr[])arguments.Clone();
        }

        /// <summary>The function called.</summary>
        public FormulaFunction Function { get; }

        /// <summary>The arguments, in order.</summary>
        public IReadOnlyList<Expr> Arguments { get; }

        /// <summary>Structural equality, compared by a loop rather than recursion so deep trees cannot overflow the stack.</summary>
        public bool Equals(Call? other) => other is not null && SameTree(this, other);

        /// <summary>A hash of the whole tree's structure, consistent with equality.</summary>
        public override int GetHashCode() => TreeHash();
    }

    /// <summary>
    /// Evaluates in double precision by walking the tree. This is the reference meaning of a
    /// formula (tests compare the tensor evaluation against it); fitting uses the tensor path.
    /// </summary>
    public double Evaluate(IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Interpret(this, values);
    }

    private static double Interpret(Expr e, IReadOnlyDictionary<string, double> values) => Fold<double>(e, (node, x) => node switch
    {
        Number n => n.Value,
        Constant c => c.Value,
        Variable v => values.TryGetValue(v.Name, out var value) ? value : MissingValue(v.Name, values),
        Negate => -x[0],
        Binary b => Apply(b.Operator, x[0], x[1]),
        Call { Arguments.Count: 1 } c => FormulaFunctions.Apply(c.Function, x[0]),
        Call c => FormulaFunctions.Apply(c.Function, x[0], x[1]),
        _ => throw new System.Diagnostics.UnreachableException(node.GetType().Name),
    });

    internal static double Apply(BinaryOperator op, double a, double b) => op switch
    {
        BinaryOperator.Add => a + b,
        BinaryOperator.Subtract => a - b,
        BinaryOperator.Multiply => a * b,
        BinaryOperator.Divide => a / b,
        BinaryOperator.Power => Math.Pow(a, b),
        _ => throw new System.Diagnostics.UnreachableException(op.ToString()),
    };

    private static double MissingValue(string name, IReadOnlyDictionary<string, double> values)
    {
        string given = values.Count == 0 ? "none" : string.Join(", ", values.Keys);
        Errors.Argument($"Evaluate: no value for '{name}'; values were given for: {given}.", nameof(values));
        return double.NaN;
    }

    /// <summary>Names of the variables in order of first appearance, each once.</summary>
    public IReadOnlyList<string> Variables()
    {
        var names = new List<string>();
        CollectVariables(this, names);
        return names;
    }

    internal static void CollectVariables(Expr e, List<string> names)
    {
        var seen = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (var node in e.Nodes())
            if (node is Variable v && seen.Add(v.Name)) names.Add(v.Name);
    }

    /// <summary>Whether the constant <paramref name="name"/> (pi or e) appears anywhere in this tree.</summary>
    internal bool UsesConstant(string name) => Nodes().Any(node => node is Constant c && c.Name == name);

    /// <summary>The formula as text with only the parentheses it needs; parsing it gives back an equal tree.</summary>
    public sealed override string ToString() => Printer.Print(this);

    internal static bool TryGetConstant(string name, out double value)
    {
        switch (name)
        {
            case "pi": value = Math.PI; return true;
            case "e": value = Math.E; return true;
            default: value = 0; return false;
        }
    }

    internal static string Plural(int n, string noun) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");
}
