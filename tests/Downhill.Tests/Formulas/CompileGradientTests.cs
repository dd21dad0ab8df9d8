using CsCheck;
using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

/// <summary>The compiled value and gradient (<see cref="Expr.CompileGradient"/>) against the autodiff tape, the reference.</summary>
public class CompileGradientTests
{
    private static readonly string[] ParameterNames = ["a", "b", "c"];
    private static readonly string[] ColumnNames = ["x", "w"];
    private const int Rows = 6;

    /// <summary>
    /// Relative to the value, or for a gradient to the sum of its rows' absolute terms. Both paths
    /// do the same operations in the same grouping, but the tape's forward functions are
    /// TensorPrimitives' vector kernels and the compiled code calls Math: exp, log, sin and the
    /// like differ by an ulp on some inputs, sinh and tanh by up to 1.2e-9 relative for |x| in
    /// [0.01, 0.1] (measured over 100,000 points), and the tape sums rows in vector order. Over
    /// 30,000 random trees of depth 3 (values of magnitude 0.05 to 3) all but one agreed within
    /// this tolerance, most to 1e-12; the one was tan near its pole, where an ulp in the argument
    /// moves the result by 1e-4. The fixed seed below holds no such tree.
    /// </summary>
    private const double Tolerance = 1e-10;

    /// <summary>For results that cancel to zero: a sum of terms near 1 is exact only to about 1e-16.</summary>
    private const double AbsoluteTolerance = 1e-14;

    // Leaves: small integers (0 and 2 are the exponents the tape treats apart), two-decimal
    // numbers, pi and e, and the names. Values are continuous, of magnitude 0.05 to 3: exact
    // zeros and ties are left to the edge-point test, with values where both paths are exact,
    // because where the tape's kernels and Math differ in the last bit a tie may break the other
    // way (and TensorPrimitives' tanh of -0 is +0).
    private static readonly Gen<Expr> Leaf = Gen.OneOf(
        Gen.Int[0, 3].Select(i => (Expr)new Expr.Number(i)),
        Gen.Double[-3, 3].Select(v => (Expr)new Expr.Number(Math.Round(v, 2) + 0.0)),
        Gen.Bool.Select(pi => (Expr)new Expr.Constant(pi ? "pi" : "e")),
        Gen.Int[0, ParameterNames.Length - 1].Select(i => (Expr)new Expr.Variable(ParameterNames[i])),
        Gen.Int[0, ColumnNames.Length - 1].Select(i => (Expr)new Expr.Variable(ColumnNames[i])));

    private static readonly Gen<double> Value = Gen.Select(Gen.Bool, Gen.Double[0.05, 3], (negative, v) => negative ? -v : v);

    private sealed record Case(Expr Tree, double[] Parameters, double[][] Columns, double[] Upstream);

    private static readonly Gen<Case> Cases = Gen.Select(
        RandomTrees.Tree(3, Leaf), Value.Array[ParameterNames.Length], Value.Array[Rows].Array[ColumnNames.Length], Gen.Double[-1, 1].Array[Rows],
        (tree, p, columns, upstream) => new Case(tree, p, columns, upstream));

    [Fact]
    public void Random_trees_of_every_function_give_the_tapes_values_and_gradients()
    {
        int checkedGradients = 0;
        Cases.Array[1500].Sample(cases =>
        {
            foreach (var c in cases) checkedGradients += CompareWithTape(c.Tree, c.Parameters, c.Columns, c.Upstream);
        }, seed: "0N0XIzNsQ0O2", iter: 1);
        Assert.True(checkedGradients > 400, $"only {checkedGradients} trees depended on a parameter");
    }

