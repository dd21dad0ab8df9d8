using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

public class FormulaResidualsTests
{
    private static readonly double[] X = [0, 0.5, 1, 1.5, 2];
    private static readonly double[] Y = [1.1, 1.9, 3.2, 4.8, 7.5];

    [Fact]
    public void Residuals_and_jacobian_equal_the_hand_derivatives()
    {
        // r_i = a*exp(b*x_i) - y_i; dr/da = exp(b*x), dr/db = a*x*exp(b*x).
        var problem = new FormulaResiduals(Formula.Parse("y = a*exp(b*x)"), new Dictionary<string, double[]> { ["x"] = X, ["y"] = Y });
        Assert.Equal(["a", "b"], problem.Parameters);
        Assert.Equal(["y", "x"], problem.Columns);
        double a = 1.2, b = 0.8;
        var r = new double[X.Length];
        var j = new double[X.Length * 2];
        problem.Evaluate([a, b], r, j);
        for (int i = 0; i < X.Length; i++)
        {
            double e = Math.Exp(b * X[i]);
            Assert.Equal(a * e - Y[i], r[i], 1e-14);
            Assert.Equal(e, j[i * 2], 1e-14);
            Assert.Equal(a * X[i] * e, j[i * 2 + 1], 1e-13);
        }
    }

    [Fact]
    public void Mean_squared_error_on_the_seed_line_matches_a_hand_sum()
    {
        // The seeds' line data (y = 2x + 30) from the guess m = 1, b = 1.
        double[] x = [7, 9, 28, 30, 50, 22, 3, 23, 40], y = [44, 48, 86, 90, 130, 74, 36, 76, 110];
        var problem = new FormulaResiduals(Formula.Parse("y = m*x + b"), new Dictionary<string, double[]> { ["x"] = x, ["y"] = y });
        double expected = x.Zip(y, (xi, yi) => Math.Pow(1 * xi + 1 - yi, 2)).Average();
        Assert.Equal(expected, problem.MeanSquaredError([1.0, 1.0]), 1e-12);
        Assert.Equal(0, problem.MeanSquaredError([2.0, 30.0]));
    }

    [Fact]
    public void Residual_only_calls_give_the_same_bits_as_calls_with_the_jacobian()
    {
        var problem = new FormulaResiduals(Formula.Parse("log(y) = b1 - b2*x*exp(-b3*x)"), new Dictionary<string, double[]> { ["x"] = X, ["y"] = Y });
        double[] theta = [0.1, -0.7, 0.4];
        var withJacobian = new double[X.Length];
        var alone = new double[X.Length];
        problem.Evaluate(theta, withJacobian, new double[X.Length * 3]);
        problem.Evaluate(theta, alone, []);
        Assert.Equal(withJacobian, alone);
        Assert.Equal(Y.Select(y => Math.Log(y)), problem.Target);
    }

    [Fact]
    public void Jacobian_matches_central_differences_of_the_residuals()
    {
        var problem = new FormulaResiduals(Formula.Parse("log(y) = b1 - b2*x*exp(-b3*x) + sigmoid(b1*x)/b3"), new Dictionary<string, double[]> { ["x"] = X, ["y"] = Y });
        double[] theta = [0.3, -0.7, 0.9];
        int n = X.Length, p = theta.Length;
        var jacobian = new double[n * p];
        problem.Evaluate(theta, new double[n], jacobian);
        // Central differences: error O(h^2) ~ 1e-10 here; 1e-7 leaves room for round-off.
        const double h = 1e-5;
        for (int k = 0; k < p; k++)
        {
            double[] plus = [.. theta], minus = [.. theta];
            plus[k] += h;
            minus[k] -= h;
            var rPlus = new double[n];
            var rMinus = new double[n];
            problem.Evaluate(plus, rPlus, []);
            problem.Evaluate(minus, rMinus, []);
            for (int i = 0; i < n; i++)
                Assert.Equal((rPlus[i] - rMinus[i]) / (2 * h), jacobian[i * p + k], 1e-7);
        }
    }

    [Fact]
    public void Non_finite_model_rows_give_a_nan_jacobian()
    {
        var problem = new FormulaResiduals(Formula.Parse("y = sqrt(a - x)"), new Dictionary<string, double[]> { ["x"] = X, ["y"] = Y });
        var r = new double[X.Length];
        var j = new double[X.Length];
        problem.Evaluate([1.0], r, j);
        Assert.True(double.IsNaN(r[^1]));
        Assert.All(j, v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void Problems_with_the_data_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new FormulaResiduals(Formula.Parse("m*x + b"), new Dictionary<string, double[]> { ["x"] = X }));
        Assert.Equal("formula 'm*x + b' has no left side; fitting needs an equation such as y = m*x + b, with the data's column on the left.", e.Message);

        e = Assert.Throws<ArgumentException>(() => new FormulaResiduals(Formula.Parse("y = m*x + b"), new Dictionary<string, double[]> { ["x"] = X, ["y"] = [1, 2] }, "data.csv"));
        Assert.Equal("column 'x' of data.csv has 5 rows but 'y' has 2; every column needs one value per row.", e.Message);

        e = Assert.Throws<ArgumentException>(() => new FormulaResiduals(Formula.Parse("log(y) = m*x"), new Dictionary<string, double[]> { ["x"] = [1, 2], ["y"] = [3, -1] }, "data.csv"));
        Assert.Equal("formula's left side 'log(y)' is NaN at row 2 of data.csv (y = -1, x = 2); fitting needs a finite target on every row.", e.Message);

        var problem = new FormulaResiduals(Formula.Parse("y = m*x + b"), new Dictionary<string, double[]> { ["x"] = X, ["y"] = Y });
        e = Assert.Throws<ArgumentException>(() => problem.Evaluate([1.0, 2.0], new double[5], new double[5]));
        Assert.Equal("FormulaResiduals: the Jacobian span holds 5 values; 5 rows x 2 parameters need 10 (or 0 for residuals only).", e.Message);
    }
}
