using Downhill.Experiments;
using Downhill.Plots;

namespace Downhill.Tests.Plots;

public class LossSurfaceTests
{
    [Theory]
    [InlineData(800, 600)]
    [InlineData(1600, 1200)]
    [InlineData(400, 300)]
    public void Surface_with_path_renders_at_the_asked_size(int width, int height)
    {
        var figure = Draw.LossSurface(Samples.RosenbrockGrid(),
            new LossSurfaceOptions { Path = Samples.RosenbrockDescent("gradient descent", 0.001, 200) });
        PictureAssert.IsPicture(figure.ToPng(new ImageSize(width, height)), width, height);
    }

    [Fact]
    public void Seed_grid_marks_the_true_line_as_the_minimum()
    {
        // The seed's data lie exactly on y = 2x + 30, so the grid's best cell is m = 2, b = 30 with RMSE 0;
        // a log scale must still draw it (0 has no logarithm).
        var figure = Draw.LossSurface(Samples.SeedGrid(), new LossSurfaceOptions { LossName = "RMSE", LogScale = true });
        PictureAssert.HasText(figure, "lowest grid cell: 0 (m = 2, b = 30)");
        PictureAssert.HasText(figure, "RMSE (log scale)");
        PictureAssert.HasText(figure, "m");
        PictureAssert.HasText(figure, "b");
    }

    [Fact]
    public void Automatic_scale_is_log_only_when_losses_span_two_decades()
    {
        // Seed grid: positive RMSEs run from 3 (m = 2, b = 27) to about 160, under two decades.
        Assert.Contains("RMSE", PictureAssert.Texts(Draw.LossSurface(Samples.SeedGrid(), new LossSurfaceOptions { LossName = "RMSE" })));
        // Rosenbrock on [-2, 2] x [-1, 3] spans from below 0.01 to over 2500.
        Assert.Contains("loss (log scale)", PictureAssert.Texts(Draw.LossSurface(Samples.RosenbrockGrid())));
    }

    [Fact]
    public void Linear_scale_is_used_when_the_losses_span_less_than_two_decades()
    {
        var grid = LossGrid.Sample("w1", -1, 1, "w2", -1, 1, 20, (a, b) => 10 + a * a + b * b);
        PictureAssert.HasText(Draw.LossSurface(grid), "loss");
        Assert.DoesNotContain("loss (log scale)", PictureAssert.Texts(Draw.LossSurface(grid)));
    }

    [Fact]
    public void A_path_that_blows_up_is_drawn_up_to_its_last_finite_point()
    {
        // The last finite point lies off the grid but within the widened view (see PictureReadabilityTests for one far off).
        var path = new DescentPath("too fast", [-1.5, -1.4, 2.6, double.NaN, double.NaN], [2.5, 2.4, -1.8, double.NaN, double.NaN]);
        var figure = Draw.LossSurface(Samples.RosenbrockGrid(), new LossSurfaceOptions { Path = path });
        PictureAssert.HasText(figure, "too fast (diverged after 2 steps)");
        PictureAssert.HasText(figure, "last finite point");
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
    }

    [Fact]
    public void Grid_cells_that_blew_up_are_left_blank_and_the_rest_is_drawn()
    {
        var grid = LossGrid.Sample("m", 0, 4, "b", 0, 40, 40, (m, b) => m > 3.5 ? double.PositiveInfinity : Samples.Rmse(m, b));
        var figure = Draw.LossSurface(grid);
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        Assert.Contains(PictureAssert.Texts(figure), t => t.StartsWith("lowest grid cell: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Default_size_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Draw.LossSurface(Samples.SeedGrid()).ToPng(default));
        Assert.StartsWith("image size 0x0 is out of range", error.Message);
    }

    [Fact]
    public void Svg_is_well_formed_with_the_asked_size()
    {
        var figure = Draw.LossSurface(Samples.SeedGrid());
        PictureAssert.SvgTexts(figure.ToSvg(new ImageSize(1600, 1200)), 1600, 1200);
    }

    [Fact]
    public void Log_scale_of_negative_losses_is_refused()
    {
        var grid = LossGrid.Sample("a", 0, 1, "b", 0, 1, 5, (a, b) => a - b);
        var error = Assert.Throws<ArgumentException>(() => Draw.LossSurface(grid, new LossSurfaceOptions { LogScale = true }));
        Assert.StartsWith("a log colour scale needs losses of 0 or more with some above 0, but the grid runs from -1 to 1; draw it with LogScale = false", error.Message);
    }

    [Fact]
    public void Unevenly_spaced_grid_values_are_refused()
    {
        var grid = new LossGrid("m", [1, 2, 4], "b", [0, 1], new double[3, 2]);
        var error = Assert.Throws<ArgumentException>(() => Draw.LossSurface(grid));
        Assert.StartsWith("m values must increase in equal steps; step 2 is 2 but the first is 1", error.Message);
    }

    [Fact]
    public void Grid_and_value_counts_must_match()
    {
        var grid = new LossGrid("m", [1, 2, 3], "b", [0, 1], new double[2, 2]);
        var error = Assert.Throws<ArgumentException>(() => Draw.LossSurface(grid));
        Assert.StartsWith("loss grid is 2x2 but there are 3 values of m (rows) and 2 of b (columns); they must match", error.Message);
    }

    [Fact]
    public void Optimizer_race_draws_each_path_with_a_legend_entry()
    {
        DescentPath[] paths =
        [
            Samples.RosenbrockDescent("sgd", 0.001, 300),
            Samples.RosenbrockDescent("sgd small", 0.0002, 300),
            Samples.RosenbrockDescent("sgd too big", 0.01, 50),
        ];
        var figure = Draw.OptimizerRace(Samples.RosenbrockGrid(), paths);
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        string[] texts = PictureAssert.Texts(figure);
        Assert.Contains("sgd (300 steps)", texts);
        Assert.Contains("sgd small (300 steps)", texts);
        Assert.Contains(texts, t => t.StartsWith("sgd too big (diverged after", StringComparison.Ordinal));
        Assert.Contains("start", texts);
    }
}
