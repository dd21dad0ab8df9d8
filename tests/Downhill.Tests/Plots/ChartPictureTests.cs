using Downhill.Plots;

namespace Downhill.Tests.Plots;

public class ChartPictureTests
{
    [Fact]
    public void Benchmark_bars_label_ratios_to_the_baseline()
    {
        BenchmarkResult[] results =
        [
            new("linear fit", "Downhill", 12), new("linear fit", "PyTorch", 30), new("linear fit", "scikit-learn", 6),
            new("mlp epoch", "Downhill", 800), new("mlp epoch", "PyTorch", 400),
        ];
        var figure = Draw.BenchmarkBars(results, new BenchmarkOptions { ValueName = "time (ms)" });
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        string[] texts = PictureAssert.Texts(figure);
        // 30 / 12 = 2.5, 6 / 12 = 0.5, 400 / 800 = 0.5; Downhill's own bars show their values.
        Assert.Contains("2.5x", texts);
        Assert.Equal(2, texts.Count(t => t == "0.5x"));
        Assert.Contains("12", texts);
        Assert.Contains("800", texts);
        Assert.Contains("linear fit", texts);
        Assert.Contains("scikit-learn", texts);
    }

    [Fact]
    public void Benchmark_baseline_must_be_one_of_the_tools()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Draw.BenchmarkBars([new("fit", "Downhill", 1)], new BenchmarkOptions { Baseline = "Torch" }));
        Assert.StartsWith("baseline 'Torch' is not among the tools: Downhill", error.Message);
    }

    [Fact]
    public void Confusion_matrix_shows_counts_class_names_and_accuracy()
    {
        int[,] counts = { { 45, 5 }, { 10, 40 } };
        var figure = Draw.ConfusionMatrix(counts, ["cat", "dog"]);
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        string[] texts = PictureAssert.Texts(figure);
        // (45 + 40) / 100 = 85%.
        Assert.Contains("Confusion matrix: accuracy 85% of 100 examples", texts);
        Assert.Contains("45", texts);
        Assert.Contains("10", texts);
        Assert.Contains("cat", texts);
        Assert.Contains("dog", texts);
    }

    [Fact]
    public void Confusion_matrix_needs_one_name_per_class()
    {
        var error = Assert.Throws<ArgumentException>(() => Draw.ConfusionMatrix(new int[3, 3], ["a", "b"]));
        Assert.StartsWith("a confusion matrix must be square with one class name per row; got 3x3 counts and 2 names", error.Message);
    }

    [Fact]
    public void Image_grid_labels_wrong_predictions_with_the_truth()
    {
        // A bright vertical bar on black, once as bytes (0..255) and once scaled to 0..1.
        float[] bytes = new float[28 * 28];
        for (int r = 4; r < 24; r++)
            for (int c = 12; c < 16; c++)
                bytes[r * 28 + c] = 255;
        float[] scaled = bytes.Select(v => v / 255).ToArray();
        LabelledImage[] images =
        [
            new(bytes, 28, 28, "1", "1"),
            new(scaled, 28, 28, "7", "1"),
            new(scaled, 28, 28, "1"),
        ];
        var figure = Draw.ImageGrid(images);
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        string[] texts = PictureAssert.Texts(figure);
        Assert.Contains("Predictions: 1 of 3 wrong (red)", texts);
        Assert.Contains("7 (true 1)", texts);
        Assert.Equal(2, texts.Count(t => t == "1"));
    }

    [Fact]
    public void Image_grid_checks_pixel_counts()
    {
        var error = Assert.Throws<ArgumentException>(() => Draw.ImageGrid([new LabelledImage(new float[10], 28, 28, "1")]));
        Assert.StartsWith("image 0 is 28x28 but has 10 pixels; it needs 784", error.Message);
    }
}
