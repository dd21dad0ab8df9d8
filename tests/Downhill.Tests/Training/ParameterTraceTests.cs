using Downhill.Data;
using Downhill.Models;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Tests.Training;

public class ParameterTraceTests
{
    private static readonly Dataset Line = DataSource.Load("line", new DataOptions { Targets = ["y"] });

    private static FitOutcome FitLine(int epochs, int? batch, double lr = 0.0005) => Fitting.Fit(Line, new FitSettings
    {
        Model = ModelSpec.Parse("y = m*x + b"),
        Optimizer = "sgd",
        OptimizerSettings = new OptimizerSettings { LearningRate = lr },
        Training = new TrainingOptions { Epochs = epochs, BatchSize = batch, Shuffle = false },
        TraceParameters = true,
    });

    /// <summary>The mean squared error of y = m x + b on the line data, computed by hand.</summary>
    private static double Mse(double m, double b)
    {
        double[] x = Line.Column("x"), y = Line.Column("y");
        return x.Zip(y, (xi, yi) => (m * xi + b - yi) * (m * xi + b - yi)).Average();
    }

    [Fact]
    public void RowZeroIsTheStartAndTheLastRowIsTheFittedModel()
    {
        var outcome = FitLine(epochs: 3, batch: 5);
        var trace = outcome.Trace!;
        Assert.Equal(["m", "b"], trace.Names);
        Assert.Equal(3 * 4 + 1, trace.Points.Count); // 20 rows in batches of 5: 4 updates per epoch
        Assert.Equal(Enumerable.Range(0, 13).Select(i => (long)i), trace.Points.Select(p => p.Step));
        Assert.Equal([1.0, 1.0], trace.Points[0].Values);
        Assert.Equal(Mse(1, 1), trace.Points[0].Loss, 12);
        var fitted = outcome.Model.Parameters.ToDictionary(p => p.Name, p => p.Values[0]);
        Assert.Equal(fitted["m"], trace.Points[^1].Values[0]);
        Assert.Equal(fitted["b"], trace.Points[^1].Values[1]);
    }

    [Fact]
    public void EachRowIsOneGradientStepFromTheLastAndCarriesTheLossBeforeIt()
    {
        // Full batch, plain sgd: row k = row k-1 - lr * gradient of the MSE there (hand-derived), and the
        // loss on row k is the full-data loss at row k-1's values.
        const double lr = 0.0005;
        var trace = FitLine(epochs: 4, batch: null, lr).Trace!;
        double[] x = Line.Column("x"), y = Line.Column("y");
        for (int k = 1; k < trace.Points.Count; k++)
        {
            double m = trace.Points[k - 1].Values[0], b = trace.Points[k - 1].Values[1];
            double gm = x.Zip(y, (xi, yi) => 2 * (m * xi + b - yi) * xi).Average();
            double gb = x.Zip(y, (xi, yi) => 2 * (m * xi + b - yi)).Average();
            Assert.Equal(m - lr * gm, trace.Points[k].Values[0], 10);
            Assert.Equal(b - lr * gb, trace.Points[k].Values[1], 10);
            Assert.Equal(Mse(m, b), trace.Points[k].Loss, 8);
        }
    }

    [Fact]
    public void CsvRoundTripsEveryValueAndNamesMatrixElements()
    {
        var data = Dataset.Regression(["a", "c"], [1, 2, 3, 4, 5, 7, 0, 1], ["y"], [1, 2, 3, 4]);
        var outcome = Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("linear"),
            Optimizer = "adam",
            Training = new TrainingOptions { Epochs = 2, Shuffle = false },
            TraceParameters = true,
        });
        var trace = outcome.Trace!;
        Assert.Equal(["weight[0,0]", "weight[1,0]", "bias"], trace.Names);
        var lines = trace.ToCsv().TrimEnd('\n').Split('\n');
        Assert.Equal("step,loss,\"weight[0,0]\",\"weight[1,0]\",bias", lines[0]);
        Assert.Equal(trace.Points.Count + 1, lines.Length);
        var last = lines[^1].Split(',').Skip(2).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(trace.Points[^1].Values, last);
        var weight = outcome.Model.Parameters.First(p => p.Name == "weight").Values;
        Assert.Equal(weight, last[..2]);
    }

    [Fact]
    public void RefusesModelsAboveTheLimitBeforeTraining()
    {
        var rng = new Random(1);
        var features = Enumerable.Range(0, 10 * 60).Select(_ => rng.NextDouble()).ToArray();
        var data = Dataset.Regression(Enumerable.Range(0, 60).Select(i => $"f{i}").ToArray(), features, ["y"], Enumerable.Range(0, 10).Select(i => (double)i).ToArray());
        int epochs = 0;
        var error = Assert.Throws<ArgumentException>(() => Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("mlp:32"),
            Training = new TrainingOptions { Epochs = 1 },
            TraceParameters = true,
        }, new TrainingCallbacks { Epoch = _ => epochs++ }));
        Assert.Contains("this model has 1,985 parameters, more than the 1,000 a trace allows", error.Message);
        Assert.Equal(0, epochs);
    }

    [Fact]
    public void LevenbergMarquardtTakesNoTrace()
    {
        var error = Assert.Throws<SettingException>(() => Fitting.Fit(Line, new FitSettings
        {
            Model = ModelSpec.Parse("y = m*x + b"),
            Optimizer = "lm",
            TraceParameters = true,
        }));
        Assert.Equal("FitSettings.TraceParameters records the updates of a gradient optimizer; FitSettings.Optimizer = \"lm\" takes Levenberg-Marquardt steps instead. " +
            "Remove FitSettings.TraceParameters, or choose a gradient optimizer such as adam.", error.Message);
        Assert.Equal("FitSettings.TraceParameters", error.Setting);
    }
}
