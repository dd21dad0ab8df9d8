using CsCheck;
using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

public class PrinterTests
{
    [Theory]
    [InlineData("y=m*x+b", "y = m*x + b")]
    [InlineData("(a + b) + c", "a + b + c")]
    [InlineData("a + (b + c)", "a + (b + c)")]
    [InlineData("a - (b - c)", "a - (b - c)")]
    [InlineData("(a*b)*c", "a*b*c")]
    [InlineData("a/(b*c)", "a/(b*c)")]
    [InlineData("a*(b + c)", "a*(b + c)")]
    [InlineData("(-2)^2", "(-2)^2")]
    [InlineData("-(2^2)", "-2^2")]
    [InlineData("2^(-1)", "2^-1")]
    [InlineData("2^(-x^2)", "2^-x^2")]
    [InlineData("2^(-(a + b))", "2^-(a + b)")]
    [InlineData("(2^3)^2", "(2^3)^2")]
    [InlineData("2^(3^2)", "2^3^2")]
    [InlineData("2^(3*x)", "2^(3*x)")]
    [InlineData("--x", "-(-x)")]
    [InlineData("-(a*b)", "-(a*b)")]
    [InlineData("(-a)*b", "-a*b")]
    [InlineData("2*(-3)", "2*-3")]
    [InlineData("a - (-b)", "a - -b")]
    [InlineData("(sin(x))^2", "sin(x)^2")]
    [InlineData("max( a ,b )", "max(a, b)")]
    [InlineData("log(y) = b1 - b2*x1*exp(-b3*x2)", "log(y) = b1 - b2*x1*exp(-b3*x2)")]
    [InlineData(".5", "0.5")]
    [InlineData("2.", "2")]
    [InlineData("1e-3", "0.001")]
    [InlineData("1e20", "1E+20")]
    [InlineData("2*pi*e", "2*pi*e")]
    public void Prints_with_minimal_parentheses(string text, string printed)
    {
        Assert.Equal(printed, Formula.Parse(text).ToString());
    }

    [Fact]
    public void Negative_literals_built_in_code_print_as_unary_minus()
    {
        var two = new Expr.Number(2);
        var minusTwo = new Expr.Number(-2);
        Assert.Equal("(-2)^2", new Expr.Binary(BinaryOperator.Power, minusTwo, two).ToString());
        Assert.Equal("-(-2)", new Expr.Negate(minusTwo).ToString());
        Assert.Equal("2 - -2", new Expr.Binary(BinaryOperator.Subtract, two, minusTwo).ToString());
    }

    [Fact]
    public void Trees_reject_what_cannot_be_written_as_text()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Expr.Number(double.NaN));
        Assert.Throws<ArgumentException>(() => new Expr.Variable("2x"));
        Assert.Throws<ArgumentException>(() => new Expr.Variable("pi"));
        Assert.Throws<ArgumentException>(() => new Expr.Variable("sin"));
        Assert.Throws<ArgumentException>(() => new Expr.Constant("tau"));
        Assert.Throws<ArgumentException>(() => new Expr.Call(FormulaFunction.Max, new Expr.Number(1)));
    }

    [Fact]
    public void Random_trees_printed_and_parsed_back_are_equal_and_evaluate_the_same()
    {
        // One sample of 2000 trees from a fixed seed: the same trees on every run.
        RandomTrees.Tree(5).Array[2000].Sample(trees =>
        {
            // The generator must reach deep trees, or the test proves little.
            Assert.True(trees.Count(t => t.ToString().Length > 60) > 200);
            foreach (var tree in trees)
            {
                string text = tree.ToString();
                var parsed = Formula.Parse(text).Right;
                Assert.True(tree.Equals(parsed), $"'{text}' parsed back as '{parsed}'");
                // double.Equals treats NaN as equal to NaN: log of a negative must stay NaN.
                Assert.Equal(tree.Evaluate(RandomTrees.Values), parsed.Evaluate(RandomTrees.Values));
            }
        }, seed: "0N0XIzNsQ0O2", iter: 1);
    }
}
