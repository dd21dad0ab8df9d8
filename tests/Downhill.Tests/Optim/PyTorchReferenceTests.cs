using System.Globalization;
using Downhill.Optim;

namespace Downhill.Tests.Optim;

/// <summary>
/// Replays the traces that tests/reference/optim_traces.py recorded with PyTorch's torch.optim
/// (Rosenbrock from (-1.5, 2), float64) and checks every step against them.
/// </summary>
public class PyTorchReferenceTests
{
    // Both sides compute in IEEE double, in the same order where it matters (the Rosenbrock
    // gradient is rounded as autograd rounds it; L-BFGS fuses a·x + y as ATen's add_ does), and
    // on this machine the traces agree bit for bit (measured deviation 0 for every config).
    // Another libm or BLAS may round pow or dot differently; L-BFGS amplifies a one-ulp
    // difference about 5x per step (measured 6e-12 after 8 steps before the fused adds), so
    // 1e-12, relative to max(|value|, 1) because coordinates cross zero on the way to (1, 1),
    // still fails on any real difference in an update rule (1e-4 or more) but not on rounding.
    private const double RelativeTolerance = 1e-12;

    public static TheoryData<string> Files => new() { "sgd", "adagrad", "rmsprop", "adam", "adamw", "lbfgs" };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_step_matches_PyTorch(string file)
    {
        var rows = ReadTrace(file);
        Assert.NotEmpty(rows);
        double worst = 0;
        foreach (var config in rows.Select(r => r.Config).Distinct())
        {
            var (name, settings) = ParseConfig(config);
            var objective = Objective.Rosenbrock;
            var p = objective.StartParameter();
            var optimizer = Optimizers.Create(name, [p], settings);
            var closure = objective.Closure(p);
            foreach (var row in rows.Where(r => r.Config == config))
            {
                double loss = optimizer.Step(closure);
                worst = Math.Max(worst, Check(config, row.Step, "loss", row.Loss, loss));
                worst = Math.Max(worst, Check(config, row.Step, "x", row.X, p.Data[0]));
                worst = Math.Max(worst, Check(config, row.Step, "y", row.Y, p.Data[1]));
            }
        }
        Console.WriteLine($"{file}: largest relative deviation from PyTorch {worst:E2}");
    }

    private static double Check(string config, int step, string what, double expected, double actual)
    {
        double deviation = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1);
        if (Environment.GetEnvironmentVariable("DOWNHILL_TRACE") is not null)
            Console.WriteLine($"{config} step {step} {what}: {deviation:E2}");
        Assert.True(deviation <= RelativeTolerance,
            $"{config}, step {step}: {what} = {actual:R}, PyTorch {expected:R} (relative deviation {deviation:E2})");
        return deviation;
    }

    internal sealed record Row(string Config, int Step, double Loss, double X, double Y);

    internal static List<Row> ReadTrace(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Optim", "reference", name + ".csv");
        var rows = new List<Row>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || line.StartsWith("config,", StringComparison.Ordinal)) continue;
            var f = line.Split(',');
            rows.Add(new Row(f[0], int.Parse(f[1], CultureInfo.InvariantCulture), D(f[2]), D(f[3]), D(f[4])));
        }
        return rows;
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>"adam lr=0.1 amsgrad=true" → ("adam", settings): the trace names its settings as Downhill does.</summary>
    internal static (string Name, OptimizerSettings Settings) ParseConfig(string config)
    {
        var parts = config.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var s = new OptimizerSettings();
        foreach (var kv in parts.Skip(1))
        {
            var (key, value) = (kv[..kv.IndexOf('=')], kv[(kv.IndexOf('=') + 1)..]);
            s = key switch
            {
                "lr" => s with { LearningRate = D(value) },
                "momentum" => s with { Momentum = D(value) },
                "dampening" => s with { Dampening = D(value) },
                "weightDecay" => s with { WeightDecay = D(value) },
                "nesterov" => s with { Nesterov = bool.Parse(value) },
                "lrDecay" => s with { LrDecay = D(value) },
                "initialAccumulatorValue" => s with { InitialAccumulatorValue = D(value) },
                "eps" => s with { Eps = D(value) },
                "alpha" => s with { Alpha = D(value) },
                "centered" => s with { Centered = bool.Parse(value) },
                "beta1" => s with { Beta1 = D(value) },
                "beta2" => s with { Beta2 = D(value) },
                "amsgrad" => s with { AmsGrad = bool.Parse(value) },
                "maxIter" => s with { MaxIter = int.Parse(value, CultureInfo.InvariantCulture) },
                "toleranceGrad" => s with { ToleranceGrad = D(value) },
                "toleranceChange" => s with { ToleranceChange = D(value) },
                "historySize" => s with { HistorySize = int.Parse(value, CultureInfo.InvariantCulture) },
                "lineSearch" => s with { LineSearch = Enum.Parse<LineSearch>(value) },
                _ => throw new ArgumentException($"unknown setting {key} in trace config \"{config}\""),
            };
        }
        return (parts[0], s);
    }
}
