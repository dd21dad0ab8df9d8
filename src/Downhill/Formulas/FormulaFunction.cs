namespace Downhill.Formulas;

/// <summary>The functions a formula may call. Every one maps onto one tensor op of the autodiff engine.</summary>
public enum FormulaFunction
{
    /// <summary><c>exp(x)</c> = eˣ.</summary>
    Exp,
    /// <summary><c>log(x)</c>, the natural logarithm; NaN below 0.</summary>
    Log,
    /// <summary><c>sqrt(x)</c>, the square root; NaN below 0.</summary>
    Sqrt,
    /// <summary><c>abs(x)</c> = |x|.</summary>
    Abs,
    /// <summary><c>sin(x)</c>, x in radians.</summary>
    Sin,
    /// <summary><c>cos(x)</c>, x in radians.</summary>
    Cos,
    /// <summary><c>tan(x)</c>, x in radians.</summary>
    Tan,
    /// <summary><c>tanh(x)</c>, the hyperbolic tangent, between −1 and 1.</summary>
    Tanh,
    /// <summary><c>sigmoid(x)</c> = 1 / (1 + e⁻ˣ), between 0 and 1.</summary>
    Sigmoid,
    /// <summary><c>relu(x)</c> = max(0, x).</summary>
    Relu,
    /// <summary><c>softplus(x)</c> = log(1 + eˣ), a smooth relu.</summary>
    Softplus,
    /// <summary><c>min(a</c>, b), the smaller argument.</summary>
    Min,
    /// <summary><c>max(a</c>, b), the larger argument.</summary>
    Max,
    /// <summary><c>pow(x</c>, y) = xʸ, the same as x^y.</summary>
    Pow,
    /// <summary><c>atan(x)</c>, in radians.</summary>
    Atan,
    /// <summary><c>asin(x)</c>, in radians; NaN outside [−1, 1].</summary>
    Asin,
    /// <summary><c>acos(x)</c>, in radians; NaN outside [−1, 1].</summary>
    Acos,
    /// <summary><c>sinh(x)</c>, the hyperbolic sine.</summary>
    Sinh,
    /// <summary><c>cosh(x)</c>, the hyperbolic cosine.</summary>
    Cosh,
    /// <summary><c>log10(x)</c>, the base-10 logarithm; NaN below 0.</summary>
    Log10,
}

/// <summary>Names, arities and double-precision meaning of <see cref="FormulaFunction"/>, in one table.</summary>
internal static class FormulaFunctions
{
    private sealed record Info(string Name, int Arity, string Usage);

    private static readonly Info[] Table =
    [
        new("exp", 1, "exp(x)"), new("log", 1, "log(x)"), new("sqrt", 1, "sqrt(x)"), new("abs", 1, "abs(x)"),
        new("sin", 1, "sin(x)"), new("cos", 1, "cos(x)"), new("tan", 1, "tan(x)"), new("tanh", 1, "tanh(x)"),
        new("sigmoid", 1, "sigmoid(x)"), new("relu", 1, "relu(x)"), new("softplus", 1, "softplus(x)"),
        new("min", 2, "min(a, b)"), new("max", 2, "max(a, b)"), new("pow", 2, "pow(x, y)"),
        new("atan", 1, "atan(x)"), new("asin", 1, "asin(x)"), new("acos", 1, "acos(x)"),
        new("sinh", 1, "sinh(x)"), new("cosh", 1, "cosh(x)"), new("log10", 1, "log10(x)"),
    ];

    private static readonly Dictionary<string, FormulaFunction> ByName =
        Enum.GetValues<FormulaFunction>().ToDictionary(f => Table[(int)f].Name, StringComparer.Ordinal);

    // Names people type for a function we have under another name.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["ln"] = "log", ["arctan"] = "atan", ["arcsin"] = "asin", ["arccos"] = "acos", ["exponent"] = "exp",
        ["power"] = "pow", ["minimum"] = "min", ["maximum"] = "max", ["logistic"] = "sigmoid",
    };

    public static IEnumerable<string> Names => Table.Select(i => i.Name);

    public static string Name(FormulaFunction f) => Table[(int)f].Name;

    public static int Arity(FormulaFunction f) => Table[(int)f].Arity;

    /// <summary>How to call it, e.g. "max(a, b)", for messages.</summary>
    public static string Usage(FormulaFunction f) => Table[(int)f].Usage;

    public static bool TryGet(string name, out FormulaFunction function) => ByName.TryGetValue(name, out function);

    public static bool IsFunctionName(string name) => ByName.ContainsKey(name);

    /// <summary>The known function closest to <paramref name="name"/> (a typo or another spelling), or null.</summary>
    public static string? Suggest(string name)
    {
        if (Aliases.TryGetValue(name.ToLowerInvariant(), out var alias)) return alias;
        var lower = name.ToLowerInvariant();
        if (ByName.ContainsKey(lower)) return lower;
        // Short names need a closer match: 'm' is one edit from nothing useful, 'sine' one from 'sin'.
        int allowed = name.Length <= 3 ? 1 : 2;
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in Names)
        {
            int d = Spelling.EditDistance(lower, candidate);
            if (d < bestDistance) { best = candidate; bestDistance = d; }
        }
        return bestDistance <= allowed && bestDistance < name.Length ? best : null;
    }

    /// <summary>The function in double precision: the reference the tensor ops are tested against.</summary>
    public static double Apply(FormulaFunction f, double x, double y = double.NaN) => f switch
    {
        FormulaFunction.Exp => Math.Exp(x),
        FormulaFunction.Log => Math.Log(x),
        FormulaFunction.Sqrt => Math.Sqrt(x),
        FormulaFunction.Abs => Math.Abs(x),
        FormulaFunction.Sin => Math.Sin(x),
        FormulaFunction.Cos => Math.Cos(x),
        FormulaFunction.Tan => Math.Tan(x),
        FormulaFunction.Tanh => Math.Tanh(x),
        FormulaFunction.Sigmoid => SigmoidOp<double>.Forward(x),
        FormulaFunction.Relu => ReluOp<double>.Forward(x),
        FormulaFunction.Softplus => SoftplusOp<double>.Forward(x),
        FormulaFunction.Min => Selection<double>.Min(x, y),
        FormulaFunction.Max => Selection<double>.Max(x, y),
        FormulaFunction.Pow => Math.Pow(x, y),
        FormulaFunction.Atan => Math.Atan(x),
        FormulaFunction.Asin => Math.Asin(x),
        FormulaFunction.Acos => Math.Acos(x),
        FormulaFunction.Sinh => Math.Sinh(x),
        FormulaFunction.Cosh => Math.Cosh(x),
        FormulaFunction.Log10 => Math.Log10(x),
        _ => throw new System.Diagnostics.UnreachableException($"function {f} has no double meaning"),
    };
}
