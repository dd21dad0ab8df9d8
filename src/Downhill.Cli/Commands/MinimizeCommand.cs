using Spectre.Console;

namespace Downhill.Cli.Commands;

/// <summary><c>downhill minimize "(1 - x)^2 + 100*(y - x^2)^2" --start x=-1.5,y=2 --optimizer adam ...</c></summary>
internal static class MinimizeCommand
{
    public static Command Create()
    {
        var formula = new Argument<string>("FORMULA") { Description = "The function to minimize, e.g. \"(1 - x)^2 + 100*(y - x^2)^2\"." };
        var start = new Option<string?>("--start") { Description = "Start point NAME=VALUE,... for every variable, e.g. x=-1.5,y=2." };
        var optimizer = new OptimizerOptionSet("sgd", Optimizers.Names);
        var steps = new Option<int>("--steps") { Description = "Most steps to take.", DefaultValueFactory = _ => 1000 };
        var tolerance = new Option<double>("--tolerance") { Description = "Stop when the gradient norm falls below this.", DefaultValueFactory = _ => 1e-6 };
        var trace = new Option<string?>("--trace") { Description = "Write every step as CSV: step,loss,<variables in --start order> (full precision)." };
        var plot = new Option<string?>("--plot") { Description = "Draw the walk (.png or .svg): the ball in the bowl for 1 variable, the route across the contour map for 2." };
        var compare = new Option<string?>("--compare") { Description = "Race several optimizers from the same start, e.g. sgd,momentum,adam,rmsprop (momentum = sgd with --momentum, default 0.9); " +
            "the other options (--lr, ...) apply to each. Prints each one's end point, loss and steps; with --plot draws them all on one map (2 variables)." };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object and nothing else on stdout: optimizer, start (variable: value), start_loss, outcome (converged, step_limit, diverged), " +
                "message, steps, end (variable: value), loss, gradient_norm (at the end), seconds. With --compare: start and runs (per optimizer: optimizer, " +
                "outcome, message, steps, end, loss, gradient_norm). Numbers that are not finite are null; the exit code is still 3 when a lone walk diverges.",
        };
        var size = Cli.SizeOption();
        var command = new Command("minimize", "Walk downhill on a formula from a start point, in double precision.\n" +
            "Examples:\n  downhill minimize \"(1 - x)^2 + 100*(y - x^2)^2\" --start x=-1.5,y=2 --optimizer adam --lr 0.01 --steps 400 --trace trace.csv --plot walk.png\n" +
            "  downhill minimize \"(1 - x)^2 + 100*(y - x^2)^2\" --start x=-1.5,y=2 --lr 0.001 --steps 2000 --compare sgd,momentum,adam,rmsprop --plot race.png")
        { formula, start, steps, tolerance, trace, plot, compare, size, json };
        optimizer.AddTo(command);
        command.SetAction(r =>
        {
            string? tracePath = r.GetValue(trace);
            string? plotPath = r.GetValue(plot);
            Cli.CheckOutputPath(tracePath, "--trace");
            Cli.CheckPicturePath(plotPath, "--plot");
            var imageSize = ImageSize.Parse(r.GetValue(size)!);
            var objective = Formula.Parse(r.GetValue(formula)!);
            if (objective.IsEquation)
                throw new UsageException($"minimize takes a function, not an equation: drop '{objective.Target} =' (to fit an equation to data use 'downhill fit').");
            var startValues = Parse.NameValues(r.GetValue(start), "--start");
            if (plotPath is not null && objective.Variables.Count is not (1 or 2))
                throw new UsageException($"--plot needs a function of 1 or 2 variables; '{objective.Text}' has {objective.Variables.Count} ({string.Join(", ", objective.Variables)}). Leave --plot out, or replace the others by numbers.");
            var settings = optimizer.Read(r);
            var options = new MinimizeOptions { MaxSteps = r.GetValue(steps), Tolerance = r.GetValue(tolerance) };
            bool isJson = r.GetValue(json);
            // With --json, stdout holds the JSON object alone.
            var info = isJson ? Console.Error : Console.Out;
            if (r.GetValue(compare) is { } list)
            {
                if (tracePath is not null) throw new UsageException("--trace records one walk; leave it out with --compare (or run each optimizer on its own).");
                return Race(objective, startValues, Contestants(list, settings), options, plotPath, imageSize, isJson);
            }

            string name = optimizer.Name(r);
            using var writer = tracePath is null ? null : new StreamWriter(tracePath, false, new UTF8Encoding(false));
            string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = Walk(objective, startValues, name, settings, options, step =>
            {
                if (writer is null) return;
                if (step.Step == 0) writer.WriteLine("step,loss," + string.Join(",", startValues.Select(p => p.Key)));
                writer.WriteLine($"{step.Step},{R(step.Loss)},{string.Join(",", step.Values.Select(R))}");
                writer.Flush();
            });
            clock.Stop();

            var first = result.Trace[0];
            var last = result.Last;
            // A function undefined at the start point is a usage error below, with no walk to describe.
            bool undefinedAtStart = result.Outcome == MinimizeOutcome.Diverged && result.Trace.Count == 1;
            if (isJson)
            {
                if (!undefinedAtStart)
                    Console.WriteLine(JsonOut.Object(w =>
                    {
                        w.WriteString("optimizer", name);
                        JsonOut.Named(w, "start", result.Names, first.Values);
                        JsonOut.Number(w, "start_loss", first.Loss);
                        WriteWalk(w, result);
                        JsonOut.Number(w, "seconds", clock.Elapsed.TotalSeconds);
                    }));
            }
            else
            {
                var table = new Table().AddColumns("", "start", "end");
                for (int i = 0; i < result.Names.Count; i++)
                    table.AddRow(result.Names[i], F(first.Values[i]), F(last.Values[i]));
                table.AddRow("loss", F(first.Loss), F(last.Loss));
                table.AddRow("gradient norm", F(first.GradientNorm), F(last.GradientNorm));
                table.Title = new TableTitle($"{name}: {last.Step} steps in {clock.Elapsed.TotalSeconds:F3} s");
                AnsiConsole.Write(table);
            }
            if (plotPath is not null)
            {
                DescentPictures.Walk(objective, result, name).Save(plotPath, imageSize);
                info.WriteLine($"walk drawn in {plotPath}");
            }
            if (undefinedAtStart)
                throw new UsageException($"the function is {F(first.Loss)} at the start point ({string.Join(", ", result.Names.Select((n, i) => $"{n}={F(first.Values[i])}"))}); start where it is defined (e.g. log needs a positive argument).");
            if (result.Outcome == MinimizeOutcome.Diverged)
            {
                Console.Error.WriteLine($"error: {result.Message}" + (tracePath is null ? "" : $" (the trace so far is in {tracePath})"));
                return ExitCodes.Diverged;
            }
            info.WriteLine(result.Message);
            if (tracePath is not null) info.WriteLine($"trace written to {tracePath}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static MinimizeResult Walk(Formula objective, IEnumerable<KeyValuePair<string, double>> start, string optimizer,
        OptimizerSettings settings, MinimizeOptions options, Action<MinimizeStep>? onStep = null) =>
        Minimizer.Minimize(objective, start, (parameters, reevaluate) =>
        {
            var opt = Optimizers.Create(optimizer, parameters, settings);
            return opt is Lbfgs<double> ? () => opt.Step(reevaluate) : opt.Step;
        }, options, onStep);

    /// <summary>The optimizers named by --compare with their settings; momentum is sgd with momentum (0.9 unless --momentum says).</summary>
    private static (string Label, string Optimizer, OptimizerSettings Settings)[] Contestants(string list, OptimizerSettings settings)
    {
        var names = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => n.ToLowerInvariant()).ToArray();
        if (names.Length == 0) throw new UsageException($"--compare '{list}' names no optimizer; give a list such as sgd,momentum,adam,rmsprop.");
        if (names.Distinct().Count() != names.Length) throw new UsageException($"--compare '{list}' names an optimizer twice; name each once.");
        return names.Select(n =>
        {
            if (n == "momentum") return (n, "sgd", settings with { Momentum = settings.Momentum ?? 0.9 });
            Optimizers.Parse(n);
            return (n, n, settings);
        }).ToArray();
    }

    private static int Race(Formula objective, List<KeyValuePair<string, double>> start,
        (string Label, string Optimizer, OptimizerSettings Settings)[] contestants, MinimizeOptions options, string? plotPath, ImageSize size, bool isJson)
    {
        var walks = contestants.Select(c => (c.Label, Walk: Walk(objective, start, c.Optimizer, c.Settings, options))).ToArray();
        var names = walks[0].Walk.Names;
        var info = isJson ? Console.Error : Console.Out;
        if (isJson)
            Console.WriteLine(JsonOut.Object(w =>
            {
                JsonOut.Named(w, "start", start.Select(p => p.Key).ToArray(), start.Select(p => p.Value).ToArray());
                w.WriteStartArray("runs");
                foreach (var (label, walk) in walks)
                {
                    w.WriteStartObject();
                    w.WriteString("optimizer", label);
                    WriteWalk(w, walk);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }));
        else WriteRaceTable(start, walks);
        if (plotPath is not null)
        {
            if (names.Count == 2)
                DescentPictures.Race(objective, walks).Save(plotPath, size);
            else
                DescentPictures.Walk(objective, walks[0].Walk, walks[0].Label).Save(plotPath, size);
            info.WriteLine(names.Count == 2 ? $"race drawn in {plotPath}" : $"{plotPath} shows the first walk ({walks[0].Label}): a race is drawn on 2 variables");
        }
        // A racer that blows up is part of the lesson (sgd on Rosenbrock at a rate adam handles), not a failed command.
        foreach (var (label, walk) in walks.Where(w => w.Walk.Outcome == MinimizeOutcome.Diverged))
            info.WriteLine($"{label}: {walk.Message}");
        return ExitCodes.Success;
    }

    /// <summary>How a walk ended, where, and how low: the members a lone walk and each racer share.</summary>
    private static void WriteWalk(System.Text.Json.Utf8JsonWriter w, MinimizeResult walk)
    {
        w.WriteString("outcome", JsonOut.SnakeCase(walk.Outcome.ToString()));
        w.WriteString("message", walk.Message);
        w.WriteNumber("steps", walk.Last.Step);
        JsonOut.Named(w, "end", walk.Names, walk.Last.Values);
        JsonOut.Number(w, "loss", walk.Last.Loss);
        JsonOut.Number(w, "gradient_norm", walk.Last.GradientNorm);
    }

    private static void WriteRaceTable(List<KeyValuePair<string, double>> start, (string Label, MinimizeResult Walk)[] walks)
    {
        var names = walks[0].Walk.Names;
        var table = new Table().AddColumn("optimizer");
        foreach (var n in names) table.AddColumn(new TableColumn(n).RightAligned());
        table.AddColumn(new TableColumn("loss").RightAligned()).AddColumn(new TableColumn("steps").RightAligned()).AddColumn("outcome");
        foreach (var (label, walk) in walks)
        {
            var cells = new List<string> { label };
            cells.AddRange(walk.Last.Values.Select(F));
            cells.Add(F(walk.Last.Loss));
            cells.Add(walk.Last.Step.ToString(CultureInfo.InvariantCulture));
            cells.Add(walk.Outcome.ToString().ToLowerInvariant());
            table.AddRow(cells.Select(Markup.Escape).ToArray());
        }
        table.Title = new TableTitle($"race from {string.Join(", ", start.Select(p => $"{p.Key} = {F(p.Value)}"))}");
        AnsiConsole.Write(table);
    }

    private static string F(double v) => v.ToString("G8", CultureInfo.InvariantCulture);
}
