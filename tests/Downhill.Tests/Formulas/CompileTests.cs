using CsCheck;
using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

public class CompileTests
{
    [Fact]
    public void Compiled_trees_give_the_interpreters_values_bit_for_bit()
    {
        // Same Math calls in the same order, so not even the last bit may differ.
        RandomTrees.Tree(4).Array[500].Sample(trees =>
        {
            double[] values = [.. RandomTrees.Names.Select(n => RandomTrees.Values[n])];
            foreach (var tree in trees)
                Assert.Equal(tree.Evaluate(RandomTrees.Values), tree.Compile(RandomTrees.Names)(values));
        }, seed: "0N0XIzNsQ0O2", iter: 1);
    }

    [Fact]
    public void Rows_loop_evaluates_every_row_with_parameters_shared()
    {
        var model = Formula.Parse("y = a*exp(b*x) + c").Right;
        double[] x = [0, 0.5, 1, 2, -3];
        var output = new double[x.Length];
        model.CompileRows(["a", "b", "c"], ["x"])([2, -0.5, 1], [x], output);
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(2 * Math.Exp(-0.5 * x[i]) + 1, output[i]);
    }

    [Fact]
    public void Rows_loop_handles_parameter_free_expressions_and_empty_data()
    {
        var target = Formula.Parse("log(y) = b*x").Target!;
        double[] y = [1, Math.E, 10];
        var output = new double[3];
        target.CompileRows([], ["y"])([], [y], output);
        Assert.Equal([0, 1, Math.Log(10)], output);
        target.CompileRows([], ["y"])([], [[]], []);
    }

    [Fact]
    public void Compile_names_what_is_missing_or_mismatched()
    {
        var model = Formula.Parse("m*x + b").Right;
        var e = Assert.Throws<ArgumentException>(() => model.Compile(["m", "x"]));
        Assert.Equal("Compile: formula 'm*x + b' uses b, which is not among the names given (m, x).", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.CompileRows(["m", "b"], ["x", "m"]));
        Assert.Equal("Compile: 'm' is listed twice; each name is either one parameter or one column.", e.Message);

        var rows = model.CompileRows(["m", "b"], ["x"]);
        e = Assert.Throws<ArgumentException>(() => rows([1], [[1.0]], new double[1]));
        Assert.Equal("compiled formula 'm*x + b': 1 parameter values given for 2 parameters (m, b).", e.Message);
        e = Assert.Throws<ArgumentException>(() => rows([1, 2], [[1.0]], new double[2]));
        Assert.Equal("compiled formula 'm*x + b': column 'x' has 1 rows; the output needs 2.", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.Compile(["m", "x", "b"])([1, 2]));
        Assert.Equal("compiled formula 'm*x + b': 2 values given for 3 variables (m, x, b).", e.Message);
    }
}
