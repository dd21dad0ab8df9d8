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
        AssertWalkEndsAtTheMinimum(objective.StartParameter(), objective, optimizerConfig, schedule, steps, tolerance);
    }

    /// <summary>Runs <paramref name="steps"/> steps from the objective's start and asserts the end is within <paramref name="tolerance"/> of its minimum.</summary>
    internal static void AssertWalkEndsAtTheMinimum<T>(NDArray<T> p, Objective objective, string optimizerConfig, string schedule, int steps, double tolerance)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
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
        double x = double.CreateTruncating(p.Data[0]), y = double.CreateTruncating(p.Data[1]);
        double distance = objective.DistanceToMinimum(x, y);
        Console.WriteLine($"{typeof(T).Name}: {optimizerConfig} on {objective.Name}: ({x:R}, {y:R}), distance {distance:E2}");
        Assert.True(distance <= tolerance,
            $"{optimizerConfig} on {objective.Name} in {typeof(T).Name} ended at ({x}, {y}), {distance:E2} from {objective.Minimum}");
    }
}

/// <summary>
/// The same matrix in float, on the parabola and Rosenbrock: each optimizer gets to the known
/// minimum within what float's resolution (about 1e-7 near 1) and the walk's last steps allow.
/// </summary>
public class FloatConvergenceTests
{
    public static TheoryData<string, string, string, int, double> Cases => new()
    {
        // optimizer settings (as in the double matrix), function, schedule, steps, tolerance on the distance.
        // On the parabola they land within a few float ulps (RMSProp without a decaying rate may
        // hover about lr away); in Rosenbrock's flat valley as close as in double.
        { "sgd lr=0.02 momentum=0.9", "parabola", "", 500, 1e-4 },
        { "adagrad lr=1", "parabola", "", 2000, 1e-4 },
        { "rmsprop lr=0.01 momentum=0.5", "parabola", "", 2000, 1e-2 },
        { "adam lr=0.1", "parabola", "", 2000, 1e-4 },
        { "adamw lr=0.1 weightDecay=0", "parabola", "", 2000, 1e-4 },
        { "lbfgs lineSearch=StrongWolfe", "parabola", "", 5, 1e-4 },

        { "sgd lr=0.001 momentum=0.9", "rosenbrock", "", 20000, 1e-5 },
        { "adagrad lr=0.5", "rosenbrock", "", 50000, 1e-4 },
        { "rmsprop lr=0.01 centered=true", "rosenbrock", "exp 0.9995", 20000, 1e-5 },
        { "adam lr=0.02", "rosenbrock", "", 10000, 1e-4 },
        { "adamw lr=0.02 weightDecay=0", "rosenbrock", "", 10000, 1e-4 },
        { "lbfgs lineSearch=StrongWolfe", "rosenbrock", "", 10, 1e-4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reaches_the_known_minimum_in_float(string optimizerConfig, string function, string schedule, int steps, double tolerance)
    {
        var objective = Objective.ByName(function);
        var p = NDArray.Parameter([(float)objective.Start.X, (float)objective.Start.Y], 2);
        ConvergenceTests.AssertWalkEndsAtTheMinimum(p, objective, optimizerConfig, schedule, steps, tolerance);
    }
}
