using System.Runtime.ExceptionServices;
using CsCheck;
using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

/// <summary>
/// Formulas far longer or deeper than a person types, through every entry point. A sum of n
/// terms is a tree n levels deep, and each of these walks once recursed and ended the process
/// with a stack overflow from about 18,000 terms (the CLI's test in LongFormulaCliTests). Here
/// the walks run on a thread with a small stack, where recursion once per term would overflow
/// at a few hundred terms, so a few thousand keep the tests quick and still prove the walks do
/// not recurse. Expected values come from plain loops that add and multiply left to right, the
/// order the formula's text asks for.
/// </summary>
public class LongFormulaTests
{
    private const int Terms = 5_000;

    private static void OnSmallStack(Action test)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { test(); }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    private static string Repeat(string term, string separator, int count) => string.Join(separator, Enumerable.Repeat(term, count));

    /// <summary>0.1 added left to right: ((x + x) + x) + ...; another grouping rounds differently.</summary>
    private static double SumLeftToRight(double x, int count)
    {
        double s = x;
        for (int i = 1; i < count; i++) s += x;
        return s;
    }

    [Fact]
    public void A_long_sum_parses_prints_and_compares() => OnSmallStack(() =>
    {
        var f = Formula.Parse(Repeat("x", "+", Terms));
        Assert.Equal(["x"], f.Variables);
        Assert.Equal(["x"], f.Right.Variables());
        Assert.Equal(Repeat("x", " + ", Terms), f.ToString());
        var again = Formula.Parse(f.ToString());
        Assert.Equal(f.Right, again.Right);
        Assert.Equal(f.Right.GetHashCode(), again.Right.GetHashCode());
        Assert.NotEqual(f.Right, Formula.Parse(Repeat("x", "+", Terms - 1) + "-x").Right);
    });

    [Fact]
    public void A_long_sum_evaluates_left_to_right_on_every_path() => OnSmallStack(() =>
    {
        var f = Formula.Parse(Repeat("x", "+", Terms));
        double expected = SumLeftToRight(0.1, Terms);
        Assert.NotEqual(Terms * 0.1, expected); // the grouping shows in the last bits

        Assert.Equal(expected, f.Evaluate(new Dictionary<string, double> { ["x"] = 0.1 }));
        Assert.Equal(expected, f.Right.Compile(["x"])([0.1]));
        var rows = new double[2];
        f.Right.CompileRows([], ["x"])([], [[0.1, 1]], rows);
        Assert.Equal([expected, Terms], rows);

        var x = NDArray.Parameter(new[] { 0.1 });
        var loss = f.Evaluate<double>(_ => x);
        Assert.Equal(expected, loss.Item());
        loss.Backward();
        Assert.Equal(Terms, x.Grad!.Item());

        var compiled = f.Right.CompileGradient(["x"], []);
        var values = new double[1];
        compiled.Values([0.1], [], 1, values);
        Assert.Equal(expected, values[0]);
        var gradient = new double[1];
        compiled.Gradient([0.1], [], 1, [1.0], gradient);
        Assert.Equal(Terms, gradient[0]);
    });

    [Fact]
    public void A_long_product_multiplies_left_to_right() => OnSmallStack(() =>
    {
        var f = Formula.Parse(Repeat("x", "*", Terms));
        double expected = 1.00001;
        for (int i = 1; i < Terms; i++) expected *= 1.00001;
        Assert.Equal(expected, f.Evaluate(new Dictionary<string, double> { ["x"] = 1.00001 }));
        Assert.Equal(expected, f.Right.Compile(["x"])([1.00001]));
        var x = NDArray.Parameter(new[] { 1.00001 });
        Assert.Equal(expected, f.Evaluate<double>(_ => x).Item());
    });

