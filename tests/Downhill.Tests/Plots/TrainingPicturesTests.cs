using System.Text.RegularExpressions;
using Downhill.Data;
using Downhill.Formulas;
using Downhill.Models;
using Downhill.Optim;
using Downhill.Plots;
using Downhill.Training;

namespace Downhill.Tests.Plots;

public class TrainingPicturesTests
{
    private static readonly Formula Rosenbrock = Formula.Parse("(1 - x)^2 + 100*(y - x^2)^2");

    private static MinimizeResult Walk(string optimizer, OptimizerSettings settings, int steps) =>
        Minimizer.Minimize(Rosenbrock, [new("x", -1.5), new("y", 2.0)],
            (parameters, _) => Optimizers.Create(optimizer, parameters, settings).Step, new MinimizeOptions { MaxSteps = steps });

    [Fact]
    public void GridAroundCoversTheRouteAndHoldsTheFunctionsValues()
    {
        double[] xs = [-1.5, -1, 0.5], ys = [2, 1, 0.25];
        var grid = TrainingPictures.GridAround(xs, ys, (x, y) => Rosenbrock.Evaluate(new Dictionary<string, double> { ["x"] = x, ["y"] = y }), "x", "y", 11);
        // 15% of each span on either side: x spans 2, y spans 1.75.
        Assert.Equal(-1.5 - 0.3, grid.FirstValues[0], 12);
        Assert.Equal(0.5 + 0.3, grid.FirstValues[^1], 12);
        Assert.Equal(0.25 - 0.2625, grid.SecondValues[0], 12);
        Assert.Equal(2 + 0.2625, grid.SecondValues[^1], 12);
        for (int i = 0; i < 11; i++)
            for (int j = 0; j < 11; j++)
            {
                double x = grid.FirstValues[i], y = grid.SecondValues[j];
                Assert.Equal((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x), grid.Loss[i, j], 9);
            }
    }

    [Fact]
    public void AnAxisTheRouteNeverMovedStillGetsAWindow()
    {
        var axis = TrainingPictures.AxisAround([4.0, 4.0], 5);
        Assert.Equal([2.0, 3.0, 4.0, 5.0, 6.0], axis);
    }

    [Fact]
    public void RaceAndWalkPicturesAreDrawn()
    {
        var sgd = Walk("sgd", new OptimizerSettings { LearningRate = 0.001 }, 200);
        var adam = Walk("adam", new OptimizerSettings { LearningRate = 0.05 }, 200);
        Assert.Equal(sgd.Trace[0].Values, adam.Trace[0].Values);
        PictureAssert.IsPicture(DescentPictures.Race(Rosenbrock, [("sgd", sgd), ("adam", adam)]).ToPng(new ImageSize(640, 480)), 640, 480);
        var walk = DescentPictures.Walk(Rosenbrock, adam, "adam");
        PictureAssert.HasText(walk, "adam on (1 - x)^2 + 100*(y - x^2)^2");

        var bowl = Formula.Parse("(x - 3)^2");
        var roll = Minimizer.Minimize(bowl, [new("x", -2.0)], (p, _) => Optimizers.Create("sgd", p, new OptimizerSettings { LearningRate = 0.1 }).Step,
            new MinimizeOptions { MaxSteps = 20 });
        PictureAssert.IsPicture(DescentPictures.Walk(bowl, roll, "sgd").ToPng(ImageSize.Default), 800, 600);
        Assert.Throws<ArgumentException>(() => DescentPictures.CheckDrawable(Formula.Parse("x + y + z"), ["x", "y", "z"]));
    }

    [Fact]
    public void LossCurvesShowValidationAccuracyForClassifiers()
    {
        var (data, settings) = Digits(columns: 6);
        var outcome = Fitting.Fit(data, settings);
        var figure = TrainingPictures.LossCurves(outcome.Result, outcome.Loss);
        PictureAssert.HasText(figure, "validation accuracy (right axis)");
        PictureAssert.IsPicture(figure.ToPng(ImageSize.Default), 800, 600);
    }

