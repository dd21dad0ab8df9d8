using Downhill;
using Downhill.Data;
using Downhill.Formulas;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>
/// The steppable session against one uninterrupted run: the same bits whichever way it is
/// driven, Reset back to the exact start, the gradient path reported, and the last update checked.
/// </summary>
public class TrainingSessionTests
{
    private static (Network<float> Model, Trainer<float> Trainer, TrainingData<float> Train, TrainingData<float> Validation) Network(
        Loss loss, string optimizer = "adam", int epochs = 6, int? patience = null, bool schedule = false, bool plateau = false)
    {
        var all = NetworkStepTests.Data<float>(loss, 45, 5, 3, seed: 4);
        var train = all.Rows(Enumerable.Range(0, 35).ToArray());
        var validation = all.Rows(Enumerable.Range(35, 10).ToArray());
        var model = new Network<float>(ModelKind.Mlp, 5, 3, [4], Activation.Tanh, seed: 9);
        var opt = Optimizers.Create(optimizer, model.Parameters, new OptimizerSettings { LearningRate = 0.05 });
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 8, Loss = loss, EarlyStoppingPatience = patience, Seed = 3 };
        var trainer = new Trainer<float>(model, opt, options)
        {
            Schedule = schedule ? new StepDecay(opt, 2, 0.5) : null,
            Plateau = plateau ? new ReduceOnPlateau(opt, new PlateauOptions { Patience = 0, Factor = 0.5 }) : null,
        };
        return (model, trainer, train, validation);
    }

    private static float[][] Weights(Model<float> m) => m.Parameters.Select(p => p.ToArray()).ToArray();

    [Theory]
    [InlineData(Loss.CrossEntropy, "adam", false)]
    [InlineData(Loss.Mse, "sgd", true)]
    [InlineData(Loss.Huber, "rmsprop", true)]
    public void SteppingOneUpdateAtATimeGivesTheSameBitsAsOneRun(Loss loss, string optimizer, bool schedule)
    {
        var (a, trainerA, train, validation) = Network(loss, optimizer, schedule: schedule, plateau: true);
        var whole = trainerA.Fit(train, validation);

        var (b, trainerB, _, _) = Network(loss, optimizer, schedule: schedule, plateau: true);
        var session = trainerB.Start(train, validation);
        int steps = 0;
        while (!session.IsFinished)
        {
            Assert.NotNull(session.Step());
            steps++;
        }

        Assert.Equal(6 * 5, steps); // 35 rows in batches of 8: 5 updates an epoch
        Assert.Equal(Weights(a), Weights(b));
        Assert.Equal(whole.History.Select(h => h.TrainLoss), session.History.Select(h => h.TrainLoss));
        Assert.Equal(whole.History.Select(h => h.ValidationLoss), session.History.Select(h => h.ValidationLoss));
        Assert.Equal(whole.History.Select(h => h.LearningRate), session.History.Select(h => h.LearningRate));
        Assert.Equal(StopReason.Completed, session.Result.StoppedBecause);
    }

    [Fact]
    public void EpochsAndPartialRunsGiveTheSameBitsAsOneRun()
    {
        var (a, trainerA, train, validation) = Network(Loss.CrossEntropy, patience: 100);
        trainerA.Fit(train, validation);

        var (b, trainerB, _, _) = Network(Loss.CrossEntropy, patience: 100);
        var session = trainerB.Start(train, validation);
        session.Step();
        session.Step();
        Assert.Equal(1, session.Epoch);
        Assert.Equal(3, session.Batch);
        var first = session.RunEpoch(); // finishes epoch 1
        Assert.Equal(1, first!.Epoch);
        Assert.Equal((2, 1), (session.Epoch, session.Batch)); // the next update opens epoch 2
        Assert.Equal(0, session.Snapshot().BatchesDone);
        session.Run(2);                  // epochs 2 and 3
        Assert.Equal(4, session.Epoch);
        Assert.False(session.IsFinished);
        var result = session.Run();
        Assert.Equal(6, result.History.Count);
        Assert.Equal(Weights(a), Weights(b));
        Assert.Throws<InvalidOperationException>(() => session.Step());
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("lbfgs")]
    public void ResetGoesBackToTheExactStart(string optimizer)
    {
        var (model, trainer, train, validation) = Network(Loss.Mse, optimizer, schedule: true, plateau: true, patience: 2);
        var start = Weights(model);
        var session = trainer.Start(train, validation);
        var first = session.Run();
        var firstWeights = Weights(model);

        session.Reset();
        session.Step();
        session.Step();
        session.Reset();
        Assert.Equal(start, Weights(model));
        Assert.Equal(0, session.Updates);
        Assert.Empty(session.History);
        Assert.Equal(1, session.Epoch);
        Assert.All(model.Parameters, p => Assert.Null(p.Grad));

        var again = session.Run();
        Assert.Equal(firstWeights, Weights(model));
        Assert.Equal(first.History.Select(h => h.TrainLoss), again.History.Select(h => h.TrainLoss));
        Assert.Equal(first.StoppedBecause, again.StoppedBecause);
        Assert.Equal(first.BestEpoch, again.BestEpoch);
    }

    [Fact]
    public void ExtendGoesOnAsALongerRunWould()
    {
        var (a, trainerA, train, _) = Network(Loss.CrossEntropy, epochs: 5);
        trainerA.Fit(train);
        var (b, trainerB, _, _) = Network(Loss.CrossEntropy, epochs: 3);
        var session = trainerB.Start(train);
        session.Run();
        Assert.Equal(StopReason.Completed, session.Result.StoppedBecause);
        session.Extend(2);
        Assert.Equal(5, session.LastEpoch);
        var result = session.Run();
        Assert.Equal(5, result.History.Count);
        Assert.Equal(Weights(a), Weights(b));
    }

    [Fact]
    public void SnapshotHoldsTheParametersAndGradientsOfTheLastUpdate()
    {
        var (model, trainer, train, _) = Network(Loss.Mse, "sgd");
        var session = trainer.Start(train);
        Assert.Equal(StopReason.Running, session.Result.StoppedBecause);
        var progress = session.Step()!.Value;
        var snapshot = session.Snapshot();
        Assert.Equal(1, snapshot.Updates);
        Assert.Equal(progress.Loss, snapshot.Loss);
        Assert.Equal(model.Parameters.Select(p => p.Name), snapshot.Names);
        for (int p = 0; p < model.Parameters.Count; p++)
        {
            Assert.Equal(model.Parameters[p].ToArray().Select(v => (double)v), snapshot.Parameters[p]);
            Assert.Equal(model.Parameters[p].Grad!.ToArray().Select(v => (double)v), snapshot.Gradients[p]);
        }
    }

    [Fact]
    public void CancellationEndsTheRunAfterTheCurrentBatch()
    {
        var (_, trainer, train, _) = Network(Loss.Mse, "sgd");
        int steps = 0;
        using var cancel = new CancellationTokenSource();
        var session = trainer.Start(train, null, new TrainingCallbacks { Step = _ => { if (++steps == 7) cancel.Cancel(); } });
        var result = session.Run(cancel.Token);
        Assert.Equal(StopReason.Cancelled, result.StoppedBecause);
        Assert.Equal(7, session.Updates);
        Assert.Equal(2, result.History.Count); // epoch 2 closed early, on its 2nd batch
    }

    // ---- The path: chosen once, reported, and a test fails when a fast path is switched off ----

    private static FitOutcome FitLine(string model, Loss? loss = null, GradientMode gradient = GradientMode.Analytic,
        string[]? freeze = null, string optimizer = "sgd")
    {
        var data = DataSource.Load("line", new DataOptions { Targets = ["y"] });
        return Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse(model),
            Loss = loss,
            Optimizer = optimizer,
            OptimizerSettings = optimizer == "lm" ? new() : new OptimizerSettings { LearningRate = 0.01 },
            Training = new TrainingOptions { Epochs = 2, BatchSize = 4, Gradient = gradient },
            Freeze = freeze ?? [],
        });
    }

    [Fact]
    public void EachModelKindReportsItsPath()
    {
        Assert.Equal(TrainingPath.FusedNetwork, FitLine("linear").Result.Path);
        Assert.Equal(TrainingPath.FusedNetwork, FitLine("mlp:3").Result.Path);
        Assert.Equal(TrainingPath.FusedNetwork, FitLine("mlp:3", freeze: ["dense1.bias"]).Result.Path);
        Assert.Equal(TrainingPath.CompiledFormula, FitLine("y = m*x + b").Result.Path);
        Assert.Equal(TrainingPath.CompiledFormula, FitLine("y = m*x + b", freeze: ["b"]).Result.Path);
        Assert.Equal(TrainingPath.LeastSquares, FitLine("y = m*x + b", optimizer: "lm").Result.Path);
        Assert.Null(FitLine("linear").Result.WhyNotFaster);

        var huber = FitLine("mlp:3", loss: Loss.Huber).Result;
        Assert.Equal(TrainingPath.FusedNetwork, huber.Path);
        Assert.Null(huber.WhyNotFaster);
        // Binary cross-entropy wants one logit per row: with three outputs only the tape applies (and reports the shape).
        var (_, binary, train, _) = Network(Loss.BinaryCrossEntropy);
        var tape = binary.Start(train);
        Assert.Equal(TrainingPath.Tape, tape.Path);
        Assert.Contains("binary-cross-entropy", tape.WhyNotFaster);
        var numerical = FitLine("y = m*x + b", gradient: GradientMode.Central).Result;
        Assert.Equal(TrainingPath.NumericalGradient, numerical.Path);
        Assert.Contains("TrainingOptions.Gradient = GradientMode.Central", numerical.WhyNotFaster);
    }

    [Fact]
    public void SwitchingTheFastPathOffIsVisible()
    {
        var (_, fused, train, _) = Network(Loss.CrossEntropy);
        var (_, model, _, _) = Network(Loss.CrossEntropy);
        var tape = new Trainer<float>(model.Model, model.Optimizer, model.Options) { FusedSteps = false };
        Assert.Equal(TrainingPath.FusedNetwork, fused.Start(train).Path);
        var off = tape.Start(train);
        Assert.Equal(TrainingPath.Tape, off.Path);
        Assert.Equal("fast paths switched off", off.WhyNotFaster);
    }

    // ---- Issue 13: the last update of a run is checked too ----

    [Fact]
    public void AnUpdateThatMakesTheWeightsInfiniteIsADivergenceEvenOnTheLastStep()
    {
        var data = DataSource.Load("line", new DataOptions { Targets = ["y"] });
        var outcome = Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("linear"),
            Optimizer = "sgd",
            OptimizerSettings = new OptimizerSettings { LearningRate = 1e300 },
            Training = new TrainingOptions { Epochs = 1 }, // float32: the rate itself becomes infinite
        });
        Assert.Equal(StopReason.Diverged, outcome.Result.StoppedBecause);
        Assert.NotNull(outcome.Result.Divergence!.Parameter);
        Assert.Contains("infinite or NaN", outcome.Result.Divergence.Describe());
        Assert.All(outcome.Model.Parameters.SelectMany(p => p.Values), v => Assert.True(double.IsFinite(v)));
    }
}
