using ScottPlot;

namespace Downhill.Plots;

/// <summary>How <see cref="Draw.LossSurface"/> and <see cref="Draw.OptimizerRace"/> colour and label the surface.</summary>
public sealed record LossSurfaceOptions
{
    /// <summary>The heading above the surface. Null: one naming the two parameters.</summary>
    public string? Title { get; init; }
    /// <summary>Name of the loss on the colour bar, e.g. "RMSE".</summary>
    public string LossName { get; init; } = "loss";
    /// <summary>Colour by log10 of the loss. Null: on when every loss is positive and they span two decades or more.</summary>
    public bool? LogScale { get; init; }
    /// <summary>Lines of equal loss over the colours, which show the valley's shape where colours are hard to tell apart.</summary>
    public bool ContourLines { get; init; } = true;
    /// <summary>The route of a descent across the surface, drawn with its start and end marked.</summary>
    public DescentPath? Path { get; init; }
}

/// <summary>The pictures Downhill draws. Each method checks its input and returns a <see cref="Figure"/>
/// to save as PNG or SVG or to put in an <see cref="HtmlReport"/>.</summary>
public static partial class Draw
{
    /// <summary>The error landscape: a heat map of the loss over two parameters with contour lines, a colour
    /// bar and the lowest grid cell marked; optionally the path gradient descent took across it.</summary>
    public static Figure LossSurface(LossGrid grid, LossSurfaceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        options ??= new LossSurfaceOptions();
        var plot = Chart.New(options.Title ?? $"{options.LossName} over {grid.FirstName} and {grid.SecondName}",
            grid.FirstName, grid.SecondName);
        var surface = SurfaceHeatmap.Add(plot, grid, options.LogScale, light: false, options.ContourLines);
        surface.AddColorBar(plot, options.LossName);
        if (options.Path is { } path)
            AddPath(plot, path, new PathStyle(Colors.OrangeRed, 2.5f, LinePattern.Solid, MarkerShape.FilledSquare), surface.Frame(plot, [path]), markEnds: true);
        surface.MarkMinimum(plot);
        plot.ShowLegend(QuietCorner(plot.Axes.GetLimits(), grid, options.Path is { } p ? [p] : [], surface.Minimum));
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
        var surface = SurfaceHeatmap.Add(plot, grid, options.LogScale, light: true, options.ContourLines);
        var view = surface.Frame(plot, paths);
        for (int k = 0; k < paths.Count; k++)
            AddPath(plot, paths[k], RaceStyle(k), view, markEnds: false);

        // A race starts every optimizer at the same point, so one start marker serves all paths.
        var first = paths[0];
        if (first.First.Length > 0 && double.IsFinite(first.First[0]) && double.IsFinite(first.Second[0]))
            Chart.Marker(plot, first.First[0], first.Second[0], MarkerShape.FilledCircle, 12, Colors.Black, Colors.White, "start");
        surface.MarkMinimum(plot);
        plot.ShowLegend(QuietCorner(plot.Axes.GetLimits(), grid, paths, surface.Minimum));
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }

    /// <summary>
    /// The corner of <paramref name="view"/> whose legend-sized box (half the width, a third of the height) hides the least: each path is
    /// sampled along its segments, and its ends, the arrow where it leaves the view and the lowest grid cell count fifty times a line point.
    /// Upper right wins ties, as on every other chart.
    /// </summary>
    static Alignment QuietCorner(AxisLimits view, LossGrid grid, IReadOnlyList<DescentPath> paths, (int I, int J) minimum)
    {
        double x0 = view.Left, x1 = view.Right, y0 = view.Bottom, y1 = view.Top;
        var box = new CoordinateRect(x0, x1, y0, y1);
        var scores = new double[4]; // upper right, upper left, lower right, lower left
        void Count(double x, double y, double weight)
        {
            if (!double.IsFinite(x) || !double.IsFinite(y)) return;
            double u = (x - x0) / (x1 - x0), v = (y - y0) / (y1 - y0);
            // What lies past the view hides behind no legend (the arrow where a path leaves is counted on its own).
            if (u < -1e-9 || u > 1 + 1e-9 || v < -1e-9 || v > 1 + 1e-9) return;
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
            if (Exit(path, n, box) is var exit and > 0)
            {
                // The arrow where the path leaves the view.
                var (x, y) = EdgeCrossing(path.First[exit - 1], path.Second[exit - 1], path.First[exit], path.Second[exit], box);
                Count(x, y, 50);
            }
        }
        Count(grid.FirstValues[minimum.I], grid.SecondValues[minimum.J], 50);
        Alignment[] corners = [Alignment.UpperRight, Alignment.UpperLeft, Alignment.LowerRight, Alignment.LowerLeft];
        int best = 0;
        for (int c = 1; c < 4; c++)
            if (scores[c] < scores[best]) best = c;
        return corners[best];
    }

    /// <summary>How one path is drawn: colour, line, and the shape of its end marker (also shown in the legend).</summary>
    internal readonly record struct PathStyle(Color Color, float Width, LinePattern Pattern, MarkerShape End, double LineOpacity = 1);

