using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

/// <summary>Every parse error, asserted as the exact text a user sees: formula, caret line, reason.</summary>
public class FormulaErrorTests
{
    private static FormulaException Fail(string text) => Assert.Throws<FormulaException>(() => Formula.Parse(text));

    [Theory]
    [InlineData("(1 - x)^2 + 100*(y - x^2", 25, "expected ')' to close the '(' at column 17")]
    [InlineData("sin(x", 6, "expected ')' to close the '(' at column 4")]
    [InlineData("(a = b)", 4, "expected ')' to close the '(' at column 1, found '='")]
    [InlineData("(2 x)", 4, "expected an operator or ')' before name 'x'; write 2*x for a product")]
    [InlineData("2x + 1", 2, "expected an operator (+ - * / ^) before name 'x'; write 2*x for a product")]
    [InlineData("(a)(b)", 4, "expected an operator (+ - * / ^) before '('")]
    [InlineData("max(a b)", 7, "expected ',' or an operator before name 'b'; write a*b for a product")]
    [InlineData("sine(x)", 1, "unknown function 'sine'; did you mean 'sin'?")]
    [InlineData("y = Exp(x)", 5, "unknown function 'Exp'; did you mean 'exp'?")]
    [InlineData("ln(x)", 1, "unknown function 'ln'; did you mean 'log'?")]
    [InlineData("sqr(x)", 1, "unknown function 'sqr'; did you mean 'sqrt'?")]
    [InlineData("y = m(x + 1)", 5, "unknown function 'm'; the functions are exp, log, sqrt, abs, sin, cos, tan, tanh, sigmoid, relu, softplus, min, max, pow, atan, asin, acos, sinh, cosh, log10 (for a product write m*(...))")]
    [InlineData("max(x)", 1, "max takes 2 arguments, as in max(a, b); found 1")]
    [InlineData("1 + sin(x, y)", 5, "sin takes 1 argument, as in sin(x); found 2")]
    [InlineData("exp()", 1, "exp takes 1 argument, as in exp(x); found 0")]
    [InlineData("pow(2, 3, 4)", 1, "pow takes 2 arguments, as in pow(x, y); found 3")]
    [InlineData("y = exp*2", 5, "'exp' is a function; call it as exp(x)")]
    [InlineData("2 # 3", 3, "unexpected character '#'; a formula is made of numbers, names, + - * / ^, parentheses, commas and one '='")]
    [InlineData("[x]", 1, "unexpected character '['; group with '(' and ')'")]
    [InlineData("x . 2", 3, "unexpected character '.'; a number needs a digit before or after its decimal point")]
    [InlineData("x**2", 2, "'**' is not an operator; write '^' for a power, e.g. x^2")]
    [InlineData("x + ", 5, "unexpected end of formula; expected a number, a name or '('")]
    [InlineData("y = ", 5, "unexpected end of formula; expected a number, a name or '('")]
    [InlineData("2 * * 3", 5, "unexpected '*'; expected a number, a name or '('")]
    [InlineData("+x", 1, "unexpected '+'; expected a number, a name or '('")]
    [InlineData("= x", 1, "unexpected '='; expected a number, a name or '('")]
    [InlineData("", 1, "empty formula; write an expression such as (1 - x)^2 or an equation such as y = m*x + b")]
    [InlineData("   ", 1, "empty formula; write an expression such as (1 - x)^2 or an equation such as y = m*x + b")]
    [InlineData("y = a = b", 7, "a second '='; a formula has at most one (the first is at column 3)")]
    [InlineData("y == x", 4, "a second '='; a formula has at most one (the first is at column 3)")]
    [InlineData("1.2.3 + x", 4, "'1.2.3' is not a number: a number has at most one decimal point")]
    [InlineData("1e999", 1, "number '1e999' is too large for a double (the largest is about 1.8e308)")]
    [InlineData("x)", 2, "unexpected ')'; there is no '(' for it to close")]
    [InlineData("1,5*x", 2, "unexpected ','; commas only separate the arguments of a function such as max(a, b) (the decimal point is '.')")]
    public void Message_shows_formula_caret_and_reason(string text, int column, string reason)
    {
        var e = Fail(text);
        Assert.Equal(text, e.Formula);
        Assert.Equal(column, e.Column);
        Assert.Equal(reason, e.Reason);
        Assert.Equal(text + "\n" + new string(' ', column - 1) + "^ " + reason, e.Message);
    }

    [Fact]
    public void Unclosed_parenthesis_reads_like_the_issue()
    {
        var e = Fail("(1 - x)^2 + 100*(y - x^2");
        Assert.Equal(
            "(1 - x)^2 + 100*(y - x^2\n" +
            "                        ^ expected ')' to close the '(' at column 17",
            e.Message);
    }

    [Fact]
    public void Caret_stays_under_the_column_when_the_formula_has_tabs_and_newlines()
    {
        var e = Fail("\tx +\n# 1");
        Assert.Equal("\tx + # 1\n\t    ^ unexpected character '#'; a formula is made of numbers, names, + - * / ^, parentheses, commas and one '='", e.Message);
    }

    [Theory]
    [InlineData("(", ")", 257)]
    [InlineData("-", "", 257)]
    [InlineData("2^", "", 514)]
    [InlineData("sin(", ")", 1028)]
    public void Nesting_is_limited_instead_of_overflowing_the_stack(string open, string close, int column)
    {
        var text = string.Concat(Enumerable.Repeat(open, 10_000)) + "1" + string.Concat(Enumerable.Repeat(close, 10_000));
        var e = Fail(text);
        // The caret is on the 257th opening: the first one past the limit.
        Assert.Equal(column, e.Column);
        // Every opening counts (10,000 of them), whether parenthesis, call, minus or power.
        Assert.Equal("the formula nests 10000 levels deep; the limit is 256 (each '(', function call, unary '-' and '^' opens a level): " +
            "drop redundant parentheses and minus signs, or split it into smaller formulas", e.Reason);
    }
}
