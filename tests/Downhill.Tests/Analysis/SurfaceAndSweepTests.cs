using Downhill.Analysis;
using Downhill.Data;
using Downhill.Experiments;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Training;

namespace Downhill.Tests.Analysis;

public class SurfaceAndSweepTests
{
    private static readonly Dataset Line = DataSource.Load("line", new DataOptions { Targets = ["y"] });

    [Fact]
    public void SurfaceValuesEqualTheRmseComputedByHand()
    {
        var settings = new FitSettings { Model = ModelSpec.Parse("y = m*x + b"), Loss = Loss.Rmse };
        var prepared = Fitting.Prepare<double>(Line, settings);
        var surface = LossSurface.OverParameters(prepared.Model, prepared.Train, Loss.Rmse,
            GridAxis.Parse("m=1:8:1"), GridAxis.Parse("b=0:30:3"));
        Assert.Equal(8, surface.First.Values.Length);
        Assert.Equal(11, surface.Second.Values.Length);
        var x = Line.Column("x");
        var y = Line.Column("y");
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 11; j++)
            {
                double m = 1 + i, b = 3 * j, sse = 0;
                for (int k = 0; k < x.Length; k++) sse += Math.Pow(m * x[k] + b - y[k], 2);
                Assert.Equal(Math.Sqrt(sse / x.Length), surface.Loss[i, j], 9);
            }
        Assert.Equal((1, 10), surface.Minimum); // m = 2, b = 30: the true line, RMSE 0
        Assert.Equal(0, surface.Loss[1, 10], 12);
        // The model's own parameters are put back afterwards.
        Assert.Equal(1.0, prepared.Model.Parameter("m").Item());
    }

    [Fact]
    public void RandomDirectionsPassThroughTheTrainedWeightsAtTheCentre()
    {
        var data = Dataset.Classification(["a", "b"], [0, 0, 1, 1, 0, 1, 1, 0, 2, 2, 3, 1], "c", [0, 1, 0, 1, 1, 0], ["no", "yes"]);
        var settings = new FitSettings { Model = ModelSpec.Parse("mlp:4"), Precision = Precision.Float64 };
        var prepared = Fitting.Prepare<double>(data, settings);
        double atCentre = prepared.Model.LossOn(prepared.Train, prepared.Loss);
        var surface = LossSurface.RandomDirections(prepared.Model, prepared.Train, prepared.Loss, points: 5, range: 1, seed: 3);
        Assert.Equal(atCentre, surface.Loss[2, 2], 12);
        Assert.NotEqual(surface.Loss[0, 0], surface.Loss[4, 4]);
    }

    [Theory]
    [InlineData("m=1:8:1", new[] { 1.0, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData("b=0:30/4", new[] { 0.0, 10, 20, 30 })]
    [InlineData("w=0:1:0.25", new[] { 0.0, 0.25, 0.5, 0.75, 1 })]
    public void GridAxesIncludeTheirStop(string text, double[] expected) => Assert.Equal(expected, GridAxis.Parse(text).Values);

    [Fact]
    public void GridAxisErrorsShowTheForm()
    {
        var e = Assert.Throws<ArgumentException>(() => GridAxis.Parse("m=1:8"));
        Assert.Equal("GridAxis 'm=1:8' is not NAME=START:STOP:STEP or NAME=START:STOP/N (e.g. m=1:8:1 or b=0:30/11).", e.Message);
    }

    [Fact]
    public void SweepMarksExactlyTheRunsWhoseLossBlewUp()
    {
        var settings = new FitSettings
        {
            Model = ModelSpec.Parse("y = m*x + b"),
            Optimizer = "sgd",
            Training = new TrainingOptions { Epochs = 30 },
        };
        var runs = LearningRateSweep.Run(Line, settings with { Training = settings.Training with { BatchSize = null } }, [1e-4, 1e-3, 1e-2]);
        Assert.Equal([false, false, true], runs.Select(r => r.Diverged).ToArray());
        foreach (var run in runs)
            Assert.Equal(run.Diverged, run.Losses.Any(l => !double.IsFinite(l) || l > 1e12 * run.Losses[0]));
        Assert.True(runs[1].FinalLoss < runs[0].FinalLoss); // the larger stable rate gets further in 30 epochs
        Assert.Equal(30, runs[1].Losses.Length);
    }

    [Fact]
    public void RangeTestSuggestsARateBelowWhereTheLossBlowsUp()
    {
        var settings = new FitSettings { Model = ModelSpec.Parse("y = m*x + b"), Optimizer = "sgd", Training = new TrainingOptions { BatchSize = null } };
        var test = LearningRateSweep.RangeTest(Line, settings, 1e-7, 1, 60);
        Assert.True(test.Suggested is > 1e-7 and < 2e-3, $"suggested {test.Suggested}");
        Assert.True(test.LearningRates.Length < 60); // it stops once the loss passes 4x its best
    }

    [Fact]
    public void LinearWeightsInDataUnitsMatchTheClosedFormOnScaledTargets()
    {
        var rng = new Random(4);
        int n = 100;
        var x = new double[n * 2];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = rng.NextDouble() * 200; x[2 * i + 1] = rng.Next(1, 8);
            y[i] = 1500 * x[2 * i] + 12000 * x[2 * i + 1] + 50000;
        }
        var data = Dataset.Regression(["area", "rooms"], x, ["price"], y);
        var outcome = Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("linear"),
            Precision = Precision.Float64,
            OptimizerSettings = new() { LearningRate = 0.05 },
            Training = new TrainingOptions { Epochs = 400, BatchSize = null },
        });
        var (w, b) = outcome.Model.WeightsInDataUnits()!.Value;
        Assert.Equal(1500, w[0, 0], 3);
        Assert.Equal(12000, w[1, 0], 1);
        Assert.Equal(50000, b[0], 0);
        Assert.True(outcome.TrainMetrics["r2"] > 0.999999);
        Assert.True(outcome.TrainMetrics["rmse"] < 5, $"rmse in data units {outcome.TrainMetrics["rmse"]}");
    }
}

public class ConstantColumnTests
{
    [Fact]
    public void AConstantColumnBesideATinyFeatureDoesNotHideIt()
    {
        // y = 1e-8 big + 1e9 small + 1, with a constant column: the QA case where 'small' got weight 0.
        int n = 50;
        var x = new double[n * 3];
        var y = new double[n];
        var rng = new Random(3);
        for (int i = 0; i < n; i++)
        {
            double big = rng.NextDouble() * 1e6, small = rng.NextDouble() * 1e-8;
            x[3 * i] = big; x[3 * i + 1] = small; x[3 * i + 2] = 7;
            y[i] = 1e-8 * big + 1e9 * small + 1;
        }
        var fit = LinearLeastSquares.Fit(x, 3, y);
        Assert.Equal(1e-8, fit.Weights[0], 15);
        Assert.Equal(1e9, fit.Weights[1], 3);
        Assert.Equal(0, fit.Weights[2]);
        Assert.Equal(1, fit.Biases[0], 9);
        Assert.Equal(1, fit.ConstantFeatures);
        Assert.True(fit.ResidualSumOfSquares[0] < 1e-12);
        Assert.False(fit.IllConditioned);
    }
}