    // Kinks, domain edges and the tape's special cases, each where its convention decides the
    // result. NaN must meet NaN and infinity the same infinity. Finite values agree to the bit
    // where the rows' arithmetic is exact or correctly rounded (last argument true), within the
    // tolerance where exp, sin and the like enter (the tape's kernels and Math may differ by an ulp).
    [Theory]
    [InlineData("abs(a - x)", 1.0, 1.0, true)]               // subgradient 0 at 0
    [InlineData("relu(a - x)", 1.0, 1.0, true)]              // 0 at 0
    [InlineData("relu(a*x)", double.NaN, 1.0, true)]         // relu keeps the NaN
    [InlineData("sqrt(a*x)", 0.0, 2.0, true)]                // 1/(2 sqrt 0) = inf, times x
    [InlineData("min(a, x)", 1.0, 1.0, true)]                // a tie: half each
    [InlineData("max(a*x, 2)", 1.0, 2.0, true)]              // tie with a constant
    [InlineData("min(a, x)", double.NaN, 1.0, true)]         // NaN: no gradient to either side
    [InlineData("a^x", -2.0, 3.0, true)]                     // negative base, integer exponent: fine for a
    [InlineData("x^a", -2.0, 3.0, true)]                     // negative base: d/da = r ln(-2) = NaN
    [InlineData("x^a", 2.0, 0.0, true)]                      // 0^a with a >= 0: the limit 0, not NaN
    [InlineData("x^a", -1.0, 0.0, true)]                     // 0^a with a < 0: inf * -inf
    [InlineData("a^x + a^2 + a^3", -1.5, 0.5, true)]         // exponent 2 as a*a; 3 through a^(3-1) = a*a too
    [InlineData("log(a*x)", 1.0, -1.0, true)]                // log of a negative: NaN
    [InlineData("log10(a) + asin(a*x) + acos(x/a)", 0.5, 2.0, false)]
    [InlineData("a/x + b/a - c*0/x", 2.0, 0.0, true)]        // division by 0
    [InlineData("exp(a*x) - exp(a*x)*b", 800.0, 1.0, false)] // overflow to inf; inf - inf
    [InlineData("tan(a) + tanh(a*x) + sigmoid(-a*x) + softplus(a*x) + atan(a)", 0.7, -1.3, false)]
    [InlineData("sin(a*x) * cos(b) + sinh(c - x) / cosh(a)", 0.7, -1.3, false)]
    public void Edge_points_follow_the_tapes_conventions(string text, double a, double x, bool exact)
    {
        var tree = Formula.Parse(text).Right;
        double[][] columns = [[x, x, x], [0, 0, 0]];
        int compared = CompareWithTape(tree, [a, 0.25, -0.5], columns, [1.0, -0.5, 0.75], exact);
        Assert.Equal(1, compared);
    }

    [Fact]
    public void A_parameter_reached_only_through_a_power_0_gets_no_gradient_as_on_the_tape()
    {
        var tree = Formula.Parse("a^0 * x + b").Right;
        var compiled = tree.CompileGradient(["a", "b"], ["x"]);
        Assert.False(compiled.Reaches(0));
        Assert.True(compiled.Reaches(1));
        CompareWithTape(tree, [2, 3, 0], [[1, 2], [0, 0]], [1, 1], exact: true);
    }

    [Fact]
    public void A_formula_without_columns_gives_every_row_its_value_and_sums_the_upstream()
    {
        var compiled = Formula.Parse("a*b + 1").Right.CompileGradient(["a", "b"], []);
        var output = new double[3];
        compiled.Values([2, 5], [], 3, output);
        Assert.Equal([11.0, 11, 11], output);
        var gradient = new double[2];
        compiled.Gradient([2, 5], [], 3, [1, 2, 4], gradient);
        Assert.Equal([5.0 * 7, 2.0 * 7], gradient);
    }

    [Fact]
    public void Equal_subtrees_are_shared_and_their_gradients_add()
    {
        // d/da of exp(a*x) + exp(a*x) = 2 x exp(a x), by hand.
        var compiled = Formula.Parse("exp(a*x) + exp(a*x)").Right.CompileGradient(["a"], ["x"]);
        var gradient = new double[1];
        compiled.Gradient([0.5], [[2.0]], 1, [1.0], gradient);
        Assert.Equal(2 * 2 * Math.Exp(1), gradient[0], 1e-15);
    }

    [Fact]
    public void Arguments_are_checked_with_messages_naming_the_mismatch()
    {
        var compiled = Formula.Parse("m*x + b").Right.CompileGradient(["m", "b"], ["x"]);
        var e = Assert.Throws<ArgumentException>(() => compiled.Values([1], [[1.0]], 1, new double[1]));
        Assert.Equal("compiled gradient of 'm*x + b': 1 parameter values given for 2 parameters (m, b).", e.Message);
        e = Assert.Throws<ArgumentException>(() => compiled.Values([1, 2], [[1.0]], 2, new double[2]));
        Assert.Equal("compiled gradient of 'm*x + b': column 'x' has 1 rows; 2 are needed.", e.Message);
        e = Assert.Throws<ArgumentException>(() => compiled.Gradient([1, 2], [[1.0, 2]], 2, [1.0], new double[2]));
        Assert.Equal("compiled gradient of 'm*x + b': upstream has 1 values; 2 rows need 2.", e.Message);
        e = Assert.Throws<ArgumentException>(() => compiled.Gradient([1, 2], [[1.0]], 1, [1.0], new double[3]));
        Assert.Equal("compiled gradient of 'm*x + b': the result holds 3 values for 2 parameters (m, b).", e.Message);
        e = Assert.Throws<ArgumentException>(() => Formula.Parse("m*x").Right.CompileGradient(["m"], []));
        Assert.Equal("Compile: formula 'm*x' uses x, which is not among the names given (m).", e.Message);
    }

