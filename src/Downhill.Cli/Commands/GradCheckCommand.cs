using Spectre.Console;

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
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object and nothing else on stdout: passes, tolerance, worst_relative_error, seconds, and parameters " +
                "(per parameter: name, shape, worst_absolute_error, worst_relative_error, at (the worst element's index), analytic, numeric, passes). " +
                "The exit code is still 1 when a gradient disagrees.",
        };
        var command = new Command("gradcheck", "Check back-propagation: compare Backward() with central finite differences, in double precision, for every parameter.\n" +
            "Example: downhill gradcheck fashion-mnist --model mlp:16,16 --activation sigmoid --samples 16");
        shared.AddTo(command, optimizer: false, training: false);
        command.Add(samples);
        command.Add(tolerance);
        command.Add(step);
        command.Add(json);
        command.SetAction(r =>
        {
            double tol = r.GetValue(tolerance);
            if (!(tol > 0)) throw new UsageException($"--tolerance {tol} is invalid; give a positive number such as 1e-6.");
            var data = shared.LoadData(r);
            var settings = shared.Read(r, optimizer: false, training: false);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var report = ModelGradCheck.Run(data, settings, r.GetValue(samples), r.GetValue(step));
            bool isJson = r.GetValue(json);
            if (isJson) Console.WriteLine(Json(report, tol, clock.Elapsed.TotalSeconds));
            else WriteTable(report, tol, clock.Elapsed.TotalSeconds);
            if (!report.Passes(tol))
            {
                Console.Error.WriteLine($"error: the worst relative error {E(report.WorstRelativeError)} exceeds the tolerance {E(tol)}.");
                return ExitCodes.BadInput;
            }
            if (!isJson) Console.WriteLine($"all gradients agree within {E(tol)} (worst {E(report.WorstRelativeError)}).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(GradCheckReport report, double tol, double seconds)
    {
        var table = new Table().AddColumns("parameter", "shape", "worst abs. error", "worst rel. error", "at", "analytic", "numeric", "");
        foreach (var p in report.Parameters)
            table.AddRow(Markup.Escape(p.Name), Markup.Escape($"[{string.Join(",", p.Shape)}]"), E(p.WorstAbsoluteError), E(p.WorstRelativeError),
                $"[[{string.Join(",", p.WorstPosition)}]]", E(p.Analytic), E(p.Numeric), p.WorstRelativeError <= tol ? "[green]ok[/]" : "[red]FAIL[/]");
        table.Title = new TableTitle($"gradient check: {report.Parameters.Sum(p => p.Shape.Aggregate(1, (a, b) => a * b))} parameters, {seconds:F1} s");
        AnsiConsole.Write(table);
    }

    private static string Json(GradCheckReport report, double tolerance, double seconds) => JsonOut.Object(w =>
    {
        w.WriteBoolean("passes", report.Passes(tolerance));
        JsonOut.Number(w, "tolerance", tolerance);
        JsonOut.Number(w, "worst_relative_error", report.WorstRelativeError);
        JsonOut.Number(w, "seconds", seconds);
        w.WriteStartArray("parameters");
        foreach (var p in report.Parameters)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Name);
            Integers(w, "shape", p.Shape);
            JsonOut.Number(w, "worst_absolute_error", p.WorstAbsoluteError);
            JsonOut.Number(w, "worst_relative_error", p.WorstRelativeError);
            Integers(w, "at", p.WorstPosition);
            JsonOut.Number(w, "analytic", p.Analytic);
            JsonOut.Number(w, "numeric", p.Numeric);
            // A NaN error is no pass: the comparison is false, as in GradCheckReport.Passes.
            w.WriteBoolean("passes", p.WorstRelativeError <= tolerance);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private static void Integers(System.Text.Json.Utf8JsonWriter w, string name, int[] values)
    {
        w.WriteStartArray(name);
        foreach (int v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static string E(double v) => v.ToString("0.00E+00", CultureInfo.InvariantCulture);
}
