using ScottPlot;

namespace Downhill.Plots;

/// <summary>How <see cref="Draw.LossCurves"/> labels the curves, which axis scale it uses and what it marks.</summary>
public sealed record LossCurvesOptions
{
    /// <summary>The heading above the curves.</summary>
    public string Title { get; init; } = "Loss per epoch";
    /// <summary>The name of the loss, with its units when it has some, on the left axis.</summary>
    public string LossName { get; init; } = "loss";
    /// <summary>A log10 loss axis, for losses that fall by decades; every loss must then be positive.</summary>
    public bool LogScale { get; init; }
    /// <summary>Metric curves (e.g. accuracy) drawn against a second y axis on the right.</summary>
    public IReadOnlyList<EpochCurve> Metrics { get; init; } = [];
    /// <summary>The name of the metric curves, on the right axis.</summary>
    public string MetricName { get; init; } = "accuracy";
    /// <summary>The epoch to mark as best (the one early stopping kept). Null: the epoch of the lowest
    /// validation loss, when a validation curve is given.</summary>
    public double? BestEpoch { get; init; }
    /// <summary>
    /// Where the run blew up, when it did: the epoch and the loss there (often infinite or NaN,
    /// which no axis shows). It is marked at its value, or on the top edge when that is not finite.
    /// </summary>
    public (double Epoch, double Loss)? Divergence { get; init; }
}

public static partial class Draw
{
    /// <summary>Training loss, and validation loss when given, per epoch; the best epoch is marked so the
    /// point where validation turned up (overfitting) is plain to see.</summary>
    public static Figure LossCurves(EpochCurve training, EpochCurve? validation = null, LossCurvesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        options ??= new LossCurvesOptions();
        var plot = Chart.New(options.Title, "epoch", options.LogScale ? $"{options.LossName} (log scale)" : options.LossName);
        Chart.WholeNumberTicks(plot);
        EpochCurve[] losses = validation is null ? [training] : [training, validation];
        foreach (var curve in losses)
        {
            CheckCurve(curve);
            if (options.LogScale && curve.Values.Any(v => v <= 0))
                Throw.Argument(nameof(options),
                    $"curve '{curve.Label}' has a loss <= 0, which a log scale cannot show; draw it with LogScale = false");
        }

        double Shown(double loss) => options.LogScale ? LogAxis.SafeLog10(loss) : loss;
        for (int k = 0; k < losses.Length; k++)
        {
            var curve = losses[k];
            // NOTE: an infinite value would stretch the line to the edge of the picture; the curve stops at its
            // last finite value and the divergence, if any, gets its own marker.
            var line = plot.Add.Scatter(curve.Epochs, curve.Values.Select(v => double.IsFinite(v) ? Shown(v) : double.NaN).ToArray(), Chart.PaletteColor(k));
            line.LineWidth = 2.5f;
            line.MarkerSize = curve.Epochs.Length <= 40 ? 5 : 0;
            line.LegendText = curve.Label;
        }

        double[] blowUp = options.Divergence is { Loss: var lost } && (!options.LogScale || lost > 0) ? [lost] : [];
        var (low, high) = Numbers.FiniteRange(losses.SelectMany(c => c.Values).Concat(blowUp).Select(Shown));
        if (double.IsFinite(low))
        {
            double pad = high > low ? (high - low) * 0.06 : 0.5;
            plot.Axes.SetLimitsY(low - pad, high + pad, plot.Axes.Left);
            if (options.LogScale)
                LogAxis.Apply(plot.Axes.Left, low - pad, high + pad);
        }
        if (options.Divergence is var (divergedEpoch, divergedLoss) && double.IsFinite(low))
        {
            double shown = Shown(divergedLoss);
            bool onEdge = !double.IsFinite(shown);
            var marker = plot.Add.Marker(divergedEpoch, onEdge ? high : shown, onEdge ? MarkerShape.FilledTriangleUp : MarkerShape.Eks, 16, Chart.Wrong);
            marker.MarkerLineWidth = 3.5f;
            marker.LegendText = $"diverged in epoch {Numbers.Format(divergedEpoch)}: loss {Numbers.Format(divergedLoss)}{(onEdge ? " (off the scale)" : "")}";
            plot.Axes.SetLimitsX(Math.Min(losses.Min(c => c.Epochs.Min()), divergedEpoch) - 0.5, Math.Max(losses.Max(c => c.Epochs.Max()), divergedEpoch) + 0.5, plot.Axes.Bottom);
        }

        double? best = options.BestEpoch;
        if (best is null && validation is not null)
        {
            int at = BestIndex(validation.Values);
            if (at >= 0) best = validation.Epochs[at];
        }
        if (best is double epoch)
        {
            var marker = plot.Add.VerticalLine(epoch, 1.5f, Colors.Black, LinePattern.Dashed);
            marker.LegendText = $"best epoch {Numbers.Format(epoch)}";
            var reference = validation ?? training;
            int index = Array.FindIndex(reference.Epochs, e => e == epoch);
            if (index >= 0 && double.IsFinite(Shown(reference.Values[index])))
            {
                var point = plot.Add.Marker(epoch, Shown(reference.Values[index]), MarkerShape.FilledCircle, 12, Colors.Black);
                point.LegendText = $"{reference.Label} {Numbers.Format(reference.Values[index])} at best epoch";
            }
        }

        for (int k = 0; k < options.Metrics.Count; k++)
        {
            var metric = options.Metrics[k];
            CheckCurve(metric);
            var line = plot.Add.Scatter(metric.Epochs, metric.Values, Chart.PaletteColor(k + 2));
            line.Axes.YAxis = plot.Axes.Right;
            line.LineWidth = 2;
            line.LinePattern = LinePattern.DenselyDashed;
            line.MarkerSize = 0;
            line.LegendText = $"{metric.Label} (right axis)";
        }
        if (options.Metrics.Count > 0)
        {
            plot.Axes.Right.Label.Text = options.MetricName;
            plot.Axes.Right.Label.FontSize = 15;
        }

        // With a metric rising across the top, a legend inside the data area would hide it; put it below.
        // A curve that ends high (a run blowing up) would run under a legend in the upper right.
        if (options.Metrics.Count > 0)
            plot.ShowLegend(Edge.Bottom);
        else
            plot.ShowLegend(EndsHigh(training, options.Divergence) ? Alignment.UpperLeft : Alignment.UpperRight);
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }

    /// <summary>Whether the loss ends above where it started, or blew up: then the upper left is the quiet corner.</summary>
    static bool EndsHigh(EpochCurve training, (double Epoch, double Loss)? divergence)
    {
        if (divergence is not null) return true;
        var finite = training.Values.Where(double.IsFinite).ToArray();
        return finite.Length >= 2 && finite[^1] > finite[0];
    }

    static int BestIndex(double[] values)
    {
        int best = -1;
        for (int k = 0; k < values.Length; k++)
            if (double.IsFinite(values[k]) && (best < 0 || values[k] < values[best]))
                best = k;
        return best;
    }

    static void CheckCurve(EpochCurve curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (curve.Epochs.Length != curve.Values.Length)
            Throw.Argument(nameof(curve),
                $"curve '{curve.Label}' has {curve.Epochs.Length} epochs but {curve.Values.Length} values; they must match");
        if (curve.Epochs.Length == 0)
            Throw.Argument(nameof(curve), $"curve '{curve.Label}' is empty; give at least one epoch");
    }
}
