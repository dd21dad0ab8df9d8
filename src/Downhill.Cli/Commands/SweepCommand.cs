using System.CommandLine;
using System.Globalization;
using System.Text;
using Downhill.Analysis;
using Downhill.Cli.Options;
using Downhill.Models;
using Downhill.Plots;
using Spectre.Console;
using Downhill.Experiments;

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
        var size = new Option<string>("--size") { Description = "Picture size WIDTHxHEIGHT.", DefaultValueFactory = _ => "800x600" };
        var command = new Command("sweep", "Train once per learning rate from the same start and compare: too small crawls, too large overshoots.\n" +
            "Example: downhill sweep line --target y --model \"y = m*x + b\" --optimizer sgd --lr 1e-5,1e-4,1e-3,1e-2,1e-1 --epochs 30 --plot sweep.png --out sweep.csv");
        shared.AddTo(command);
        // --lr here takes a list; replace the single-value option of the shared set.
        command.Options.Remove(shared.Optimizer.Lr);
        var lrList = new Option<string?>("--lr") { Description = "Learning rates to compare, comma-separated, e.g. 1e-4,1e-3,1e-2." };
        command.Add(lrList);
        foreach (var o in new Option[] { rangeTest, output, plot, size }) command.Add(o);
        command.SetAction(r =>
        {
            Cli.CheckOutputPath(r.GetValue(output), "--out");
            Cli.CheckOutputPath(r.GetValue(plot), "--plot");
            var imageSize = ImageSize.Parse(r.GetValue(size)!);
            if (r.GetValue(plot) is { } p) ImageFile.FormatOf(p);
            var data = shared.LoadData(r);
            var settings = shared.Read(r);
            if (r.GetValue(rangeTest) is { } range)
            {
                var f = range.Split(':');
                if (f.Length != 3 || !int.TryParse(f[2], out int steps))
                    throw new UsageException($"--lr-range '{range}' is not LOW:HIGH:STEPS, e.g. 1e-6:1:40.");
                var test = LearningRateSweep.RangeTest(data, settings, Parse.Number(f[0], "--lr-range"), Parse.Number(f[1], "--lr-range"), steps);
                Console.WriteLine($"range test over {test.LearningRates.Length} batches: the loss fell fastest at lr {F(test.Suggested)}; try about that (or a little lower).");
                if (r.GetValue(output) is { } csvPath)
                    AtomicFile.WriteAllText(csvPath, "learning_rate,loss\n" + string.Concat(test.LearningRates.Zip(test.Losses, (a, b) => $"{R(a)},{R(b)}\n")));
                if (r.GetValue(plot) is { } plotPath)
                {
                    Draw.LearningRateRangeTest(test.LearningRates, test.Losses, new RangeTestOptions { SuggestedRate = test.Suggested }).Save(plotPath, imageSize);
                    Console.WriteLine($"picture written to {plotPath}");
                }
                return ExitCodes.Success;
            }
            var list = r.GetValue(lrList) ?? r.GetValue(rates)
                ?? throw new UsageException("give the learning rates to compare with --lr 1e-4,1e-3,1e-2 (or a range test with --lr-range 1e-6:1:40).");
            var values = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Parse.Number(v, "--lr")).ToArray();
            var runs = LearningRateSweep.Run(data, settings, values);
            var table = new Table().AddColumns("learning rate", "final loss", "best epoch", "diverged?");
            foreach (var run in runs)
                table.AddRow(F(run.LearningRate), run.Diverged ? "[red]blew up[/]" : F(run.FinalLoss), run.BestEpoch.ToString(CultureInfo.InvariantCulture),
                    run.Diverged ? $"[red]yes, epoch {run.DivergedAtEpoch}[/]" : "no");
            table.Title = new TableTitle($"{settings.Optimizer}, {settings.Training.Epochs} epochs from the same start");
            AnsiConsole.Write(table);
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
                Console.WriteLine($"picture written to {picture}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
