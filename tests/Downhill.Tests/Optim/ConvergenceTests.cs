using Downhill.Optim;

namespace Downhill.Tests.Optim;

/// <summary>
/// The optimizer x objective matrix: each optimizer, with hyper-parameters tuned per function
/// (the defaults suit networks, not these landscapes), reaches each function's known minimum
/// in double precision.
/// </summary>
public class ConvergenceTests
{
    public static TheoryData<string, string, string, int, double> Cases => new()
    {
        // optimizer settings, function, schedule, steps, tolerance on the distance to the minimum
        { "sgd lr=0.02 momentum=0.9", "parabola", "", 500, 1e-8 },
        { "sgd lr=0.001 momentum=0.9", "rosenbrock", "", 20000, 1e-6 },
        { "sgd lr=0.01 momentum=0.9 nesterov=true", "himmelblau", "", 1000, 1e-8 },
        { "sgd lr=0.01 momentum=0.9", "beale", "", 20000, 1e-6 },

        { "adagrad lr=1", "parabola", "", 2000, 1e-8 },
        { "adagrad lr=0.5", "rosenbrock", "", 50000, 1e-4 },
        { "adagrad lr=0.5", "himmelblau", "", 2000, 1e-8 },
        { "adagrad lr=0.5", "beale", "", 20000, 1e-6 },

        { "rmsprop lr=0.05", "parabola", "exp 0.997", 3000, 1e-6 },
        { "rmsprop lr=0.01 centered=true", "rosenbrock", "exp 0.9995", 20000, 1e-4 },
        { "rmsprop lr=0.01 momentum=0.5", "himmelblau", "exp 0.995", 2000, 1e-6 },
        { "rmsprop lr=0.01", "beale", "exp 0.999", 10000, 1e-4 },

        { "adam lr=0.1", "parabola", "", 2000, 1e-6 },
        { "adam lr=0.02", "rosenbrock", "", 10000, 1e-4 },
        { "adam lr=0.05 amsgrad=true", "himmelblau", "", 2000, 1e-6 },
        { "adam lr=0.01", "beale", "", 10000, 1e-4 },

        { "adamw lr=0.1 weightDecay=0", "parabola", "", 2000, 1e-6 },
        { "adamw lr=0.02 weightDecay=0", "rosenbrock", "", 10000, 1e-4 },
        { "adamw lr=0.05 weightDecay=0", "himmelblau", "", 2000, 1e-6 },
        { "adamw lr=0.01 weightDecay=0", "beale", "", 10000, 1e-4 },

        // L-BFGS's default tolerances stop it about 1e-6 from the minimum; tighter ones show it gets there.
        { "lbfgs toleranceGrad=1e-12 toleranceChange=1e-15", "parabola", "", 5, 1e-8 },
        { "lbfgs lineSearch=StrongWolfe toleranceGrad=1e-12 toleranceChange=1e-15", "rosenbrock", "", 10, 1e-8 },
        { "lbfgs lineSearch=StrongWolfe toleranceGrad=1e-12 toleranceChange=1e-15", "himmelblau", "", 5, 1e-8 },
        { "lbfgs lineSearch=StrongWolfe toleranceGrad=1e-12 toleranceChange=1e-15", "beale", "", 10, 1e-8 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reaches_the_known_minimum(string optimizerConfig, string function, string schedule, int steps, double tolerance)
    {
        var objective = Objective.ByName(function);
        var p = objective.StartParameter();
        var (name, settings) = PyTorchReferenceTests.ParseConfig(optimizerConfig);
        var optimizer = Optimizers.Create(name, [p], settings);
        var decay = schedule.StartsWith("exp ", StringComparison.Ordinal)
            ? new ExponentialDecay(optimizer, double.Parse(schedule[4..], System.Globalization.CultureInfo.InvariantCulture))
            : null;
        var closure = objective.Closure(p);
        for (int step = 0; step < steps; step++)
        {
            decay?.Step(step);
            optimizer.Step(closure);
        }
        double distance = Math.Sqrt(Sq(p.Data[0] - objective.Minimum.X) + Sq(p.Data[1] - objective.Minimum.Y));
        Console.WriteLine($"{optimizerConfig} on {function}: ({p.Data[0]:R}, {p.Data[1]:R}), distance {distance:E2}");
        Assert.True(distance <= tolerance,
            $"{optimizerConfig} on {function} ended at ({p.Data[0]}, {p.Data[1]}), {distance:E2} from {objective.Minimum}");
    }

    private static double Sq(double v) => v * v;
}

/// <summary>The same walk in float: each optimizer gets to the parabola's minimum within float's resolution.</summary>
public class FloatConvergenceTests
{
    public static TheoryData<string, int> Cases => new()
    {
        { "sgd lr=0.02 momentum=0.9", 500 },
        { "adagrad lr=1", 2000 },
        { "rmsprop lr=0.01 momentum=0.5", 2000 },
        { "adam lr=0.1", 2000 },
        { "adamw lr=0.1 weightDecay=0", 2000 },
        { "lbfgs lineSearch=StrongWolfe", 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reaches_the_parabola_minimum_in_float(string config, int steps)
    {
        var objective = Objective.Parabola;
        var p = Tensor.Parameter([(float)objective.Start.X, (float)objective.Start.Y], 2);
        var (name, settings) = PyTorchReferenceTests.ParseConfig(config);
        var optimizer = Optimizers.Create(name, [p], settings);
        float Closure()
        {
            var (dx, dy) = objective.Gradient(p.Data[0], p.Data[1]);
            p.Grad = Tensor.FromArray([(float)dx, (float)dy], 2);
            return (float)objective.F(p.Data[0], p.Data[1]);
        }
        for (int i = 0; i < steps; i++) optimizer.Step(Closure);
        // RMSProp without a decaying rate hovers about lr from the minimum; the others land within a few float ulps.
        Assert.Equal(3f, p.Data[0], name == "rmsprop" ? 1e-2f : 1e-4f);
        Assert.Equal(-1f, p.Data[1], name == "rmsprop" ? 1e-2f : 1e-4f);
    }
}
