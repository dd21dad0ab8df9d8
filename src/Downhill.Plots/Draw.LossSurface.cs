using ScottPlot;
using Downhill.Experiments;

namespace Downhill.Plots;

public sealed record LossSurfaceOptions
{
    public string? Title { get; init; }
    /// <summary>Name of the loss on the colour bar, e.g. "RMSE".</summary>
    public string LossName { get; init; } = "loss";
    /// <summary>Colour by log10 of the loss. Null: on when every loss is positive and they span two decades or more.</summary>
    public bool? LogScale { get; init; }
    public bool ContourLines { get; init; } = true;
    /// <summary>The route of a descent across the surface, drawn with its start and end marked.</summary>
    public DescentPath? Path { get; init; }
}

/// <summary>The pictures Downhill draws. Each method checks its input and returns a <see cref="Figure"/>
/// to save as PNG or SVG or to put in an <see cref="HtmlReport"/>.</summary>
public static partial class Draw
{
    /// <summary>The error landscape: a heat map of the loss over two parameters with contour lines, a colour
    /// bar and the grid minimum marked; optionally the path gradient descent took across it.</summary>
    public static Figure LossSurface(LossGrid grid, LossSurfaceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        options ??= new LossSurfaceOptions();
        var plot = Chart.New(options.Title ?? $"{options.LossName} over {grid.FirstName} and {grid.SecondName}",
            grid.FirstName, grid.SecondName);
        var surface = Surface.Add(plot, grid, options.LogScale, light: false, options.ContourLines);
        surface.AddColorBar(plot, options.LossName);
        if (options.Path is { } path)
            AddPath(plot, path, Colors.OrangeRed, markEnds: true);
        surface.MarkMinimum(plot);
        plot.ShowLegend(QuietCorner(grid, options.Path is { } p ? [p] : [], surface.Minimum));
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }

    /// <summary>Several descents from the same start over one surface, each in its own colour, with a legend:
    /// e.g. sgd, momentum, adam and rmsprop on Rosenbrock.</summary>
    public static Figure OptimizerRace(LossGrid grid, IReadOnlyList<DescentPath> paths, LossSurfaceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0)
            Throw.Argument(nameof(paths), "an optimizer race needs at least one path");
        options ??= new LossSurfaceOptions();
        var plot = Chart.New(options.Title ?? "Optimizer race", grid.FirstName, grid.SecondName);
        var surface = Surface.Add(plot, grid, options.LogScale, light: true, options.ContourLines);
        for (int k = 0; k < paths.Count; k++)
            AddPath(plot, paths[k], Chart.PaletteColor(k), markEnds: false);

        // A race starts every optimizer at the same point, so one start marker serves all paths.
        var first = paths[0];
        if (first.First.Length > 0 && double.IsFinite(first.First[0]) && double.IsFinite(first.Second[0]))
            Chart.Marker(plot, first.First[0], first.Second[0], MarkerShape.FilledCircle, 12, Colors.Black, Colors.White, "start");
        surface.MarkMinimum(plot);
        plot.ShowLegend(QuietCorner(grid, paths, surface.Minimum));
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }

    /// <summary>
    /// The corner whose legend-sized box (half the width, a third of the height) hides the least: each path is
    /// sampled along its segments, and its ends and the grid minimum count fifty times a line point.
    /// Upper right wins ties, as on every other chart.
    /// </summary>
    static Alignment QuietCorner(LossGrid grid, IReadOnlyList<DescentPath> paths, (int I, int J) minimum)
    {
        double x0 = grid.FirstValues[0], x1 = grid.FirstValues[^1], y0 = grid.SecondValues[0], y1 = grid.SecondValues[^1];
        var scores = new double[4]; // upper right, upper left, lower right, lower left
        void Count(double x, double y, double weight)
        {
            if (!double.IsFinite(x) || !double.IsFinite(y)) return;
            double u = (x - x0) / (x1 - x0), v = (y - y0) / (y1 - y0);
            if (v >= 2.0 / 3 && u >= 0.5) scores[0] += weight;
            if (v >= 2.0 / 3 && u <= 0.5) scores[1] += weight;
            if (v <= 1.0 / 3 && u >= 0.5) scores[2] += weight;
            if (v <= 1.0 / 3 && u <= 0.5) scores[3] += weight;
        }
        const int samplesPerSegment = 8;
        foreach (var path in paths)
        {
            int n = Numbers.FinitePrefixLength(path.First, path.Second);
            for (int k = 1; k < n; k++)
                for (int s = 0; s < samplesPerSegment; s++)
                {
                    double t = (double)s / samplesPerSegment;
                    Count(path.First[k - 1] + t * (path.First[k] - path.First[k - 1]), path.Second[k - 1] + t * (path.Second[k] - path.Second[k - 1]), 1);
                }
            if (n > 0)
            {
                Count(path.First[0], path.Second[0], 50);
                Count(path.First[n - 1], path.Second[n - 1], 50);
            }
        }
        Count(grid.FirstValues[minimum.I], grid.SecondValues[minimum.J], 50);
        Alignment[] corners = [Alignment.UpperRight, Alignment.UpperLeft, Alignment.LowerRight, Alignment.LowerLeft];
        int best = 0;
        for (int c = 1; c < 4; c++)
            if (scores[c] < scores[best]) best = c;
        return corners[best];
    }

    static void AddPath(Plot plot, DescentPath path, Color color, bool markEnds)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.First.Length != path.Second.Length)
            Throw.Argument(nameof(path),
                $"path '{path.Label}' has {path.First.Length} first-parameter values and {path.Second.Length} second-parameter values; they must match");
        int n = Numbers.FinitePrefixLength(path.First, path.Second);
        bool diverged = n < path.First.Length;
        string label = diverged ? $"{path.Label} (diverged after {Math.Max(0, n - 1)} steps)" : $"{path.Label} ({n - 1} steps)";
        if (n == 0)
        {
            // Nothing to draw, but the legend still says the run blew up at once: an invisible marker carries it.
            var nothing = plot.Add.Marker(0, 0, MarkerShape.Eks, 0, color);
            nothing.LegendText = label;
            return;
        }
        var line = plot.Add.Scatter(path.First[..n], path.Second[..n], color);
        line.LineWidth = 2.5f;
        // NOTE: thousands of steps would bury the line under markers; markers only while they can be told apart.
        line.MarkerSize = n <= 60 ? 5 : 0;
        line.LegendText = label;

        if (markEnds)
        {
            Chart.Marker(plot, path.First[0], path.Second[0], MarkerShape.FilledCircle, 13, Chart.Start, Colors.White, "start");
        }
        if (diverged)
        {
            var blowUp = plot.Add.Marker(path.First[n - 1], path.Second[n - 1], MarkerShape.Eks, 18, markEnds ? Chart.End : color);
            blowUp.MarkerLineWidth = 3.5f;
            if (markEnds) blowUp.LegendText = "last finite point";
        }
        else
        {
            Chart.Marker(plot, path.First[n - 1], path.Second[n - 1], markEnds ? MarkerShape.FilledSquare : MarkerShape.FilledCircle,
                markEnds ? 12 : 11, markEnds ? Chart.End : color, Colors.White, markEnds ? "end" : null);
        }
    }
}
