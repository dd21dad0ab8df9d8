using Spectre.Console;

namespace Downhill.Cli.Commands;

/// <summary><c>downhill sweep line --model "y = m*x + b" --optimizer sgd --lr 1e-5,1e-4,1e-3 --epochs 30</c>.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var shared = new FitSettingsReader("sgd");
        var rates = new Option<string?>("--lr-list") { Description = "Learning rates to compare, comma-separated (also accepted as --lr 1e-4,1e-3,...)." };
        var rangeTest = new Option<string?>("--lr-range") { Description = "Range test LOW:HIGH:STEPS: raise the rate every batch, plot loss vs rate and suggest one (e.g. 1e-6:1:40)." };
        var output = new Option<string?>("--out") { Description = "Write the runs as CSV: learning_rate,epoch,loss,diverged." };
        var plot = new Option<string?>("--plot") { Description = "One loss curve per learning rate on a log scale (.png or .svg)." };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object and nothing else on stdout. With --lr: optimizer, epochs, runs (per rate, in the order given: learning_rate, " +
                "final_loss, best_epoch, diverged, diverged_at_epoch (null when it did not), losses per epoch). With --lr-range: learning_rates, losses (one per batch), suggested. " +
                "Losses that are not finite are null.",
        };
        var size = new Option<string>("--size") { Description = "Picture size WIDTHxHEIGHT.", DefaultValueFactory = _ => "800x600" };
        var command = new Command("sweep", "Train once per learning rate from the same start and compare: too small crawls, too large overshoots.\n" +
            "Example: downhill sweep line --target y --model \"y = m*x + b\" --optimizer sgd --lr 1e-5,1e-4,1e-3,1e-2,1e-1 --epochs 30 --plot sweep.png --out sweep.csv");
        shared.AddTo(command);
        // --lr here takes a list; replace the single-value option of the shared set.
        command.Options.Remove(shared.Optimizer.Lr);
        var lrList = new Option<string?>("--lr") { Description = "Learning rates to compare, comma-separated, e.g. 1e-4,1e-3,1e-2." };
        command.Add(lrList);
        foreach (var o in new Option[] { rangeTest, output, plot, size, json }) command.Add(o);
        command.SetAction(r =>
        {
            Cli.CheckOutputPath(r.GetValue(output), "--out");
            Cli.CheckOutputPath(r.GetValue(plot), "--plot");
            var imageSize = ImageSize.Parse(r.GetValue(size)!);
            if (r.GetValue(plot) is { } p) ImageFile.FormatOf(p);
            var data = shared.LoadData(r);
            var settings = shared.Read(r);
            bool isJson = r.GetValue(json);
            // With --json, stdout holds the JSON object alone.
            var info = isJson ? Console.Error : Console.Out;
            if (r.GetValue(rangeTest) is { } range)
            {
                var f = range.Split(':');
                if (f.Length != 3 || !int.TryParse(f[2], out int steps))
                    throw new UsageException($"--lr-range '{range}' is not LOW:HIGH:STEPS, e.g. 1e-6:1:40.");
                var test = LearningRateSweep.RangeTest(data, settings, Parse.Number(f[0], "--lr-range"), Parse.Number(f[1], "--lr-range"), steps);
                if (isJson)
                    Console.WriteLine(JsonOut.Object(w =>
                    {
                        JsonOut.Numbers(w, "learning_rates", test.LearningRates);
                        JsonOut.Numbers(w, "losses", test.Losses);
                        JsonOut.Number(w, "suggested", test.Suggested);
                    }));
                info.WriteLine($"range test over {test.LearningRates.Length} batches: the loss fell fastest at lr {F(test.Suggested)}; try about that (or a little lower).");
                if (r.GetValue(output) is { } csvPath)
                    AtomicFile.WriteAllText(csvPath, "learning_rate,loss\n" + string.Concat(test.LearningRates.Zip(test.Losses, (a, b) => $"{R(a)},{R(b)}\n")));
                if (r.GetValue(plot) is { } plotPath)
                {
                    Draw.LearningRateRangeTest(test.LearningRates, test.Losses, new RangeTestOptions { SuggestedRate = test.Suggested }).Save(plotPath, imageSize);
                    info.WriteLine($"picture written to {plotPath}");
                }
                return ExitCodes.Success;
            }
            var list = r.GetValue(lrList) ?? r.GetValue(rates)
                ?? throw new UsageException("give the learning rates to compare with --lr 1e-4,1e-3,1e-2 (or a range test with --lr-range 1e-6:1:40).");
            var values = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Parse.Number(v, "--lr")).ToArray();
            var runs = LearningRateSweep.Run(data, settings, values);
            if (isJson) Console.WriteLine(Json(settings, runs));
            else WriteTable(settings, runs);
            if (r.GetValue(output) is { } outPath)
            {
                var sb = new StringBuilder("learning_rate,epoch,loss,diverged\n");
                foreach (var run in runs)
                    for (int e = 0; e < run.Losses.Length; e++)
                        sb.Append($"{R(run.LearningRate)},{e + 1},{R(run.Losses[e])},{(run.Diverged && e == run.Losses.Length - 1 ? "true" : "false")}\n");
                AtomicFile.WriteAllText(outPath, sb.ToString());
            }
            if (r.GetValue(plot) is { } picture)
            {
                var curves = runs.Select(run => new LearningRateRun(run.LearningRate,
                    Enumerable.Range(1, run.Losses.Length).Select(e => (double)e).ToArray(), run.Losses, run.Diverged)).ToList();
                Draw.LearningRateSweep(curves, new LearningRateSweepOptions { Title = $"{settings.Optimizer}: loss per epoch for each learning rate" }).Save(picture, imageSize);
                info.WriteLine($"picture written to {picture}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteTable(FitSettings settings, IReadOnlyList<SweepRun> runs)
    {
        var table = new Table().AddColumns("learning rate", "final loss", "best epoch", "diverged?");
        foreach (var run in runs)
            table.AddRow(F(run.LearningRate), run.Diverged ? "[red]blew up[/]" : F(run.FinalLoss), run.BestEpoch.ToString(CultureInfo.InvariantCulture),
                run.Diverged ? $"[red]yes, epoch {run.DivergedAtEpoch}[/]" : "no");
        table.Title = new TableTitle($"{settings.Optimizer}, {settings.Training.Epochs} epochs from the same start");
        AnsiConsole.Write(table);
    }

    private static string Json(FitSettings settings, IReadOnlyList<SweepRun> runs) => JsonOut.Object(w =>
    {
        w.WriteString("optimizer", settings.Optimizer);
        w.WriteNumber("epochs", settings.Training.Epochs);
        w.WriteStartArray("runs");
        foreach (var run in runs)
        {
            w.WriteStartObject();
            JsonOut.Number(w, "learning_rate", run.LearningRate);
            JsonOut.Number(w, "final_loss", run.FinalLoss);
            w.WriteNumber("best_epoch", run.BestEpoch);
            w.WriteBoolean("diverged", run.Diverged);
            if (run.DivergedAtEpoch is int at) w.WriteNumber("diverged_at_epoch", at);
            else w.WriteNull("diverged_at_epoch");
            JsonOut.Numbers(w, "losses", run.Losses);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
