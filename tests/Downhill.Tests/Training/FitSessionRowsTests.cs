using Downhill.Data;
using Downhill.Models;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>The lab's per-sample table: which rows the next step trains on, and the model's outputs on rows, from the session itself.</summary>
public class FitSessionRowsTests
{
    private static Dataset Line() => DataSource.Load("line", new DataOptions { Targets = ["y"] });

    private static FitSettings PerSample(bool shuffle) => new()
    {
        Model = ModelSpec.Parse("y = m*x + b"),
        Optimizer = "sgd",
        OptimizerSettings = new OptimizerSettings { LearningRate = 0.0005 },
        Training = new TrainingOptions { Epochs = 3, BatchSize = 1, Shuffle = shuffle },
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EachStepsGradientIsTheOneOfTheRowItNamed(bool shuffle)
    {
        var plan = Fitting.Plan(Line(), PerSample(shuffle));
        var session = Fitting.Start(plan);
        var x = plan.TrainRows.Column("x");
        var y = plan.TrainRows.Column("y");
        var seen = new List<int>();
        for (int i = 0; i < plan.TrainRows.Count; i++)
        {
            var before = session.Snapshot();
            int[] rows = session.NextBatchRows();
            Assert.Single(rows);
            int r = rows[0];
            seen.Add(r);
            double m = before.Parameters[Array.IndexOf(before.Names, "m")][0], b = before.Parameters[Array.IndexOf(before.Names, "b")][0];
            Assert.Equal(m * x[r] + b, session.Outputs([r])[0][0], 12);
            session.Step();
            var after = session.Snapshot();
            // The squared error of that one row, (m*x + b - y)^2, differentiated by hand.
            double error = m * x[r] + b - y[r];
            Assert.Equal(2 * error * x[r], after.Gradients[Array.IndexOf(after.Names, "m")]![0], 9);
            Assert.Equal(2 * error, after.Gradients[Array.IndexOf(after.Names, "b")]![0], 9);
        }
        Assert.Equal(Enumerable.Range(0, plan.TrainRows.Count), seen.Order());
        Assert.Equal(!shuffle, seen.SequenceEqual(Enumerable.Range(0, plan.TrainRows.Count)));
    }

    [Fact]
    public void AFullBatchNamesEveryRowAndAFinishedRunNone()
    {
        var session = Fitting.Start(Fitting.Plan(Line(), PerSample(false) with { Training = new TrainingOptions { Epochs = 1 } }));
        Assert.Equal(Enumerable.Range(0, 20), session.NextBatchRows().Order());
        session.Step();
        Assert.True(session.IsFinished);
        Assert.Empty(session.NextBatchRows());
    }

    [Fact]
    public void OutputsOfAScaledNetworkAreInTheDataUnitsThePredictorGives()
    {
        var settings = new FitSettings { Model = ModelSpec.Parse("linear"), Optimizer = "adam", Training = new TrainingOptions { Epochs = 3, BatchSize = 4 } };
        var session = Fitting.Start(Fitting.Plan(Line(), settings));
        session.Run();
        var file = session.Outcome().Model;
        var expected = new Predictor(file).Predict(session.Plan.TrainRows).Values;
        var outputs = session.Outputs([.. Enumerable.Range(0, session.Plan.TrainRows.Count)]);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], outputs[i][0], 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Outputs([20]));
    }

    [Fact]
    public void RowGradientsAreEachRowsSquaredErrorDifferentiatedByHandAndLeaveTheSessionAlone()
    {
        var plan = Fitting.Plan(Line(), PerSample(false));
        var session = Fitting.Start(plan);
        session.Step();
        session.Step();
        var before = session.Snapshot();
        int im = Array.IndexOf(before.Names, "m"), ib = Array.IndexOf(before.Names, "b");
        double m = before.Parameters[im][0], b = before.Parameters[ib][0];
        var x = plan.TrainRows.Column("x");
        var y = plan.TrainRows.Column("y");
        int[] rows = [0, 5, 19];
        var gradients = session.RowGradients(rows);
        for (int i = 0; i < rows.Length; i++)
        {
            double error = m * x[rows[i]] + b - y[rows[i]];
            Assert.Equal(2 * error * x[rows[i]], gradients[i][im], 9);
            Assert.Equal(2 * error, gradients[i][ib], 9);
        }
        var after = session.Snapshot();
        Assert.Equal(before.Gradients, after.Gradients);
        Assert.Equal(before.Parameters, after.Parameters);
        // The run goes on exactly as one never asked.
        session.Run();
        var whole = Fitting.Start(plan);
        whole.Run();
        Assert.Equal(whole.Snapshot().Parameters, session.Snapshot().Parameters);
    }
}