    /// <summary>
    /// Values and Σ upstream[row] d value[row] / d parameter from the compiled code and from the
    /// tape. Gradients are compared relative to Σ |upstream[row] d value[row] / d parameter|,
    /// each row's term taken from the tape alone: a sum over rows that cancels to near zero
    /// is only as exact as its largest term. Returns 1 if the tree depends on a parameter, else 0.
    /// </summary>
    private static int CompareWithTape(Expr tree, double[] parameterValues, double[][] columns, double[] upstream, bool exact = false)
    {
        int rows = upstream.Length;
        var compiled = tree.CompileGradient(ParameterNames, ColumnNames);
        var values = new double[rows];
        compiled.Values(parameterValues, columns, rows, values);
        var gradient = new double[ParameterNames.Length];
        compiled.Gradient(parameterValues, columns, rows, upstream, gradient);

        var (tapeValues, tapeGradient) = Tape(tree, parameterValues, columns, upstream);
        for (int row = 0; row < rows; row++)
            AssertClose(tapeValues[row], values[row], exact ? -1 : Math.Abs(tapeValues[row]), $"value of {tree} on row {row}");
        if (tapeGradient is null)
        {
            for (int i = 0; i < gradient.Length; i++)
            {
                Assert.False(compiled.Reaches(i));
                Assert.Equal(0.0, gradient[i]);
            }
            return 0;
        }
        var scale = new double[gradient.Length];
        for (int row = 0; row < rows && !exact; row++)
        {
            var alone = new double[rows];
            alone[row] = upstream[row];
            var term = Tape(tree, parameterValues, columns, alone).Gradient!;
            for (int i = 0; i < scale.Length; i++) scale[i] += Math.Abs(term[i] ?? 0);
        }
        for (int i = 0; i < gradient.Length; i++)
        {
            Assert.True(compiled.Reaches(i) == tapeGradient[i] is not null, $"{tree}: does {ParameterNames[i]} get a gradient?");
            if (tapeGradient[i] is double g) AssertClose(g, gradient[i], exact ? -1 : scale[i], $"d/d{ParameterNames[i]} of {tree}");
        }
        return 1;
    }

    /// <summary>The tree on tensors: each row's value, and each parameter's Grad after Backward of the upstream-weighted sum (null if the tree needs no gradient).</summary>
    private static (double[] Values, double?[]? Gradient) Tape(Expr tree, double[] parameterValues, double[][] columns, double[] upstream)
    {
        int rows = upstream.Length;
        var parameters = parameterValues.Select(v => { var p = NDArray<double>.Scalar(v); p.RequiresGrad = true; return p; }).ToArray();
        var y = TensorEvaluator<double>.Run(tree, name =>
        {
            int i = Array.IndexOf(ParameterNames, name);
            return i >= 0 ? parameters[i] : NDArray<double>.FromArray(columns[Array.IndexOf(ColumnNames, name)][..rows]);
        }, tree.ToString());
        var values = Enumerable.Range(0, rows).Select(row => y.Data[y.Size == 1 ? 0 : row]).ToArray();
        if (!y.RequiresGrad) return (values, null);
        var weighted = (y * NDArray<double>.FromArray(upstream)).Sum();
        // Backward refuses a NaN or infinite loss; the test wants the tape's gradient anyway,
        // and no backward closure reads the loss's own value.
        weighted.Data[0] = 0;
        weighted.Backward();
        return (values, [.. parameters.Select(p => p.Grad?.Item())]);
    }

    /// <summary>Equal (NaN with NaN, the same infinity), or finite and within <see cref="Tolerance"/> times <paramref name="scale"/> (a negative scale: exactly).</summary>
    private static void AssertClose(double expected, double actual, double scale, string what)
    {
        bool close = expected.Equals(actual)
            || (double.IsFinite(expected) && double.IsFinite(actual) && scale >= 0 && Math.Abs(expected - actual) <= Tolerance * scale + AbsoluteTolerance);
        Assert.True(close, $"{what}: tape {expected:R}, compiled {actual:R}");
    }
}
