using Downhill.Data;
using Downhill.Formulas;
using Downhill.Models;

namespace Downhill.Tests.Training;

public class FormulaDataTests
{
    private static readonly Dataset Data = Dataset.Regression(["x"], [1, 2, 3], ["y"], [2, -1, 8], "d.csv");

    [Fact]
    public void InputsAndTargetComeFromTheNamedColumns()
    {
        var model = new FormulaModel(Formula.Parse("y = a*x"), ["x"], ["a"]);
        Assert.Equal([1.0, 2, 3], model.InputsFrom(Data).ToArray());
        Assert.Equal(new Shape(3, 1), model.TargetFrom(Data).Shape);
        Assert.Equal([2.0, -1, 8], model.TargetFrom(Data).ToArray());
    }

    [Fact]
    public void ALeftSideThatIsUndefinedOnARowIsAnErrorNamingIt()
    {
        var model = new FormulaModel(Formula.Parse("log(y) = a*x"), ["x"], ["a"]);
        var e = Assert.Throws<ArgumentException>(() => model.TargetFrom(Data));
        Assert.StartsWith("d.csv: the formula's left side 'log(y)': element 1 of tensor [3,1] is NaN", e.Message);
    }
}
