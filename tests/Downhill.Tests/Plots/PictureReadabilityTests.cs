using System.Globalization;
using Downhill.Experiments;
using Downhill.Formulas;
using Downhill.Optim;
using Downhill.Plots;

namespace Downhill.Tests.Plots;

/// <summary>
/// Issue 13's picture fixes: a colour bar whose title clears its ticks, a lowest grid cell that
/// does not pass for the minimum, paths and blow-ups kept in view, race paths that stay visible
/// where they overlap.
/// </summary>
public class PictureReadabilityTests
{
    [Theory]
    [InlineData(800, 600)]
    [InlineData(400, 300)]
    public void Confusion_matrix_colour_bar_has_five_percentage_ticks(int width, int height)
    {
        var figure = Draw.ConfusionMatrix(new[,] { { 59, 0, 1 }, { 0, 45, 3 }, { 19, 19, 4 } }, ["bird", "cat", "dog"]);
        string[] texts = PictureAssert.SvgTexts(figure.ToSvg(new ImageSize(width, height)), width, height);
        // Before: 21 ticks, 0 to 1 by 0.05, which the bar's title ran into.
        Assert.Equal(["0%", "25%", "50%", "75%", "100%"], texts.Where(t => t.EndsWith('%') && !t.Contains(' ')).ToArray());
        Assert.DoesNotContain("0.05", texts);
        PictureAssert.HasText(figure, "share of the true class");
    }