    /// <summary>
    /// Past 32,000 locals (a sum of some 16,000 terms) the compiled gradient keeps values and
    /// adjoints in an array. Forced here on small random trees (compiling 16,000 terms takes
    /// seconds): both forms must give the same bits, signed zeros included. A NaN need only meet
    /// a NaN: the JIT may turn g*-1 into a negation in one form, which flips a NaN's sign bit.
    /// </summary>
    [Fact]
    public void The_compiled_gradient_in_an_array_gives_the_bits_of_the_one_in_locals()
    {
        string[] parameters = ["x", "y"], columns = ["z_1", "w"];
        double[][] data = [[0.5, -1.25, 3, 0], [2, 0.75, -0.5, 1e-3]];
        double[] upstream = [1, 0.5, -2, 3];
        RandomTrees.Tree(4).Sample(tree =>
        {
            var inLocals = tree.CompileGradient(parameters, columns);
            var inArray = tree.CompileGradient(parameters, columns, maxLocals: 0);
            double[] v1 = new double[4], v2 = new double[4], g1 = new double[2], g2 = new double[2];
            inLocals.Values([0.3, -0.7], data, 4, v1);
            inArray.Values([0.3, -0.7], data, 4, v2);
            inLocals.Gradient([0.3, -0.7], data, 4, upstream, g1);
            inArray.Gradient([0.3, -0.7], data, 4, upstream, g2);
            Assert.Equal(Bits(v1), Bits(v2));
            Assert.Equal(Bits(g1), Bits(g2));
        }, seed: "0N0XIzNsQ0O2", iter: 100);

        static long[] Bits(double[] values) => [.. values.Select(v => double.IsNaN(v) ? -1 : BitConverter.DoubleToInt64Bits(v))];
    }

    [Fact]
    public void Parentheses_at_the_limit_work()
    {
        var f = Formula.Parse(new string('(', Parser.MaxDepth) + "x + 1" + new string(')', Parser.MaxDepth));
        Assert.Equal(3, f.Evaluate(new Dictionary<string, double> { ["x"] = 2 }));
    }

    [Theory]
    [InlineData("(", ")", 257)]
    [InlineData("-", "", 257)]
    [InlineData("sqrt(", ")", 1285)]
    public void Nesting_100000_deep_is_refused_with_the_depth_and_a_short_message(string open, string close, int column)
    {
        var text = Repeat(open, "", 100_000) + "x" + Repeat(close, "", 100_000);
        var e = Assert.Throws<FormulaException>(() => Formula.Parse(text));
        Assert.StartsWith("the formula nests 100000 levels deep; the limit is 256 ", e.Reason);
        Assert.Equal(column, e.Column); // at the first opening past the limit
        // The echo is a window around the caret, not the 200,000 characters.
        var lines = e.Message.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal("..." + text.Substring(e.Column - 61, 120) + "...", lines[0]);
        Assert.Equal(new string(' ', 63) + "^ " + e.Reason, lines[1]);
    }

    /// <summary>Trees built in code have no parser to bound them: -(-(-(...x...))) thousands deep.</summary>
    [Fact]
    public void A_tree_built_deep_in_code_evaluates_prints_and_differentiates() => OnSmallStack(() =>
    {
        const int depth = Terms;
        Expr e = new Expr.Variable("x");
        for (int i = 0; i < depth; i++) e = new Expr.Negate(e);
        Expr same = new Expr.Variable("x");
        for (int i = 0; i < depth; i++) same = new Expr.Negate(same);

        Assert.Equal(e, same);
        Assert.Equal(e.GetHashCode(), same.GetHashCode());
        Assert.Equal(["x"], e.Variables());
        Assert.Equal(Repeat("-(", "", depth - 1) + "-x" + new string(')', depth - 1), e.ToString());
        Assert.Equal(0.25, e.Evaluate(new Dictionary<string, double> { ["x"] = 0.25 }));
        Assert.Equal(0.25, e.Compile(["x"])([0.25]));

        var gradient = new double[1];
        e.CompileGradient(["x"], []).Gradient([0.25], [], 1, [1.0], gradient);
        Assert.Equal(1, gradient[0]);
        var x = NDArray.Parameter(new[] { 0.25 });
        var y = TensorEvaluator<double>.Run(e, _ => x, "deep");
        Assert.Equal(0.25, y.Item());
        y.Backward();
        Assert.Equal(1, x.Grad!.Item());
    });
}
