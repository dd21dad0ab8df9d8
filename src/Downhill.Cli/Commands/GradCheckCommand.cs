using System.CommandLine;
using System.Globalization;
using Downhill.Analysis;
using Downhill.Cli.Options;
using Spectre.Console;
using Downhill.Experiments;

namespace Downhill.Cli.Commands;

/// <summary><c>downhill gradcheck DATA --model mlp:16,16 --samples 16</c>: Backward() against finite differences.</summary>
internal static class GradCheckCommand
{
    public static Command Create()
    {
        var shared = new FitSettingsReader("sgd");
        var samples = new Option<int>("--samples") { Description = "Rows to compute the loss on.", DefaultValueFactory = _ => 16 };
        var tolerance = new Option<double>("--tolerance") { Description = "Largest relative error that passes (relative to max(|analytic|, |numeric|, 1)).", DefaultValueFactory = _ => 1e-6 };
        var step = new Option<double>("--step") { Description = "Central-difference step.", DefaultValueFactory = _ => 1e-6 };
        var command = new Command("gradcheck", "Check back-propagation: compare Backward() with central finite differences, in double precision, for every parameter.\n" +
            "Example: downhill gradcheck fashion-mnist --model mlp:16,16 --activation sigmoid --samples 16");
        shared.AddTo(command, optimizer: false, training: false);
        command.Add(samples);
        command.Add(tolerance);
        command.Add(step);
        command.SetAction(r =>
        {
            double tol = r.GetValue(tolerance);
            if (!(tol > 0)) throw new UsageException($"--tolerance {tol} is invalid; give a positive number such as 1e-6.");
            var data = shared.LoadData(r);
            var settings = shared.Read(r, optimizer: false, training: false);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var report = ModelGradCheck.Run(data, settings, r.GetValue(samples), r.GetValue(step));
            var table = new Table().AddColumns("parameter", "shape", "worst abs. error", "worst rel. error", "at", "analytic", "numeric", "");
            foreach (var p in report.Parameters)
                table.AddRow(Markup.Escape(p.Name), Markup.Escape($"[{string.Join(",", p.Shape)}]"), E(p.WorstAbsoluteError), E(p.WorstRelativeError),
                    $"[[{string.Join(",", p.WorstPosition)}]]", E(p.Analytic), E(p.Numeric), p.WorstRelativeError <= tol ? "[green]ok[/]" : "[red]FAIL[/]");
            table.Title = new TableTitle($"gradient check: {report.Parameters.Sum(p => p.Shape.Aggregate(1, (a, b) => a * b))} parameters, {clock.Elapsed.TotalSeconds:F1} s");
            AnsiConsole.Write(table);
            if (!report.Passes(tol))
            {
                Console.Error.WriteLine($"error: the worst relative error {E(report.WorstRelativeError)} exceeds the tolerance {E(tol)}.");
                return ExitCodes.BadInput;
            }
            Console.WriteLine($"all gradients agree within {E(tol)} (worst {E(report.WorstRelativeError)}).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string E(double v) => v.ToString("0.00E+00", CultureInfo.InvariantCulture);
}