    [Fact]
    public void The_lowest_grid_cell_is_named_as_such_beside_where_the_path_ends()
    {
        // The seed's line: the best cell of a coarse grid has RMSE 3, the descent itself gets far lower.
        var path = new DescentPath("descent", [1, 1.5, 2.01], [25, 28, 29.98]) { EndLoss = 0.0031 };
        var figure = Draw.LossSurface(Samples.SeedGrid(), new LossSurfaceOptions { Path = path, LossName = "RMSE" });
        string[] texts = PictureAssert.Texts(figure);
        Assert.Contains("descent (2 steps, ends at 0.0031)", texts);
        Assert.Contains(texts, t => t.StartsWith("lowest grid cell: ", StringComparison.Ordinal) && t.Contains("(m = ", StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Contains("grid minimum", StringComparison.Ordinal));
    }

    [Fact]
    public void The_race_legend_gives_each_walks_end_value()
    {
        var rosenbrock = Formula.Parse("(1 - x)^2 + 100*(y - x^2)^2");
        var walk = Minimizer.Minimize(rosenbrock, [new("x", -1.5), new("y", 2.0)],
            (parameters, _) => Optimizers.Create("sgd", parameters, new OptimizerSettings { LearningRate = 0.001 }).Step, new MinimizeOptions { MaxSteps = 50 });
        // The loss at the last point, computed here from the formula itself.
        double x = walk.Trace[^1].Values[0], y = walk.Trace[^1].Values[1];
        double end = (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x);
        PictureAssert.HasText(DescentPictures.Race(rosenbrock, [("sgd", walk)]), $"sgd (50 steps, ends at {Numbers.Format(end)})");
    }

    [Fact]
    public void A_path_that_starts_off_the_grid_is_kept_in_view()
    {
        // The seed grid covers m 1..8 and b 0..30 (see Samples.SeedGrid); this descent starts at m = 0, b = -5.
        var path = new DescentPath("descent", [0, 1, 2], [-5, 10, 29]);
        var figure = Draw.LossSurface(Samples.SeedGrid(), new LossSurfaceOptions { Path = path });
        var limits = figure.Plot.Axes.GetLimits();
        Assert.True(limits.Left < 0 && limits.Bottom < -5, $"the view {limits} does not hold the path's start (0, -5)");
        Assert.DoesNotContain(PictureAssert.Texts(figure), t => t.Contains("leaves the picture", StringComparison.Ordinal));
    }

    [Fact]
    public void A_path_that_flies_far_off_widens_the_view_only_so_far_and_says_where_it_left()
    {
        var grid = Samples.RosenbrockGrid(); // x in [-2, 2], y in [-1, 3]
        var path = new DescentPath("too fast", [-1.5, 1.5, -30, 400], [2, 2.5, 1, -900]);
        var figure = Draw.LossSurface(grid, new LossSurfaceOptions { Path = path });
        var limits = figure.Plot.Axes.GetLimits();
        double halfCell = 2.0 / 59;
        // At most half the grid's width (4 + a cell) past each side.
        Assert.InRange(limits.Left, -2 - halfCell - 0.5 * (4 + 2 * halfCell) - 1e-9, -2 - halfCell);
        Assert.InRange(limits.Right, 2 + halfCell, 2 + halfCell + 0.5 * (4 + 2 * halfCell) + 1e-9);
        PictureAssert.HasText(figure, "too fast (3 steps, leaves the picture at the arrow)");
        Assert.Contains(figure.Plot.GetPlottables(), p => p is ScottPlot.Plottables.Arrow);
    }

    [Fact]
    public void Race_legend_keeps_clear_of_the_arrow_where_a_path_leaves()
    {
        // sgd at lr 0.0021 from (-1.5, 2) (the CLI's trace): it leaves through the right edge near the top,
        // then lands far off to the upper left, which no legend can hide. A calm path low in the picture.
        var wild = new DescentPath("sgd", [-1.5, -1.1745, -1.88118, 0.87819, 2.17647, -3.21340, 16.50147, -3673.49],
            [2, 2.105, 1.80027, 2.53047, 1.79158, 3.02866, 6.09351, 117.8996]);
        var calm = new DescentPath("calm", [-1.5, -1, 0, 1], [-0.5, -0.8, -0.9, -0.5]);
        var figure = Draw.OptimizerRace(Samples.RosenbrockGrid(), [calm, wild]);
        Assert.Equal(ScottPlot.Alignment.UpperLeft, figure.Plot.Legend.Alignment);
    }

    [Fact]
    public void Race_paths_differ_in_width_pattern_and_end_marker()
    {
        var paths = new[] { 0.001, 0.0011, 0.0012, 0.0013 }.Select(r => Samples.RosenbrockDescent(r.ToString(CultureInfo.InvariantCulture), r, 100)).ToArray();
        var figure = Draw.OptimizerRace(Samples.RosenbrockGrid(), paths);
        var lines = figure.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().ToArray();
        Assert.Equal(4, lines.Length);
        // Each later path narrower, so an earlier one shows on both sides of it.
        for (int k = 1; k < lines.Length; k++) Assert.True(lines[k].LineWidth < lines[k - 1].LineWidth);
        Assert.Equal(4, lines.Select(l => l.LinePattern).Distinct().Count());
        Assert.Equal(4, lines.Select(l => l.MarkerShape).Distinct().Count());
        Assert.All(lines, l => Assert.True(l.LineColor.A < 255, "a race line is fully opaque"));
    }

    [Fact]
    public void A_run_that_blew_up_is_marked_on_its_loss_curve()
    {
        var training = new EpochCurve("training", Samples.Epochs(4), [1, 50, 3000, 2e5]);
        var figure = Draw.LossCurves(training, options: new LossCurvesOptions { LogScale = true, Divergence = (5, double.PositiveInfinity) });
        PictureAssert.HasText(figure, "diverged in epoch 5: loss inf (off the scale)");
        var limits = figure.Plot.Axes.GetLimits();
        Assert.True(limits.Right >= 5, $"the view {limits} ends before epoch 5, where the run blew up");
        Assert.Equal(ScottPlot.Alignment.UpperLeft, figure.Plot.Legend.Alignment);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_curve_that_reaches_infinity_is_drawn_up_to_its_last_finite_value(bool log)
    {
        var training = new EpochCurve("training", Samples.Epochs(5), [1, 20, 400, double.PositiveInfinity, double.NaN]);
        var figure = Draw.LossCurves(training, options: new LossCurvesOptions { LogScale = log, Divergence = (4, double.PositiveInfinity) });
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        var limits = figure.Plot.Axes.GetLimits();
        double top = log ? Math.Log10(400) : 400;
        Assert.True(double.IsFinite(limits.Top) && limits.Top >= top && limits.Top < 2 * top, $"the view {limits} does not end just above the last finite loss");
    }

    [Fact]
    public void A_finite_blow_up_is_drawn_at_its_value()
    {
        var training = new EpochCurve("training", Samples.Epochs(3), [1, 0.5, 0.4]);
        var figure = Draw.LossCurves(training, options: new LossCurvesOptions { Divergence = (4, 1e9) });
        var limits = figure.Plot.Axes.GetLimits();
        Assert.True(limits.Top >= 1e9, $"the view {limits} is below the blow-up's loss 1e9");
        PictureAssert.HasText(figure, $"diverged in epoch 4: loss {Numbers.Format(1e9)}");
    }
}
