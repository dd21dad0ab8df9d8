using ScottPlot;

namespace Downhill.Plots;

/// <summary>How <see cref="Draw.Descent1D"/> labels the curve and which stretch of it to show.</summary>
public sealed record Descent1DOptions
{
    /// <summary>The heading above the curve.</summary>
    public string Title { get; init; } = "Rolling downhill";
    /// <summary>The name of the one parameter, on the horizontal axis.</summary>
    public string ParameterName { get; init; } = "x";
    /// <summary>The name of the loss, on the vertical axis.</summary>
    public string LossName { get; init; } = "loss";
    /// <summary>The stretch of the curve to draw. Null: the steps' range with a margin around it.</summary>
    public double? From { get; init; }
    /// <summary>The right end of the stretch drawn. Null: the steps' range with a margin around it.</summary>
    public double? To { get; init; }
}

public static partial class Draw
{
    /// <summary>The teaching picture: a 1-D loss curve (a parabola's bowl) with the ball at every step of the
    /// descent, numbered, the last step drawn as the ball itself.</summary>
    public static Figure Descent1D(Func<double, double> loss, double[] steps, Descent1DOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(steps);
        options ??= new Descent1DOptions();
        int n = Numbers.FinitePrefixLength(steps, steps);
        if (n == 0)
            Throw.Argument(nameof(steps), "give at least one finite step (the starting point)");
        // Centre the view on where the ball ends, wide enough for every step, so both walls of the bowl show.
        double end = steps[n - 1];
        double reach = steps[..n].Max(x => Math.Abs(x - end));
        double half = reach > 0 ? reach * 1.2 : Math.Max(1, Math.Abs(end) * 0.5);
        double from = options.From ?? end - half, to = options.To ?? end + half;
        if (!(to > from))
            Throw.Argument(nameof(options), $"the curve runs from {Numbers.Format(from)} to {Numbers.Format(to)}; To must be above From");

        var plot = Chart.New(options.Title, options.ParameterName, options.LossName);
        const int samples = 400;
        double[] xs = new double[samples], ys = new double[samples];
        for (int k = 0; k < samples; k++)
        {
            xs[k] = from + (to - from) * k / (samples - 1);
            ys[k] = loss(xs[k]);
        }
        var curve = plot.Add.Scatter(xs, ys, Colors.Black);
        curve.LineWidth = 2.5f;
        curve.MarkerSize = 0;
        curve.LegendText = options.LossName;

        double[] stepLoss = steps[..n].Select(loss).ToArray();
        var route = plot.Add.Scatter(steps[..n], stepLoss, Chart.PaletteColor(0).WithAlpha(0.7));
        route.LineWidth = 1.5f;
        route.LinePattern = LinePattern.Dashed;
        route.MarkerSize = 9;
        route.MarkerShape = MarkerShape.FilledCircle;
        route.LegendText = $"steps ({n - 1})";

        // Number the first steps only; later ones crowd together at the bottom of the bowl.
        for (int k = 0; k < Math.Min(n - 1, 8); k++)
        {
            var label = Chart.Label(plot, k.ToString(System.Globalization.CultureInfo.InvariantCulture),
                steps[k], stepLoss[k], Alignment.LowerLeft, Chart.PaletteColor(0), 12, background: false);
            label.LabelOffsetX = 6;
            label.LabelOffsetY = -4;
        }
        Chart.Marker(plot, steps[n - 1], stepLoss[n - 1], MarkerShape.FilledCircle, 22, Chart.PaletteColor(1), Colors.Black,
            $"ball after {n - 1} steps: {options.ParameterName} = {Numbers.Format(steps[n - 1])}");

        var (yLow, yHigh) = Numbers.FiniteRange(ys.Concat(stepLoss));
        double pad = yHigh > yLow ? (yHigh - yLow) * 0.08 : 1;
        plot.Axes.SetLimits(from, to, yLow - pad, yHigh + pad);
        plot.ShowLegend(Alignment.UpperCenter);
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }
}
