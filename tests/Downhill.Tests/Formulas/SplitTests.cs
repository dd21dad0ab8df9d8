using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

public class SplitTests
{
    [Fact]
    public void Columns_are_data_and_the_rest_are_parameters_in_order_of_appearance()
    {
        var split = Formula.Parse("log(y) = b1 - b2*x1*exp(-b3*x2)").Split(["x1", "x2", "y", "unused"], "data.csv");
        Assert.Equal(["y", "x1", "x2"], split.Columns);
        Assert.Equal(["b1", "b2", "b3"], split.Parameters);
    }

    [Fact]
    public void Left_side_must_be_a_column()
    {
        var e = Assert.Throws<ArgumentException>(() => Formula.Parse("price = m*x + b").Split(["x", "y"], "data.csv"));
        Assert.Equal("formula's left side 'price' is not a column of data.csv; columns: x, y", e.Message);
    }

    [Fact]
    public void Left_side_must_use_a_column()
    {
        var e = Assert.Throws<ArgumentException>(() => Formula.Parse("2 = m*x").Split(["x", "y"], "data.csv"));
        Assert.Equal("formula's left side '2' uses no column of data.csv; it should be the data to fit, e.g. y = ... with y one of: x, y", e.Message);
    }

    [Fact]
    public void Something_must_be_left_to_fit()
    {
        var e = Assert.Throws<ArgumentException>(() => Formula.Parse("y = 2*x").Split(["x", "y"], "data.csv"));
        Assert.Equal("formula 'y = 2*x' has nothing to fit: every name in it (y, x) is a column of data.csv; a parameter is a name that is not a column, e.g. y = m*x + b", e.Message);
    }

    [Fact]
    public void A_column_named_like_a_constant_the_formula_uses_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Formula.Parse("y = a*e^x").Split(["x", "y", "e"], "data.csv"));
        Assert.Equal("'e' is both a constant in the formula and a column of data.csv; rename the column so the formula can use it.", e.Message);
        // A column 'e' that the formula does not touch is fine.
        Assert.Equal(["a"], Formula.Parse("y = a*x").Split(["x", "y", "e"]).Parameters);
    }
}
