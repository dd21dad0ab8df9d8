using System.Diagnostics;
using System.Globalization;
using Downhill.Data;
using Downhill.Models;
using Downhill.Nist;
using Downhill.Optim;
using Downhill.Training;

// downhill-nist [NIST-FOLDER] [--out FILE] [--methods lm,lbfgs,adam]: fits the 27 NIST StRD nonlinear regression problems
// from both certified start points with lm, lbfgs and adam through Fitting.Fit (the library call
// behind `downhill fit`), and writes certified digits, iterations and times as Markdown.
string root = RepositoryRoot();
string folder = Path.Combine(root, "..", "shared", "data", "nist");
string output = Path.Combine(root, "bench", "results", "nist.md");
var chosen = Methods.All.ToList();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--out" && i + 1 < args.Length) output = args[++i];
    else if (args[i] == "--methods" && i + 1 < args.Length)
    {
        var names = args[++i].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        chosen = Methods.All.Where(m => names.Contains(m.Name)).ToList();
        if (chosen.Count != names.Length)
        {
            Console.Error.WriteLine($"error: --methods {args[i]}: the methods are {string.Join(", ", Methods.All.Select(m => m.Name))}.");
            return 1;
        }
    }
    else if (args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"error: unknown option {args[i]}; usage: downhill-nist [NIST-FOLDER] [--out FILE] [--methods lm,lbfgs,adam]");
        return 1;
    }
    else folder = args[i];
}
folder = Path.GetFullPath(folder);
IReadOnlyList<NistProblem> problems;
try { problems = NistProblem.LoadAll(folder); }
catch (FileNotFoundException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

var runs = new List<FitRun>();
foreach (var method in chosen)
    foreach (var problem in problems)
        foreach (int start in new[] { 1, 2 })
        {
            var run = FitRun.Execute(problem, start, method);
            runs.Add(run);
            Console.WriteLine($"{method.Name,-6} {problem.Name,-9} start {start}: {run.ParameterDigits,4:F1} digits, " +
                $"{run.Steps,6} {method.StepName}, {run.Seconds * 1000,8:F1} ms  {run.Stopped}");
        }

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, Report.Markdown(problems, runs));
Console.WriteLine($"wrote {output}");
return 0;

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Downhill.slnx"))) return dir.FullName;
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Downhill.slnx"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}

namespace Downhill.Nist
{
    /// <summary>An optimizer with the settings the benchmark gives it.</summary>
    internal sealed record Method(string Name, string StepName, string Settings, Func<FitSettings, FitSettings> Configure);

    internal static class Methods
    {
        public static readonly Method Lm = new("lm", "iterations", "Levenberg-Marquardt, default options (ftol = xtol = 1e-15, at most 1000 iterations)",
            s => s with { Optimizer = Fitting.LevenbergMarquardtName });

        /// <summary>100 full-batch steps of up to 100 iterations each with the strong Wolfe line search: up to 10 000 iterations.</summary>
        public static readonly Method Lbfgs = new("lbfgs", "epochs",
            "L-BFGS with the strong Wolfe line search, history 100, 100 epochs x up to 100 iterations, PyTorch's tolerances (1e-7 gradient, 1e-9 change; 1000 epochs solved no more problems, and zero tolerances fewer, when tried)",
            s => s with
            {
                Optimizer = "lbfgs",
                OptimizerSettings = new OptimizerSettings { MaxIter = 100, LineSearch = LineSearch.StrongWolfe },
                Training = s.Training with { Epochs = 100 },
            });

        public static readonly Method Adam = new("adam", "epochs", "Adam, learning rate 0.01, 5000 full-batch epochs",
            s => s with
            {
                Optimizer = "adam",
                OptimizerSettings = new OptimizerSettings { LearningRate = 0.01 },
                Training = s.Training with { Epochs = 5000 },
            });

        public static readonly Method[] All = [Lm, Lbfgs, Adam];
    }

    /// <summary>One fit of one problem from one start by one method, scored against NIST's certified values.</summary>
    internal sealed record FitRun(
        NistProblem Problem, int Start, Method Method, double ParameterDigits, double? StandardErrorDigits,
        double? RssDigits, int Steps, double Seconds, double CpuSeconds, string Stopped)
    {
        public static FitRun Execute(NistProblem problem, int start, Method method)
        {
            var data = DataSource.Load(problem.CsvPath, new DataOptions { TargetKind = TargetKind.Regression });
            var init = problem.Parameters.Select((name, j) => (name, value: problem.Start(start)[j]))
                .ToDictionary(p => p.name, p => p.value, StringComparer.Ordinal);
            var settings = method.Configure(new FitSettings
            {
                Model = ModelSpec.Parse(problem.Formula),
                Init = init,
                Training = new TrainingOptions { BatchSize = null, Shuffle = false },
            });
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            FitOutcome outcome;
            try { outcome = Fitting.Fit(data, settings); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or DataFileException)
            {
                return new FitRun(problem, start, method, 0, null, null, 0, clock.Elapsed.TotalSeconds, 0, "failed: " + e.Message);
            }
            clock.Stop();
            process.Refresh();
            double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;

            var values = problem.Parameters.Select(name => outcome.Model.Parameters.Single(p => p.Name == name).Values[0]).ToArray();
            double parameterDigits = Digits.Worst(values, problem.Certified);
            double? errorDigits = null, rssDigits = null;
            if (outcome.LeastSquares is { } ls)
            {
                var errors = problem.Parameters.Select(name => ls.Statistics.StandardErrors[IndexOf(ls.Names, name)]).ToArray();
                errorDigits = Digits.Worst(errors, problem.CertifiedSd);
                rssDigits = Digits.Correct(ls.Statistics.ResidualSumOfSquares, problem.CertifiedRss);
            }
            string stopped = outcome.LeastSquares?.Solver is { } solver ? solver.StoppedBecause.ToString()
                : outcome.Result.Divergence is not null ? "Diverged"
                : outcome.LeastSquares?.Stalled == true ? "Stalled" : outcome.Result.StoppedBecause.ToString();
            int steps = outcome.LeastSquares?.Solver?.Iterations ?? outcome.Result.History.Count;
            return new FitRun(problem, start, method, parameterDigits, errorDigits, rssDigits, steps, clock.Elapsed.TotalSeconds, cpuSeconds, stopped);
        }

        private static int IndexOf(IReadOnlyList<string> names, string name)
        {
            for (int j = 0; j < names.Count; j++) if (names[j] == name) return j;
            throw new InvalidOperationException($"parameter {name} is missing from the fit's statistics");
        }
    }

    internal static class Format
    {
        public static string Digits(double? d) => d is double v ? v.ToString("F1", CultureInfo.InvariantCulture) : "-";
        public static string Ms(double seconds) => (seconds * 1000).ToString("F1", CultureInfo.InvariantCulture);
    }
}
