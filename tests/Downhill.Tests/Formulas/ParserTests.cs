using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

public class ParserTests
{
    private static readonly Dictionary<string, double> XIs3 = new() { ["x"] = 3, ["y"] = 2 };

    // Expected values are computed by hand from the rules of ordinary maths notation.
    [Theory]
    [InlineData("2+3*4", 14)]
    [InlineData("(2+3)*4", 20)]
    [InlineData("2^3^2", 512)]
    [InlineData("(2^3)^2", 64)]
    [InlineData("-2^2", -4)]
    [InlineData("(-2)^2", 4)]
    [InlineData("2*-3", -6)]
    [InlineData("2^-1", 0.5)]
    [InlineData("2^-1^2", 0.5)]
    [InlineData("-x^2", -9)]
    [InlineData("--x", 3)]
    [InlineData("8/4/2", 1)]
    [InlineData("2-3-4", -5)]
    [InlineData("2 - -3", 5)]
    [InlineData("12/3*2", 8)]
    [InlineData(".5*4", 2)]
    [InlineData("2.*3", 6)]
    [InlineData("1e-3*1000", 1)]
    [InlineData("1E+2", 100)]
    [InlineData("2.5e1", 25)]
    [InlineData("e", Math.E)]
    [InlineData("pi", Math.PI)]
    [InlineData("2*pi*x", 6 * Math.PI)]
    [InlineData("exp(0)", 1)]
    [InlineData("log(e)", 1)]
    [InlineData("log10(1000)", 3)]
    [InlineData("sqrt(16)", 4)]
    [InlineData("abs(-2.5)", 2.5)]
    [InlineData("sin(pi/2)", 1)]
    [InlineData("cos(0)", 1)]
    [InlineData("tan(0)", 0)]
    [InlineData("tanh(0)", 0)]
    [InlineData("sigmoid(0)", 0.5)]
    [InlineData("relu(-3) + relu(x)", 3)]
    [InlineData("softplus(0)", 0.6931471805599453)]
    [InlineData("min(x, y)", 2)]
    [InlineData("max(x, y)", 3)]
    [InlineData("pow(2, 10)", 1024)]
    [InlineData("atan(1)*4", Math.PI)]
    [InlineData("asin(1)*2", Math.PI)]
    [InlineData("acos(-1)", Math.PI)]
    [InlineData("sinh(0) + cosh(0)", 1)]
    [InlineData("max(min(x, 10), sqrt(y^2 + 5))", 3)]
    [InlineData("-sin(pi/2)^2", -1)]
    [InlineData("(1 - x)^2 + 100*(y - x^2)^2", 4904)]
    public void Evaluates_with_maths_precedence(string text, double expected)
    {
        var value = Formula.Parse(text).Evaluate(XIs3);
        Assert.Equal(expected, value, 1e-12);
    }

    [Fact]
    public void Unary_minus_binds_looser_than_power_and_tighter_than_product()
    {
        var negSquare = Formula.Parse("-x^2").Right;
        var square = new Expr.Binary(BinaryOperator.Power, new Expr.Variable("x"), new Expr.Number(2));
        Assert.Equal(new Expr.Negate(square), negSquare);

        var product = Formula.Parse("-a*b").Right;
        Assert.Equal(new Expr.Binary(BinaryOperator.Multiply, new Expr.Negate(new Expr.Variable("a")), new Expr.Variable("b")), product);
    }

    [Fact]
    public void Equation_has_target_and_right_side()
    {
        var f = Formula.Parse("log(y) = b1 - b2*x1*exp(-b3*x2)");
        Assert.True(f.IsEquation);
        Assert.Equal("log(y)", f.Target!.ToString());
        Assert.Equal("b1 - b2*x1*exp(-b3*x2)", f.Right.ToString());
        Assert.Equal(["y", "b1", "b2", "x1", "b3", "x2"], f.Variables);
    }

    [Fact]
    public void Objective_has_no_target()
    {
        var f = Formula.Parse("(1 - x)^2 + 100*(y - x^2)^2");
        Assert.False(f.IsEquation);
        Assert.Null(f.Target);
        Assert.Equal(["x", "y"], f.Variables);
        Assert.Throws<InvalidOperationException>(() => f.EvaluateTarget(XIs3));
    }

    [Fact]
    public void Variables_exclude_constants_and_functions_and_are_case_sensitive()
    {
        var f = Formula.Parse("y = A*exp(-k*t) + a*e + pi*sin(t) + _c2");
        Assert.Equal(["y", "A", "k", "t", "a", "_c2"], f.Variables);
    }

    [Fact]
    public void Target_evaluates_separately_from_the_right_side()
    {
        var f = Formula.Parse("log(y) = 2*x");
        var values = new Dictionary<string, double> { ["x"] = 1.5, ["y"] = Math.E };
        Assert.Equal(1.0, f.EvaluateTarget(values), 1e-15);
        Assert.Equal(3.0, f.Evaluate(values));
    }

    [Fact]
    public void Missing_value_names_the_variable_and_the_given_ones()
    {
        var f = Formula.Parse("m*x + b");
        var e = Assert.Throws<ArgumentException>(() => f.Evaluate(new Dictionary<string, double> { ["m"] = 1, ["x"] = 2 }));
        Assert.Equal("Evaluate: no value for 'b'; values were given for: m, x. (Parameter 'values')", e.Message);
    }

    [Fact]
    public void Whitespace_of_any_kind_is_ignored()
    {
        Assert.Equal(7.0, Formula.Parse(" \t1 +\n 2*3 ").Evaluate(XIs3));
    }

    [Fact]
    public void Unicode_letters_make_names()
    {
        var f = Formula.Parse("y = α*x + β");
        Assert.Equal(["y", "α", "x", "β"], f.Variables);
    }
}
