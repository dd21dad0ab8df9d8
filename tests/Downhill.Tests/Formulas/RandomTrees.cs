using CsCheck;
using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

/// <summary>Random formula trees over the variables x, y, z_1, w, for property tests.</summary>
internal static class RandomTrees
{
    public static readonly string[] Names = ["x", "y", "z_1", "w"];

    public static readonly Dictionary<string, double> Values = new() { ["x"] = 0.7, ["y"] = -1.3, ["z_1"] = 2.5, ["w"] = 10 };

    private static readonly Gen<Expr> Leaf = Gen.OneOf(
        Gen.Int[0, 100].Select(i => (Expr)new Expr.Number(i)),
        // Mantissa and decimal exponent, so printing meets both plain and E-notation numbers.
        Gen.Select(Gen.Double[1, 10], Gen.Int[-30, 30], (m, k) => (Expr)new Expr.Number(m * Math.Pow(10, k))),
        Gen.Int[0, Names.Length - 1].Select(i => (Expr)new Expr.Variable(Names[i])),
        Gen.Bool.Select(pi => (Expr)new Expr.Constant(pi ? "pi" : "e")));

    public static Gen<Expr> Tree(int depth) => Tree(depth, Leaf);

    /// <summary>Trees with the given leaves (numbers and names of the caller's choosing).</summary>
    public static Gen<Expr> Tree(int depth, Gen<Expr> leaf)
    {
        if (depth == 0) return leaf;
        var sub = Tree(depth - 1, leaf);
        int functions = Enum.GetValues<FormulaFunction>().Length;
        return Gen.OneOf(
            leaf,
            sub.Select(e => (Expr)new Expr.Negate(e)),
            Gen.Select(Gen.Int[0, 4], sub, sub, (op, l, r) => (Expr)new Expr.Binary((BinaryOperator)op, l, r)),
            Gen.Select(Gen.Int[0, functions - 1], sub, sub, (f, a, b) =>
            {
                var function = (FormulaFunction)f;
                return (Expr)(FormulaFunctions.Arity(function) == 1 ? new Expr.Call(function, a) : new Expr.Call(function, a, b));
            }));
    }
}
