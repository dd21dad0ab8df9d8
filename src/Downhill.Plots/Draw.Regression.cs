using ScottPlot;

namespace Downhill.Plots;

/// <summary>One target of a regression: the values the data hold and the model's predictions, row by row.</summary>
public sealed record RegressionSeries(string Name, double[] Actual, double[] Predicted);

public static partial class Draw
{
    /// <summary>One dot per row at (actual, predicted), with the diagonal a perfect model would put every dot on;
    /// both axes share one scale, so distance from the diagonal reads the same everywhere.</summary>
    public static Figure PredictedVsActual(IReadOnlyList<RegressionSeries> series, string title = "Predicted against actual")
    {
        CheckRegression(series);
        var plot = Chart.New(title, "actual", "predicted");
        var (low, high) = Numbers.FiniteRange(series.SelectMany(s => s.Actual.Concat(s.Predicted)));
        double pad = high > low ? (high - low) * 0.05 : Math.Max(1, Math.Abs(low) * 0.1);
        var diagonal = plot.Add.Line(low - pad, low - pad, high + pad, high + pad);
        diagonal.Color = Colors.Gray;
        diagonal.LineWidth = 1.5f;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "predicted = actual";
        AddDots(plot, series, s => s.Actual, s => s.Predicted);
        plot.Axes.SetLimits(low - pad, high + pad, low - pad, high + pad);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }

    /// <summary>Residuals (actual - predicted) against the prediction, around the zero line: a good fit leaves a
    /// shapeless band; a curve shows a shape the model misses, a funnel an error that grows with the value.</summary>
    public static Figure Residuals(IReadOnlyList<RegressionSeries> series, string title = "Residuals")
    {
        CheckRegression(series);
        var plot = Chart.New(title, "predicted", "residual (actual - predicted)");
        var residuals = series.Select(s => s with { Actual = s.Actual.Zip(s.Predicted, (a, p) => a - p).ToArray() }).ToArray();
        var zero = plot.Add.HorizontalLine(0, 1.5f, Colors.Gray, LinePattern.Dashed);
        zero.LegendText = "residual 0";
        AddDots(plot, residuals, s => s.Predicted, s => s.Actual);
        var (xLow, xHigh) = Numbers.FiniteRange(series.SelectMany(s => s.Predicted));
        var (yLow, yHigh) = Numbers.FiniteRange(residuals.SelectMany(s => s.Actual).Append(0));
        double xPad = xHigh > xLow ? (xHigh - xLow) * 0.05 : Math.Max(1, Math.Abs(xLow) * 0.1);
        // The band is centred on zero, so above and below the line compare at a glance.
        double reach = Math.Max(Math.Abs(yLow), Math.Abs(yHigh));
        double yPad = reach > 0 ? reach * 1.1 : 1;
        plot.Axes.SetLimits(xLow - xPad, xHigh + xPad, -yPad, yPad);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }

    static void CheckRegression(IReadOnlyList<RegressionSeries> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
            Throw.Argument(nameof(series), "give at least one series of actual and predicted values");
        foreach (var s in series)
        {
            ArgumentNullException.ThrowIfNull(s);
            if (s.Actual.Length != s.Predicted.Length)
                Throw.Argument(nameof(series), $"series \"{s.Name}\" has {s.Actual.Length} actual values but {s.Predicted.Length} predictions; give one prediction per row");
        }
        if (!series.Any(s => s.Actual.Zip(s.Predicted).Any(p => double.IsFinite(p.First) && double.IsFinite(p.Second))))
            Throw.Argument(nameof(series), "no row has a finite actual value and a finite prediction; there is nothing to draw");
    }

    static void AddDots(Plot plot, IReadOnlyList<RegressionSeries> series, Func<RegressionSeries, double[]> x, Func<RegressionSeries, double[]> y)
    {
        int rows = series.Sum(s => s.Actual.Length);
        for (int k = 0; k < series.Count; k++)
        {
            // Rows that are not finite (a prediction that overflowed) cannot be placed; they are left out.
            var points = x(series[k]).Zip(y(series[k])).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
            var dots = plot.Add.Scatter(points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray(), Chart.PaletteColor(k).WithAlpha(0.7));
            dots.LineWidth = 0;
            dots.MarkerShape = MarkerShape.FilledCircle;
            // Thousands of large dots would merge into one blot.
            dots.MarkerSize = rows > 2000 ? 3 : rows > 200 ? 5 : 8;
            dots.LegendText = $"{series[k].Name} ({points.Length} rows)";
        }
    }
}
