using System.CommandLine;
using System.Globalization;
using System.Text;
using Downhill.Cli.Options;
using Downhill.Formulas;
using Downhill.Models;
using Downhill.Optim;
using Spectre.Console;

namespace Downhill.Cli.Commands;

/// <summary><c>downhill minimize "(1 - x)^2 + 100*(y - x^2)^2" --start x=-1.5,y=2 --optimizer adam ...</c></summary>
internal static class MinimizeCommand
{
    public static Command Create()
    {
        var formula = new Argument<string>("FORMULA") { Description = "The function to minimize, e.g. \"(1 - x)^2 + 100*(y - x^2)^2\"." };
        var start = new Option<string?>("--start") { Description = "Start point NAME=VALUE,... for every variable, e.g. x=-1.5,y=2." };
        var optimizer = new OptimizerOptionSet("sgd");
        var steps = new Option<int>("--steps") { Description = "Most steps to take.", DefaultValueFactory = _ => 1000 };
        var tolerance = new Option<double>("--tolerance") { Description = "Stop when the gradient norm falls below this.", DefaultValueFactory = _ => 1e-6 };
        var trace = new Option<string?>("--trace") { Description = "Write every step as CSV: step,loss,<variables in --start order> (full precision)." };
        var command = new Command("minimize", "Walk downhill on a formula from a start point, in double precision.\n" +
            "Example: downhill minimize \"(1 - x)^2 + 100*(y - x^2)^2\" --start x=-1.5,y=2 --optimizer adam --lr 0.01 --steps 400 --trace trace.csv")
        { formula, start, steps, tolerance, trace };
        optimizer.AddTo(command);
        command.SetAction(r =>
        {
            string? tracePath = r.GetValue(trace);
            Cli.CheckOutputPath(tracePath, "--trace");
            var objective = Formula.Parse(r.GetValue(formula)!);
            if (objective.IsEquation)
                throw new UsageException($"minimize takes a function, not an equation: drop '{objective.Target} =' (to fit an equation to data use 'downhill fit').");
            var startValues = Parse.NameValues(r.GetValue(start), "--start");
            string name = optimizer.Name(r);
            var settings = optimizer.Read(r);
            var options = new MinimizeOptions { MaxSteps = r.GetValue(steps), Tolerance = r.GetValue(tolerance) };

            using var writer = tracePath is null ? null : new StreamWriter(tracePath, false, new UTF8Encoding(false));
            string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = Minimizer.Minimize(objective, startValues, (parameters, reevaluate) =>
            {
                var opt = Optimizers.Create(name, parameters, settings);
                return opt is Lbfgs<double> ? () => opt.Step(reevaluate) : opt.Step;
            }, options, step =>
            {
                if (writer is null) return;
                if (step.Step == 0) writer.WriteLine("step,loss," + string.Join(",", startValues.Select(p => p.Key)));
                writer.WriteLine($"{step.Step},{R(step.Loss)},{string.Join(",", step.Values.Select(R))}");
                writer.Flush();
            });
            clock.Stop();

            var first = result.Trace[0];
            var last = result.Last;
            var table = new Table().AddColumns("", "start", "end");
            for (int i = 0; i < result.Names.Count; i++)
                table.AddRow(result.Names[i], F(first.Values[i]), F(last.Values[i]));
            table.AddRow("loss", F(first.Loss), F(last.Loss));
            table.AddRow("gradient norm", F(first.GradientNorm), F(last.GradientNorm));
            table.Title = new TableTitle($"{name}: {last.Step} steps in {clock.Elapsed.TotalSeconds:F3} s");
            AnsiConsole.Write(table);
            if (result.Outcome == MinimizeOutcome.Diverged)
            {
                Console.Error.WriteLine($"error: {result.Message}" + (tracePath is null ? "" : $" (the trace so far is in {tracePath})"));
                return ExitCodes.Diverged;
            }
            Console.WriteLine(result.Message);
            if (tracePath is not null) Console.WriteLine($"trace written to {tracePath}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string F(double v) => v.ToString("G8", CultureInfo.InvariantCulture);
}
