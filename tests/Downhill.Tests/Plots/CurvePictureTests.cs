using Downhill.Experiments;
using Downhill.Plots;

namespace Downhill.Tests.Plots;

public class CurvePictureTests
{
    static readonly double[] Epochs = Samples.Epochs(20);
    static readonly EpochCurve Training = new("training", Epochs, Epochs.Select(e => 2 * Math.Exp(-e / 4) + 0.05).ToArray());
    // Lowest at epoch 7 by construction: (e - 7)^2 is zero there and positive elsewhere.
    static readonly EpochCurve Validation = new("validation", Epochs, Epochs.Select(e => 0.3 + 0.01 * (e - 7) * (e - 7)).ToArray());

    [Fact]
    public void Loss_curves_mark_the_epoch_of_lowest_validation_loss()
    {
        var figure = Draw.LossCurves(Training, Validation);
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        PictureAssert.HasText(figure, "best epoch 7");
        PictureAssert.HasText(figure, "validation 0.3 at best epoch");
    }

    [Fact]
    public void Loss_curves_take_an_explicit_best_epoch_log_scale_and_accuracy()
    {
        var accuracy = new EpochCurve("accuracy", Epochs, Epochs.Select(e => 1 - 0.5 * Math.Exp(-e / 3)).ToArray());
        var figure = Draw.LossCurves(Training, Validation,
            new LossCurvesOptions { LogScale = true, BestEpoch = 10, Metrics = [accuracy], LossName = "MSE" });
        PictureAssert.IsPicture(figure.ToPng(new ImageSize(1600, 1200)), 1600, 1200);
        string[] texts = PictureAssert.Texts(figure);
        Assert.Contains("best epoch 10", texts);
        Assert.Contains("MSE (log scale)", texts);
        Assert.Contains("accuracy (right axis)", texts);
    }

    [Fact]
    public void Log_scale_refuses_zero_loss()
    {
        var curve = new EpochCurve("training", [1, 2], [1, 0]);
        var error = Assert.Throws<ArgumentException>(() => Draw.LossCurves(curve, null, new LossCurvesOptions { LogScale = true }));
        Assert.StartsWith("curve 'training' has a loss <= 0, which a log scale cannot show; draw it with LogScale = false", error.Message);
    }

    [Fact]
    public void Epochs_and_values_must_match()
    {
        var error = Assert.Throws<ArgumentException>(() => Draw.LossCurves(new EpochCurve("training", [1, 2, 3], [1, 2])));
        Assert.StartsWith("curve 'training' has 3 epochs but 2 values; they must match", error.Message);
    }

    [Fact]
    public void Sweep_marks_diverged_runs_in_the_legend()
    {
        double[] epochs = Enumerable.Range(0, 15).Select(e => (double)e).ToArray();
        LearningRateRun[] runs =
        [
            new(0.01, epochs, epochs.Select(e => Math.Exp(-0.2 * e)).ToArray()),
            new(0.1, epochs, epochs.Select(e => Math.Exp(-0.8 * e) + 0.001).ToArray()),
            // Grows eightfold per epoch, then overflows to NaN at epoch 5.
            new(0.5, epochs, epochs.Select(e => e < 5 ? Math.Pow(8, e) : double.NaN).ToArray()),
            // Flagged by the caller, stopped before NaN.
            new(0.3, epochs[..4], [1, 10, 100, 1000], Diverged: true),
        ];
        var figure = Draw.LearningRateSweep(runs);
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        string[] texts = PictureAssert.Texts(figure);
        Assert.Contains("lr = 0.01", texts);
        Assert.Contains("lr = 0.1", texts);
        Assert.Contains("lr = 0.5 diverged", texts);
        Assert.Contains("lr = 0.3 diverged", texts);
        Assert.Contains("last loss before a blow-up", texts);
        Assert.Contains("loss (log scale)", texts);
    }

    [Fact]
    public void Numbered_inputs_count_epochs_from_one()
    {
        Assert.Equal([1.0, 2.0, 3.0], EpochCurve.Numbered("training", [0.5, 0.4, 0.3]).Epochs);
        var run = LearningRateRun.Numbered(0.1, [1, 2], diverged: true);
        Assert.Equal([1.0, 2.0], run.Epochs);
        Assert.True(run.Diverged);
    }

    [Fact]
    public void Range_test_marks_the_suggested_rate()
    {
        double[] rates = Enumerable.Range(0, 60).Select(k => Math.Pow(10, -5 + 5.0 * k / 59)).ToArray();
        double[] losses = rates.Select(r => 2 - 1.5 / (1 + Math.Exp(-(Math.Log10(r) + 3) * 3)) + Math.Pow(Math.Max(0, Math.Log10(r) + 1), 3) * 5).ToArray();
        var figure = Draw.LearningRateRangeTest(rates, losses, new RangeTestOptions { SuggestedRate = 0.001 });
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        string[] texts = PictureAssert.Texts(figure);
        Assert.Contains("suggested lr = 0.001", texts);
        // The x axis is logarithmic: decades are labelled with the rates themselves.
        Assert.Contains("1e-5", texts);
        Assert.Contains("0.01", texts);
    }

    [Fact]
    public void Descent_on_a_parabola_ends_with_the_ball_at_the_last_step()
    {
        // Steps of w <- w - 0.25 * 2 * (w - 1) from w = -3 halve the distance to 1: -3, -1, 0, 0.5, 0.75.
        double[] steps = [-3, -1, 0, 0.5, 0.75];
        var figure = Draw.Descent1D(w => (w - 1) * (w - 1), steps, new Descent1DOptions { ParameterName = "w" });
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
        PictureAssert.HasText(figure, "ball after 4 steps: w = 0.75");
        PictureAssert.HasText(figure, "steps (4)");
    }
}