    static readonly MarkerShape[] RaceEnds =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledTriangleDown, MarkerShape.Eks, MarkerShape.Cross];
    static readonly LinePattern[] RacePatterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.DenselyDashed, LinePattern.Dotted];

    /// <summary>
    /// The k-th path of a race. Optimizers from one start often share a stretch of road (sgd and
    /// momentum on Rosenbrock's valley floor): later paths are drawn narrower, dashed and slightly
    /// see-through on top of earlier ones, so an earlier path shows around and through a later one,
    /// and each ends in its own marker shape.
    /// </summary>
    internal static PathStyle RaceStyle(int k) =>
        new(Chart.PaletteColor(k), Math.Max(1.5f, 5f - 1.25f * k), RacePatterns[k % RacePatterns.Length], RaceEnds[k % RaceEnds.Length], LineOpacity: 0.85);

    static void AddPath(Plot plot, DescentPath path, PathStyle style, CoordinateRect view, bool markEnds)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.First.Length != path.Second.Length)
            Throw.Argument(nameof(path),
                $"path '{path.Label}' has {path.First.Length} first-parameter values and {path.Second.Length} second-parameter values; they must match");
        int n = Numbers.FinitePrefixLength(path.First, path.Second);
        bool diverged = n < path.First.Length;
        var color = style.Color;
        int exit = Exit(path, n, view);
        bool endShown = n > 0 && Inside(path, n - 1, view);
        string label = PathLegend(path, n, diverged, leaves: Enumerable.Range(0, n).Any(k => !Inside(path, k, view)));
        if (n == 0)
        {
            // Nothing to draw, but the legend still says the run blew up at once: an invisible marker carries it.
            var nothing = plot.Add.Marker(0, 0, MarkerShape.Eks, 0, color);
            nothing.LegendText = label;
            return;
        }
        var line = plot.Add.Scatter(path.First[..n], path.Second[..n], color.WithOpacity(style.LineOpacity));
        line.LineWidth = style.Width;
        line.LinePattern = style.Pattern;
        line.MarkerShape = style.End;
        // NOTE: thousands of steps would bury the line under markers; markers only while they can be told apart.
        line.MarkerSize = n <= 60 ? 5 : 0;
        line.LegendText = label;

        if (markEnds)
        {
            Chart.Marker(plot, path.First[0], path.Second[0], MarkerShape.FilledCircle, 13, Chart.Start, Colors.White, "start");
        }
        if (exit >= 0)
        {
            // The path leaves the view: an arrow on the edge where it goes out points the way it went.
            var (x, y) = EdgeCrossing(path.First[exit - 1], path.Second[exit - 1], path.First[exit], path.Second[exit], view);
            double dx = x - path.First[exit - 1], dy = y - path.Second[exit - 1];
            double length = Math.Sqrt(dx * dx / (view.Width * view.Width) + dy * dy / (view.Height * view.Height));
            double shaft = 0.06 / Math.Max(length, 1e-12);
            var arrow = plot.Add.Arrow(new Coordinates(x - dx * shaft, y - dy * shaft), new Coordinates(x, y));
            arrow.ArrowLineColor = Colors.Black;
            arrow.ArrowFillColor = markEnds ? Chart.End : color;
            arrow.ArrowLineWidth = 1;
        }
        if (diverged && endShown)
        {
            var blowUp = plot.Add.Marker(path.First[n - 1], path.Second[n - 1], MarkerShape.Eks, 18, markEnds ? Chart.End : color);
            blowUp.MarkerLineWidth = 3.5f;
            if (markEnds) blowUp.LegendText = "last finite point";
        }
        else if (endShown)
        {
            Chart.Marker(plot, path.First[n - 1], path.Second[n - 1], style.End, 12,
                markEnds ? Chart.End : color, Colors.White, markEnds ? "end" : null);
        }
    }

    /// <summary>The path's legend: its steps, how it ended, its end value when known, and whether it leaves the picture.</summary>
    internal static string PathLegend(DescentPath path, int finite, bool diverged, bool leaves)
    {
        string steps = diverged ? $"diverged after {Math.Max(0, finite - 1)} steps" : $"{finite - 1} steps";
        if (!diverged && path.EndLoss is double end) steps += $", ends at {Numbers.Format(end)}";
        if (leaves) steps += ", leaves the picture at the arrow";
        return $"{path.Label} ({steps})";
    }

    static bool Inside(DescentPath path, int k, CoordinateRect view) =>
        path.First[k] >= view.Left && path.First[k] <= view.Right && path.Second[k] >= view.Bottom && path.Second[k] <= view.Top;

    /// <summary>The first of the path's <paramref name="finite"/> points that steps out of <paramref name="view"/> from inside it, or -1.</summary>
    static int Exit(DescentPath path, int finite, CoordinateRect view)
    {
        for (int k = 1; k < finite; k++)
            if (Inside(path, k - 1, view) && !Inside(path, k, view))
                return k;
        return -1;
    }

    /// <summary>Where the step from (x0, y0), inside <paramref name="view"/>, to (x1, y1), outside, crosses its edge.</summary>
    static (double X, double Y) EdgeCrossing(double x0, double y0, double x1, double y1, CoordinateRect view)
    {
        double t = 1;
        if (x1 < view.Left) t = Math.Min(t, (view.Left - x0) / (x1 - x0));
        if (x1 > view.Right) t = Math.Min(t, (view.Right - x0) / (x1 - x0));
        if (y1 < view.Bottom) t = Math.Min(t, (view.Bottom - y0) / (y1 - y0));
        if (y1 > view.Top) t = Math.Min(t, (view.Top - y0) / (y1 - y0));
        return (x0 + t * (x1 - x0), y0 + t * (y1 - y0));
    }
}
