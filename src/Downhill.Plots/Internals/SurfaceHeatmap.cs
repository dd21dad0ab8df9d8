using ScottPlot;

namespace Downhill.Plots;

/// <summary>A checked <see cref="LossGrid"/> drawn as a heat map with contour lines; shared by the
/// loss-surface and optimizer-race pictures.</summary>
internal sealed class SurfaceHeatmap
{
    public required LossGrid Grid { get; init; }
    public required bool Log { get; init; }
    public required (int I, int J) Minimum { get; init; }
    public required CoordinateRect Extent { get; init; }
    public required ScottPlot.Plottables.Heatmap Heatmap { get; init; }

    public double MinimumLoss => Grid.Loss[Minimum.I, Minimum.J];

    public static SurfaceHeatmap Add(Plot plot, LossGrid grid, bool? logScale, bool light, bool contours)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Check(grid);
        int nx = grid.FirstValues.Length, ny = grid.SecondValues.Length;
        var (min, max) = Numbers.FiniteRange(grid.Loss.Cast<double>());
        var (minPositive, _) = Numbers.FiniteRange(grid.Loss.Cast<double>().Where(v => v > 0));
        bool log = logScale ?? (min >= 0 && max / minPositive >= 100);
        if (log && (min < 0 || !double.IsFinite(minPositive)))
            Throw.Argument(nameof(logScale),
                $"a log colour scale needs losses of 0 or more with some above 0, but the grid runs from {Numbers.Format(min)} to {Numbers.Format(max)}; draw it with LogScale = false");
        // NOTE: a perfect fit has loss exactly 0, which has no logarithm; it is drawn a decade below the
        // smallest positive loss, at the bottom of the colour bar.
        // Rounding leaves some perfect fits at 1e-31 instead of 0, which would stretch the colour bar over thirty
        // decades of nothing; the bar reaches at most ten decades below the largest loss.
        double deepest = log ? Math.Max(minPositive, max * 1e-10) : minPositive;
        double floor = log && (min == 0 || minPositive < deepest) ? deepest / 10 : min;
        if (log) min = floor;

        (int I, int J) argmin = (0, 0);
        double best = double.PositiveInfinity;
        // Heatmap rows run top to bottom, so the row for the largest second value comes first.
        var shown = new double[ny, nx];
        var points = new Coordinates3d[ny, nx];
        for (int i = 0; i < nx; i++)
        {
            for (int j = 0; j < ny; j++)
            {
                double loss = grid.Loss[i, j];
                double value = !double.IsFinite(loss) ? double.NaN : log ? Math.Log10(Math.Max(loss, floor)) : loss;
                shown[ny - 1 - j, i] = value;
                // NOTE: contouring cannot cross NaN cells; a blown-up cell is as high as the highest one.
                double contourValue = double.IsNaN(value) ? (log ? Math.Log10(max) : max) : value;
                points[j, i] = new Coordinates3d(grid.FirstValues[i], grid.SecondValues[j], contourValue);
                if (loss < best)
                {
                    best = loss;
                    argmin = (i, j);
                }
            }
        }

        var heatmap = plot.Add.Heatmap(shown);
        var extent = new CoordinateRect(grid.FirstValues[0], grid.FirstValues[^1], grid.SecondValues[0], grid.SecondValues[^1]);
        heatmap.Extent = extent;
        heatmap.Colormap = light ? new ScottPlot.Colormaps.GrayscaleReversed() : new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.White;
        // A finely sampled function reads better interpolated; a coarse grid (the seeds' 8 x 11) keeps its
        // cells visible, because each cell is one evaluated guess.
        heatmap.Smooth = nx >= 30 && ny >= 30;
        if (light)
            heatmap.Opacity = 0.35;

        double lowShown = log ? Math.Log10(min) : min, highShown = log ? Math.Log10(max) : max;
        if (contours && highShown > lowShown)
            AddContours(plot, points, lowShown, highShown, log, light ? Colors.DimGray : Colors.White);

