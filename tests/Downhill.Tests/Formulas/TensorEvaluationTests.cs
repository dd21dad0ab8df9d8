using Downhill.Formulas;

namespace Downhill.Tests.Formulas;

/// <summary>Formulas evaluated on the autodiff tape, checked against hand derivatives and finite differences.</summary>
public class TensorEvaluationTests
{
    private static NDArray<double> Param(double value) => NDArray.Parameter([value], []);

    private static NDArray<double> Column(params double[] values) => NDArray.FromArray(values);

    [Fact]
    public void Line_over_a_column_broadcasts_scalar_parameters()
    {
        var f = Formula.Parse("y = m*x + b");
        var m = Param(2);
        var b = Param(30);
        var x = Column(7, 9, 28);
        var y = f.Evaluate(name => name switch { "m" => m, "b" => b, _ => x });
        Assert.Equal([3], y.Shape.ToArray());
        Assert.Equal([44.0, 48, 86], y.ToArray());
    }

    [Fact]
    public void Gradient_of_mean_squared_error_equals_the_hand_derivative()
    {
        // loss = mean((a*exp(b*x) + c - y)^2); with r = a*exp(b*x) + c - y by hand:
        // dL/da = mean(2 r exp(b x)), dL/db = mean(2 r a x exp(b x)), dL/dc = mean(2 r).
        double[] xs = [0, 0.5, 1, 1.5, 2], ys = [1.1, 1.9, 3.2, 4.8, 7.5];
        double a0 = 0.8, b0 = 0.9, c0 = 0.3;
        var f = Formula.Parse("y = a*exp(b*x) + c");
        var (a, b, c) = (Param(a0), Param(b0), Param(c0));
        var data = new Dictionary<string, NDArray<double>> { ["a"] = a, ["b"] = b, ["c"] = c, ["x"] = Column(xs), ["y"] = Column(ys) };
        var residual = f.Evaluate(data) - f.EvaluateTarget(data);
        (residual * residual).Mean().Backward();

        double ga = 0, gb = 0, gc = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            double e = Math.Exp(b0 * xs[i]), r = a0 * e + c0 - ys[i];
            ga += 2 * r * e / xs.Length;
            gb += 2 * r * a0 * xs[i] * e / xs.Length;
            gc += 2 * r / xs.Length;
        }
        Assert.Equal(ga, a.Grad!.Item(), 1e-12);
        Assert.Equal(gb, b.Grad!.Item(), 1e-12);
        Assert.Equal(gc, c.Grad!.Item(), 1e-12);
    }

    [Fact]
    public void Rosenbrock_gradient_equals_the_hand_derivative()
    {
        var f = Formula.Parse("(1 - x)^2 + 100*(y - x^2)^2");
        double x0 = -1.2, y0 = 1;
        var (x, y) = (Param(x0), Param(y0));
        var loss = f.Evaluate(name => name == "x" ? x : y);
        Assert.Equal(Math.Pow(1 - x0, 2) + 100 * Math.Pow(y0 - x0 * x0, 2), loss.Item(), 1e-12);
        loss.Backward();
        Assert.Equal(-2 * (1 - x0) - 400 * x0 * (y0 - x0 * x0), x.Grad!.Item(), 1e-9);
        Assert.Equal(200 * (y0 - x0 * x0), y.Grad!.Item(), 1e-9);
    }

    // Each function once, inside a*x + b so the chain rule is exercised; points chosen inside
    // each domain and away from kinks (abs, relu, min, max) so finite differences apply.
    [Theory]
    [InlineData("exp(a*x + b)")]
    [InlineData("log(a*x + b)")]
    [InlineData("sqrt(a*x + b)")]
    [InlineData("abs(a*x - b)")]
    [InlineData("sin(a*x + b)")]
    [InlineData("cos(a*x + b)")]
    [InlineData("tan(a*x + b)")]
    [InlineData("tanh(a*x + b)")]
    [InlineData("sigmoid(a*x + b)")]
    [InlineData("relu(a*x + b)")]
    [InlineData("softplus(a*x - b)")]
    [InlineData("min(a*x, b)")]
    [InlineData("max(a*x, b)")]
    [InlineData("pow(a, x*b)")]
    [InlineData("a^b^x")]
    [InlineData("atan(a*x + b)")]
    [InlineData("asin(a*x - b)")]
    [InlineData("acos(a*x - b)")]
    [InlineData("sinh(a*x + b)")]
    [InlineData("cosh(a*x + b)")]
    [InlineData("log10(a*x + b)")]
    [InlineData("-a^2/b + e^(-x) - pi*a*b")]
    [InlineData("(a - 2*b)^3 - a/(b*x)")]
    public void Gradient_matches_central_differences(string text)
    {
        var f = Formula.Parse(text);
        var at = new Dictionary<string, double> { ["a"] = 0.3, ["b"] = 0.45, ["x"] = 1.3 };
        var leaves = at.ToDictionary(p => p.Key, p => Param(p.Value));
        var sum = f.Evaluate(leaves);
        Assert.Equal(f.Evaluate(at), sum.Item(), 1e-12);
        sum.Backward();

        // Central differences have error O(h^2 f''') ~ 1e-10 at h = 1e-5; 1e-7 leaves room.
        const double h = 1e-5, tolerance = 1e-7;
        foreach (var name in at.Keys)
        {
            var plus = new Dictionary<string, double>(at) { [name] = at[name] + h };
            var minus = new Dictionary<string, double>(at) { [name] = at[name] - h };
            double numeric = (f.Evaluate(plus) - f.Evaluate(minus)) / (2 * h);
            Assert.True(Math.Abs(numeric - leaves[name].Grad!.Item()) < tolerance,
                $"d/d{name} of {text}: tape {leaves[name].Grad!.Item()}, central difference {numeric}");
        }
    }

    [Fact]
    public void A_name_used_twice_binds_once_and_its_gradients_add()
    {
        int calls = 0;
        var x = Param(3);
        var y = Formula.Parse("x*x + x").Evaluate(_ => { calls++; return x; });
        y.Backward();
        Assert.Equal(1, calls);
        Assert.Equal(7, x.Grad!.Item());
    }

    [Fact]
    public void Float_evaluation_agrees_with_double()
    {
        var f = Formula.Parse("a*exp(-b*x) + sin(x)/2");
        var x = NDArray.FromArray(new float[] { 0, 0.5f, 1, 2 });
        var result = f.Evaluate(name => name switch { "a" => NDArray.Scalar(1.5f), "b" => NDArray.Scalar(0.7f), _ => x });
        float[] xs = [0, 0.5f, 1, 2];
        for (int i = 0; i < xs.Length; i++)
            Assert.Equal(1.5 * Math.Exp(-0.7 * xs[i]) + Math.Sin(xs[i]) / 2, result.Data[i], 1e-6);
    }

    [Fact]
    public void Constant_formula_evaluates_to_a_scalar()
    {
        var t = Formula.Parse("2*pi - e^2").Evaluate<double>(_ => throw new InvalidOperationException("no variables to bind"));
        Assert.Equal(2 * Math.PI - Math.E * Math.E, t.Item(), 1e-15);
    }

    [Fact]
    public void Missing_tensor_names_the_variable()
    {
        var f = Formula.Parse("y = m*x + b");
        var e = Assert.Throws<ArgumentException>(() => f.Evaluate(new Dictionary<string, NDArray<double>> { ["m"] = Param(1), ["x"] = Column(1, 2) }));
        Assert.Equal("Evaluate: formula 'y = m*x + b' uses 'b' but no tensor was given for it; given: m, x.", e.Message);
    }
}
