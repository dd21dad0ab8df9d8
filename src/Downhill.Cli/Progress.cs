using Spectre.Console;

namespace Downhill.Cli;

/// <summary>
/// Draws training progress: a live bar (epoch, batch, loss, ETA) on a terminal, one plain line
/// per epoch when output is redirected, nothing with --quiet.
/// </summary>
internal sealed class Progress(bool quiet, int epochs, double lossFactor = 1)
{
    private readonly bool live = !quiet && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with callbacks wired to the chosen display.</summary>
    public T Run<T>(Func<TrainingCallbacks, T> work, Action<int>? epochEnd = null)
    {
        if (!live)
        {
            var plain = new TrainingCallbacks
            {
                // A 2000-epoch run prints about 40 lines: every k-th epoch, the first five and the last.
                Epoch = e => { if (!quiet && (e.Epoch <= 5 || e.Epoch % Math.Max(1, epochs / 40) == 0 || e.Epoch == epochs)) Console.WriteLine(Describe(e, lossFactor)); },
                EpochEnd = epochEnd,
            };
            return work(plain);
        }
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("training", maxValue: epochs);
                var callbacks = new TrainingCallbacks
                {
                    Batch = b =>
                    {
                        task.Description = $"epoch {b.Epoch}/{epochs} batch {b.Batch}/{b.BatchesPerEpoch} loss {Format(b.Loss * lossFactor)}";
                        task.Value = b.Epoch - 1 + b.Batch / (double)b.BatchesPerEpoch;
                    },
                    Epoch = e => AnsiConsole.MarkupLine(Markup.Escape(Describe(e, lossFactor))),
                    EpochEnd = epochEnd,
                };
                result = work(callbacks);
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <param name="lossFactor">Turns the losses into the units the run announced (<see cref="FitPlan.EpochLossUnits"/>).</param>
    public static string Describe(EpochRecord e, double lossFactor = 1)
    {
        var parts = new List<string> { $"epoch {e.Epoch}", $"train_loss {Format(e.TrainLoss * lossFactor)}" };
        if (e.ValidationLoss is double v) parts.Add($"val_loss {Format(v * lossFactor)}");
        foreach (var (k, value) in e.ValidationMetrics) parts.Add($"val_{k} {Format(value)}");
        parts.Add($"lr {Format(e.LearningRate)}");
        parts.Add($"{e.Seconds:F2}s");
        return string.Join("  ", parts);
    }

    public static string Format(double v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
