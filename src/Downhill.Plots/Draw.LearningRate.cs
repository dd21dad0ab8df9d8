using ScottPlot;

namespace Downhill.Plots;

/// <summary>How <see cref="Draw.LearningRateSweep"/> labels the runs; every property has a default.</summary>
public sealed record LearningRateSweepOptions
{
    /// <summary>The heading above the curves.</summary>
    public string Title { get; init; } = "Learning-rate sweep";
    /// <summary>The name of the loss, on the vertical axis.</summary>
    public string LossName { get; init; } = "loss";
}

/// <summary>How <see cref="Draw.LearningRateRangeTest"/> labels the curve and which rate it marks.</summary>
public sealed record RangeTestOptions
{
    /// <summary>The heading above the curve.</summary>
    public string Title { get; init; } = "Learning-rate range test";
    /// <summary>The name of the loss, on the vertical axis.</summary>
    public string LossName { get; init; } = "loss";
    /// <summary>The rate to mark as suggested, e.g. where the loss fell fastest.</summary>
    public double? SuggestedRate { get; init; }
}

public static partial class Draw
{
    /// <summary>One loss curve per learning rate on a log scale. A diverged run is drawn up to its last finite
    /// loss and marked there with an X (pinned to the top edge when it flew off the chart).</summary>
    public static Figure LearningRateSweep(IReadOnlyList<LearningRateRun> runs, LearningRateSweepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
            Throw.Argument(nameof(runs), "a learning-rate sweep needs at least one run");
        options ??= new LearningRateSweepOptions();
        var plot = Chart.New(options.Title, "epoch", $"{options.LossName} (log scale)");
        Chart.WholeNumberTicks(plot);

        var finiteLogs = new List<double>();
        var steadyLogs = new List<double>();
        var shown = new List<(LearningRateRun Run, int Count, double[] Logs, bool Diverged)>();
        foreach (var run in runs.OrderBy(r => r.LearningRate))
        {
            ArgumentNullException.ThrowIfNull(run);
            if (run.Epochs.Length != run.Losses.Length)
                Throw.Argument(nameof(runs),
                    $"run with learning rate {Numbers.Format(run.LearningRate)} has {run.Epochs.Length} epochs but {run.Losses.Length} losses; they must match");
            // A loss of 0 or less cannot go on a log scale; it ends the drawn part like a blow-up would.
            double[] logs = run.Losses.Select(LogAxis.SafeLog10).ToArray();
            int count = Numbers.FinitePrefixLength(run.Epochs, logs);
            bool diverged = run.Diverged || count < run.Losses.Length;
            finiteLogs.AddRange(logs[..count]);
            if (!diverged) steadyLogs.AddRange(logs[..count]);
            shown.Add((run, count, logs, diverged));
        }
        if (finiteLogs.Count == 0)
            Throw.Argument(nameof(runs), "no run has a single positive, finite loss; there is nothing to draw");

        // NOTE: a diverging run climbs to 1e30 before it turns NaN; scaling the axis to it would flatten the
        // runs that matter, so the axis covers the runs that converged and diverged ones leave through the top.
        var (low, high) = Numbers.FiniteRange(steadyLogs.Count > 0 ? steadyLogs : finiteLogs);
        double pad = high > low ? (high - low) * 0.08 : 0.5;
        double top = high + pad, bottom = low - pad;
        plot.Axes.SetLimitsY(bottom, top);
        LogAxis.Apply(plot.Axes.Left, bottom, top);

        (double X, double Y, Color Color)? firstBlowUp = null;
        for (int k = 0; k < shown.Count; k++)
        {
            var (run, count, logs, diverged) = shown[k];
            var color = Chart.PaletteColor(k);
            string label = $"lr = {Numbers.Format(run.LearningRate)}";
            if (count > 0)
            {
                var line = plot.Add.Scatter(run.Epochs[..count], logs[..count], color);
                line.LineWidth = 2.5f;
                line.MarkerSize = count <= 40 ? 4 : 0;
                line.LegendText = diverged ? $"{label} diverged" : label;
            }
            if (diverged)
            {
                double x = count > 0 ? run.Epochs[count - 1] : run.Epochs.Length > 0 ? run.Epochs[0] : 0;
                double y = count > 0 ? Math.Min(logs[count - 1], top - pad * 0.3) : top - pad * 0.3;
                var blowUp = plot.Add.Marker(x, y, MarkerShape.Eks, 18, color);
                blowUp.MarkerLineWidth = 3.5f;
                if (count == 0)
                    blowUp.LegendText = $"{label} diverged";
                firstBlowUp ??= (x, y, color);
            }
        }
        // The X gets one legend line of its own, after the runs: drawn again over the first blow-up, unseen.
        if (firstBlowUp is var (bx, by, bc))
        {
            var key = plot.Add.Marker(bx, by, MarkerShape.Eks, 18, bc);
            key.MarkerLineWidth = 3.5f;
            key.LegendText = "last loss before a blow-up";
        }
        plot.Axes.AutoScaleX();
        // Slow runs stay high and fast ones sink, so no corner of the data area is reliably empty.
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }

    /// <summary>The learning-rate range test: loss against a rate that grows every batch, on a log x axis,
    /// with the suggested rate marked.</summary>
    public static Figure LearningRateRangeTest(double[] learningRates, double[] losses, RangeTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(learningRates);
        ArgumentNullException.ThrowIfNull(losses);
        options ??= new RangeTestOptions();
        if (learningRates.Length != losses.Length || learningRates.Length < 2)
            Throw.Argument(nameof(losses),
                $"a range test needs at least 2 rates with one loss each; got {learningRates.Length} rates and {losses.Length} losses");
        if (learningRates.Any(r => !(r > 0)))
            Throw.Argument(nameof(learningRates), "learning rates must be positive to go on a log axis");

        var plot = Chart.New(options.Title, "learning rate (log scale)", options.LossName);
        double[] logRates = learningRates.Select(Math.Log10).ToArray();
        int count = Numbers.FinitePrefixLength(logRates, losses);
        if (count == 0)
            Throw.Argument(nameof(losses), "the first loss is already NaN or infinite; there is nothing to draw");
        var line = plot.Add.Scatter(logRates[..count], losses[..count], Chart.PaletteColor(0));
        line.LineWidth = 2.5f;
        line.MarkerSize = 0;
        line.LegendText = options.LossName;

        // The test ends when the loss explodes; show up to 1.5 times the starting loss so the dip stays visible.
        var (low, high) = Numbers.FiniteRange(losses[..count]);
        double top = losses[0] > low ? Math.Min(high, losses[0] + 0.5 * Math.Abs(losses[0])) : high;
        double pad = top > low ? (top - low) * 0.06 : 0.5;
        plot.Axes.SetLimits(logRates[0], logRates[count - 1], low - pad, top + pad);
        LogAxis.Apply(plot.Axes.Bottom, logRates[0], logRates[count - 1]);

        if (options.SuggestedRate is double suggested)
        {
            if (!(suggested > 0))
                Throw.Argument(nameof(options), $"suggested rate {Numbers.Format(suggested)} is not positive");
            double at = Math.Log10(suggested);
            var mark = plot.Add.VerticalLine(at, 1.5f, Chart.End, LinePattern.Dashed);
            mark.LegendText = $"suggested lr = {Numbers.Format(suggested)}";
            int nearest = Enumerable.Range(0, count).MinBy(k => Math.Abs(logRates[k] - at));
            Chart.Marker(plot, logRates[nearest], losses[nearest], MarkerShape.FilledCircle, 12, Chart.End, Colors.White);
        }
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }
}