    [Fact]
    public void LossCurvesMarkTheEpochEarlyStoppingKept()
    {
        var none = new Dictionary<string, double>();
        EpochRecord[] history = [new(1, 0.9, 0.8, none, 0.1, 0), new(2, 0.5, 0.4, none, 0.1, 0), new(3, 0.3, 0.45, none, 0.1, 0), new(4, 0.2, 0.5, none, 0.1, 0)];
        var figure = TrainingPictures.LossCurves(new TrainingResult(history, StopReason.EarlyStopping, 2, null, 1, 100), Nn.Loss.Mse);
        PictureAssert.HasText(figure, "best epoch 2");
        PictureAssert.HasText(figure, "validation 0.4 at best epoch");
        PictureAssert.HasText(figure, "mse per epoch");
    }

    [Fact]
    public void ReportForImagesEmbedsCurvesConfusionMatrixAndSampleImagesAndRequestsNothing()
    {
        var (data, settings) = Digits(columns: 784);
        var outcome = Fitting.Fit(data, settings);
        string html = FitReport.Build(data, settings, outcome, "downhill fit digits.csv --model softmax", new ImageSize(400, 300)).ToHtml();
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Contains("Confusion matrix", html);
        Assert.Contains("Sample predictions", html);
        Assert.Contains("downhill fit digits.csv --model softmax", html);
        var pngs = Regex.Matches(html, "data:image/png;base64,([^\"]+)").Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToArray();
        Assert.Equal(3, pngs.Length);
        foreach (var png in pngs) PictureAssert.IsPicture(png, 400, 300);
    }

    [Fact]
    public void ReportForATwoParameterFormulaDrawsTheSurfaceWithThePath()
    {
        var data = DataSource.Load("line", new DataOptions { Targets = ["y"] });
        var settings = new FitSettings
        {
            Model = ModelSpec.Parse("y = m*x + b"),
            OptimizerSettings = new OptimizerSettings { LearningRate = 0.5 },
            Training = new TrainingOptions { Epochs = 20 },
            TraceParameters = true,
        };
        var outcome = Fitting.Fit(data, settings);
        string html = FitReport.Build(data, settings, outcome, null, ImageSize.Default).ToHtml();
        Assert.Contains("Loss surface", html);
        Assert.DoesNotContain("Confusion matrix", html);
        Assert.DoesNotContain("<h2>Weights</h2>", html); // a formula's parameters have their own table
        Assert.Equal(4, Regex.Matches(html, "data:image/png;base64,").Count); // loss curves, predicted against actual, residuals, surface
    }

    [Fact]
    public void ReportForARegressionShowsTestMetricsWeightsInDataUnitsAndPredictionPictures()
    {
        var data = DataSource.Load("line", new DataOptions { Targets = ["y"] });
        var settings = new FitSettings
        {
            Model = ModelSpec.Parse("linear"),
            OptimizerSettings = new OptimizerSettings { LearningRate = 0.1 },
            Training = new TrainingOptions { Epochs = 100 },
            ValidationFraction = 0.25,
        };
        var outcome = Fitting.Fit(data, settings);
        var test = new TestEvaluation("held.csv", 7, new Dictionary<string, double> { ["rmse"] = 1.25, ["loss"] = 1.5625 });
        string html = FitReport.Build(data, settings, outcome, null, new ImageSize(400, 300), test).ToHtml();

        Assert.Contains("<tr><th>metric</th><th>training</th><th>validation</th><th>test</th></tr>", html);
        Assert.Contains($"<tr><td>rmse</td><td>{G6(outcome.TrainMetrics["rmse"])}</td><td>{G6(outcome.ValidationMetrics!["rmse"])}</td><td>1.25</td></tr>", html);
        Assert.Contains("Test: held.csv, 7 rows", html);

        // The seed's line y = 2x + 30 in the data's units, though the model trained on standardized x and y.
        var (weights, bias) = outcome.Model.WeightsInDataUnits()!.Value;
        Assert.Equal(2, weights[0, 0], 0.05); // standardized, the slope would be 1
        Assert.Contains($"<tr><td>x</td><td>{G6(weights[0, 0])}</td></tr>", html);
        Assert.Contains($"<tr><td>bias</td><td>{G6(bias[0])}</td></tr>", html);

        Assert.Contains("<h2>Predictions</h2>", html);
        int validationRows = outcome.ValidationRows;
        Assert.Contains($"predicted against actual on the {validationRows} validation rows", html);
        var pngs = Regex.Matches(html, "data:image/png;base64,([^\"]+)").Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToArray();
        Assert.Equal(3, pngs.Length); // loss curves, predicted against actual, residuals
        foreach (var png in pngs) PictureAssert.IsPicture(png, 400, 300);
    }

