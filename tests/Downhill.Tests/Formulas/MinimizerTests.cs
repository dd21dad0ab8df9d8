using Downhill.Formulas;
using Downhill.Optim;

namespace Downhill.Tests.Formulas;

public class MinimizerTests
{
    /// <summary>Plain gradient descent, written here so these tests do not depend on Downhill.Optim.</summary>
    private static MakeStep GradientDescent(double learningRate) =>
        (parameters, _) => () =>
        {
            foreach (var p in parameters) p.Data[0] -= learningRate * p.Grad!.Item();
        };

    private static Dictionary<string, double> Start(params (string Name, double Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    [Fact]
    public void Bowl_converges_to_its_minimum()
    {
        var result = Minimizer.Minimize(Formula.Parse("(x - 3)^2 + 2*(y + 1)^2"), Start(("x", 0), ("y", 0)), GradientDescent(0.1),
            new MinimizeOptions { Tolerance = 1e-8 });
        Assert.Equal(MinimizeOutcome.Converged, result.Outcome);
        Assert.Equal(3, result.Last.Values[0], 1e-8);
        Assert.Equal(-1, result.Last.Values[1], 1e-8);
        Assert.True(result.Last.GradientNorm < 1e-8);
        Assert.StartsWith($"converged after {result.Last.Step} steps: gradient norm ", result.Message);
    }

    [Fact]
    public void Trace_starts_at_the_start_and_follows_the_given_order()
    {
        // One step of gradient descent by hand on f = x^2 + 10*y: grad (2x, 10).
        var steps = new List<MinimizeStep>();
        var result = Minimizer.Minimize(Formula.Parse("x^2 + 10*y"), Start(("y", 1), ("x", 2)), GradientDescent(0.25),
            new MinimizeOptions { MaxSteps = 1 }, steps.Add);
        Assert.Equal(["y", "x"], result.Names);
        Assert.Equal(steps, result.Trace);
        var first = result.Trace[0];
        Assert.Equal((0, 14.0, Math.Sqrt(116)), (first.Step, first.Loss, first.GradientNorm));
        Assert.Equal([1.0, 2.0], first.Values);
        Assert.Equal([1 - 2.5, 2 - 1.0], result.Trace[1].Values);
        Assert.Equal(MinimizeOutcome.StepLimit, result.Outcome);
        Assert.Equal("stopped after 1 step (the limit) with gradient norm 10.198 >= tolerance 1E-06, loss -14", result.Message);
    }

    [Fact]
    public void Too_large_a_learning_rate_is_caught_as_a_blow_up()
    {
        // x <- x - 1.5*2x = -2x, so the loss is 4^k: past 1e12 times the start loss 1 at k = 20.
        var result = Minimizer.Minimize(Formula.Parse("x^2"), Start(("x", 1)), GradientDescent(1.5));
        Assert.Equal(MinimizeOutcome.Diverged, result.Outcome);
        Assert.Equal(20, result.Last.Step);
        Assert.Equal("diverged at step 20: the loss 1.09951E+12 grew past 1E+12 times the start loss 1; lower the learning rate or start closer to a minimum", result.Message);
    }

    [Fact]
    public void Nan_loss_is_caught_at_its_step()
    {
        // log(x) from x = 1 with step 2: x becomes 1 - 2*(1/1) = -1, and log(-1) is NaN.
        var result = Minimizer.Minimize(Formula.Parse("log(x)"), Start(("x", 1)), GradientDescent(2));
        Assert.Equal(MinimizeOutcome.Diverged, result.Outcome);
        Assert.Equal(1, result.Last.Step);
        Assert.Equal("diverged at step 1: the loss is NaN; lower the learning rate or start closer to a minimum", result.Message);
    }

    [Fact]
    public void Reevaluate_gives_the_loss_and_gradients_at_the_current_values()
    {
        var seen = new List<double>();
        Minimizer.Minimize(Formula.Parse("(x - 1)^2"), Start(("x", 3)), (parameters, reevaluate) => () =>
        {
            parameters[0].Data[0] = 2;
            seen.Add(reevaluate());
            seen.Add(parameters[0].Grad!.Item());
        }, new MinimizeOptions { MaxSteps = 1 });
        Assert.Equal([1.0, 2.0], seen);
    }

    [Theory]
    [InlineData("x + y*z", "x", "missing start values for y, z; give one for every variable: x=..,y=..,z=..")]
    [InlineData("x^2", "x,q", "start value for 'q', but the formula has no variable 'q'; its variables are x.")]
    [InlineData("y = m*x", "m,x,y", "minimize: formula 'y = m*x' is an equation; minimize takes an expression without '=', such as (1 - x)^2 + 100*(y - x^2)^2 (to fit an equation, give it data).")]
    [InlineData("1 + 2", "", "minimize: formula '1 + 2' has no variables, so there is nothing to move.")]
    public void Start_problems_are_reported_in_full(string text, string given, string message)
    {
        var start = given.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => KeyValuePair.Create(n, 1.0));
        var e = Assert.Throws<ArgumentException>(() => Minimizer.Minimize(Formula.Parse(text), start, GradientDescent(0.1)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Options_are_checked()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Minimizer.Minimize(Formula.Parse("x^2"), Start(("x", 1)), GradientDescent(0.1),
            new MinimizeOptions { DivergenceFactor = 0.5 }));
        Assert.StartsWith("DivergenceFactor = 0.5 is invalid: expected > 1, e.g. 1e12.", e.Message);
    }
}

/// <summary>The optimizers of Downhill.Optim on the seed's objectives, each asserting the known minimum.</summary>
public class MinimizerWithOptimizerTests
{
    private const string Rosenbrock = "(1 - x)^2 + 100*(y - x^2)^2";

    // Known minima: (3, -1) for the bowl, (1, 1) for Rosenbrock. L-BFGS stops its own inner
    // iterations near 1e-5 in gradient norm (its change tolerance), hence the looser tolerance.
    [Theory]
    [InlineData(OptimizerKind.Sgd, 0.1, 2000, 1e-7, "(x - 3)^2 + 2*(y + 1)^2", 3, -1)]
    [InlineData(OptimizerKind.Adam, 0.1, 5000, 1e-7, "(x - 3)^2 + 2*(y + 1)^2", 3, -1)]
    [InlineData(OptimizerKind.Lbfgs, 1, 100, 1e-4, Rosenbrock, 1, 1)]
    public void Optimizer_reaches_the_known_minimum(OptimizerKind kind, double learningRate, int maxSteps, double tolerance, string objective, double x, double y)
    {
        var result = Minimizer.Minimize(Formula.Parse(objective), new Dictionary<string, double> { ["x"] = -1.2, ["y"] = 1 },
            ps => Optimizers.Create(kind, ps, new OptimizerSettings { LearningRate = learningRate }),
            new MinimizeOptions { MaxSteps = maxSteps, Tolerance = tolerance });
        Assert.True(result.Outcome == MinimizeOutcome.Converged, result.Message);
        Assert.Equal(x, result.Last.Values[0], 1e-5);
        Assert.Equal(y, result.Last.Values[1], 1e-5);
    }
}