        double halfX = (grid.FirstValues[1] - grid.FirstValues[0]) / 2, halfY = (grid.SecondValues[1] - grid.SecondValues[0]) / 2;
        plot.Axes.SetLimits(extent.Left - halfX, extent.Right + halfX, extent.Bottom - halfY, extent.Top + halfY);
        return new SurfaceHeatmap { Grid = grid, Log = log, Minimum = argmin, Extent = extent, Heatmap = heatmap };
    }

    public void AddColorBar(Plot plot, string lossName)
    {
        var bar = plot.Add.ColorBar(Heatmap);
        bar.Label = Log ? $"{lossName} (log scale)" : lossName;
        bar.LabelStyle.FontSize = 14;
        bar.Axis.TickLabelStyle.FontSize = 12;
        if (Log)
        {
            var range = Heatmap.GetRange();
            LogAxis.Apply(bar.Axis, range.Min, range.Max);
        }
    }

    /// <summary>
    /// Marks the lowest grid cell with a white diamond; its value and place go in the legend. The
    /// words say "grid cell" because it is only the best of the sampled points: a descent often
    /// ends lower, between cells (the demo's line fit reaches 0.003 where its best cell has 0.13).
    /// </summary>
    public void MarkMinimum(Plot plot)
    {
        double x = Grid.FirstValues[Minimum.I], y = Grid.SecondValues[Minimum.J];
        Chart.Marker(plot, x, y, MarkerShape.FilledDiamond, 15, Colors.White, Colors.Black,
            $"lowest grid cell: {Numbers.Format(MinimumLoss)} ({Grid.FirstName} = {Numbers.Format(x)}, {Grid.SecondName} = {Numbers.Format(y)})");
    }

    /// <summary>
    /// How far past the grid the view may reach to keep a path in sight, as a share of the grid's
    /// width (height) on each side: a path that starts a little outside stays whole, one that
    /// flies off to 1e6 does not shrink the surface to a dot.
    /// </summary>
    public const double MaxWidening = 0.5;

    /// <summary>
    /// Widens the view from the grid to every finite point of <paramref name="paths"/>, at most
    /// <see cref="MaxWidening"/> of the grid on each side, and returns that view.
    /// </summary>
    public CoordinateRect Frame(Plot plot, IEnumerable<DescentPath> paths)
    {
        var limits = plot.Axes.GetLimits();
        double left = limits.Left, right = limits.Right, bottom = limits.Bottom, top = limits.Top;
        double padX = (right - left) * 0.03, padY = (top - bottom) * 0.03;
        double capX = (right - left) * MaxWidening, capY = (top - bottom) * MaxWidening;
        double l = left, r = right, b = bottom, t = top;
        foreach (var path in paths)
        {
            int n = Numbers.FinitePrefixLength(path.First, path.Second);
            for (int k = 0; k < n; k++)
            {
                double x = path.First[k], y = path.Second[k];
                if (x < left) l = Math.Min(l, Math.Max(x - padX, left - capX));
                if (x > right) r = Math.Max(r, Math.Min(x + padX, right + capX));
                if (y < bottom) b = Math.Min(b, Math.Max(y - padY, bottom - capY));
                if (y > top) t = Math.Max(t, Math.Min(y + padY, top + capY));
            }
        }
        plot.Axes.SetLimits(l, r, b, t);
        return new CoordinateRect(l, r, b, t);
    }

    static void AddContours(Plot plot, Coordinates3d[,] points, double low, double high, bool log, Color color)
    {
        double[] levels = log ? LogLevels(low, high) : Numbers.NiceLevels(low, high, 8);
        if (levels.Length == 0) return;
        var lines = new ScottPlot.Plottables.ContourLines { ContourLineLevels = levels };
        lines.Update(points);
        lines.LineColor = color.WithAlpha(0.85);
        lines.LineWidth = 1;
        lines.LabelStyle.IsVisible = false;
        plot.Add.Plottable(lines);

        // ScottPlot labels every piece of every line with the raw level; one label per level, on its longest
        // piece and in loss units, reads better.
        foreach (var level in lines.Lines.GroupBy(line => line.Z))
        {
            var longest = level.MaxBy(line => line.Path.Points.Length).Path.Points;
            if (longest.Length < 6) continue;
            var at = longest[longest.Length / 2];
            string text = Numbers.Format(log ? Math.Pow(10, level.Key) : level.Key);
            var label = Chart.Label(plot, text, at.X, at.Y, Alignment.MiddleCenter, Colors.Black, 10);
            label.LabelBackgroundColor = Colors.White.WithAlpha(0.7);
        }
    }

    /// <summary>Contour levels for a log colour scale, in log10 units: 1, 2 and 5 times each power of ten over
    /// up to three decades, one per decade beyond.</summary>
    static double[] LogLevels(double low, double high)
    {
        double[] mantissas = high - low <= 3 ? [1, 2, 5] : [1];
        var levels = new List<double>();
        for (int decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
            foreach (double m in mantissas)
            {
                double level = decade + Math.Log10(m);
                if (level > low && level < high) levels.Add(level);
            }
        return [.. levels];
    }

    static void Check(LossGrid grid)
    {
        int rows = grid.Loss.GetLength(0), columns = grid.Loss.GetLength(1);
        if (grid.FirstValues.Length != rows || grid.SecondValues.Length != columns)
            Throw.Argument(nameof(grid),
                $"loss grid is {rows}x{columns} but there are {grid.FirstValues.Length} values of {grid.FirstName} (rows) and {grid.SecondValues.Length} of {grid.SecondName} (columns); they must match");
        CheckAxis(grid.FirstName, grid.FirstValues);
        CheckAxis(grid.SecondName, grid.SecondValues);
        var (min, _) = Numbers.FiniteRange(grid.Loss.Cast<double>());
        if (!double.IsFinite(min))
            Throw.Argument(nameof(grid), "every loss in the grid is NaN or infinite; there is nothing to draw");
    }

    static void CheckAxis(string name, double[] values)
    {
        if (values.Length < 2)
            Throw.Argument(nameof(LossGrid), $"{name} has {values.Length} grid value(s); a surface needs at least 2");
        double step = values[1] - values[0];
        for (int k = 1; k < values.Length; k++)
        {
            double gap = values[k] - values[k - 1];
            if (!(gap > 0) || Math.Abs(gap - step) > 1e-6 * Math.Max(Math.Abs(step), 1e-300) + 1e-12 * Math.Abs(values[k]))
                Throw.Argument(nameof(LossGrid),
                    $"{name} values must increase in equal steps; step {k} is {Numbers.Format(gap)} but the first is {Numbers.Format(step)}");
        }
    }
}