    [Fact]
    public void ReportForSoftmaxTablesOneWeightColumnPerClass()
    {
        var (data, settings) = Digits(columns: 6);
        var outcome = Fitting.Fit(data, settings);
        string html = FitReport.Build(data, settings, outcome, null, new ImageSize(400, 300)).ToHtml();
        Assert.Contains("<tr><th>feature</th><th>zero</th><th>one</th><th>two</th></tr>", html);
        var (weights, bias) = outcome.Model.WeightsInDataUnits()!.Value;
        Assert.Contains($"<tr><td>p5</td><td>{G6(weights[5, 0])}</td><td>{G6(weights[5, 1])}</td><td>{G6(weights[5, 2])}</td></tr>", html);
        Assert.Contains($"<tr><td>bias</td><td>{G6(bias[0])}</td><td>{G6(bias[1])}</td><td>{G6(bias[2])}</td></tr>", html);
        Assert.DoesNotContain("<h2>Predictions</h2>", html);
    }

    [Fact]
    public void ReportForImagesLeavesTheWeightsToTheModelFile()
    {
        var (data, settings) = Digits(columns: 784);
        var outcome = Fitting.Fit(data, settings);
        string html = FitReport.Build(data, settings, outcome, null, new ImageSize(400, 300)).ToHtml();
        Assert.Contains("784 features x 3 outputs: too many weights for a table", html);
    }

    [Fact]
    public void PredictionPicturesNameEachTargetWithItsRowsAndRefuseMismatchedLengths()
    {
        RegressionSeries[] series = [new("y", [1, 2, 3, 4], [1.1, 1.9, 3.2, double.NaN])];
        PictureAssert.HasText(Draw.PredictedVsActual(series), "y (3 rows)"); // the NaN prediction cannot be placed
        PictureAssert.HasText(Draw.PredictedVsActual(series), "predicted = actual");
        PictureAssert.HasText(Draw.Residuals(series), "residual (actual - predicted)");
        PictureAssert.HasText(Draw.Residuals(series), "y (3 rows)");
        var error = Assert.Throws<ArgumentException>(() => Draw.Residuals([new("z", [1, 2], [1])]));
        Assert.StartsWith("series \"z\" has 2 actual values but 1 predictions; give one prediction per row", error.Message);
    }

    private static string G6(double v) => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Three classes of tiny "images": class k lights up its own third of the columns.</summary>
    private static (Dataset Data, FitSettings Settings) Digits(int columns)
    {
        const int rows = 60;
        var rng = new Random(7);
        var labels = Enumerable.Range(0, rows).Select(i => i % 3).ToArray();
        var pixels = new double[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                pixels[i * columns + j] = (j * 3 / columns == labels[i] ? 200 : 20) + rng.Next(40);
        var data = Dataset.Classification(Enumerable.Range(0, columns).Select(j => $"p{j}").ToArray(), pixels, "label", labels, ["zero", "one", "two"]);
        return (data, new FitSettings
        {
            Model = ModelSpec.Parse("softmax"),
            Training = new TrainingOptions { Epochs = 3 },
            ValidationFraction = 0.4,
        });
    }
}
