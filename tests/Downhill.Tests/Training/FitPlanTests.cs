using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Tests.Cli;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>The plan decides once; the fit session it starts runs as Fitting.Fit does, and resumes exactly.</summary>
public class FitPlanTests
{
    private static Dataset Line() => DataSource.Load("line", new DataOptions { Targets = ["y"] });

    private static FitSettings Settings(string model = "mlp:3", double validation = 0.25) => new()
    {
        Model = ModelSpec.Parse(model),
        Optimizer = "adam",
        OptimizerSettings = new OptimizerSettings { LearningRate = 0.05 },
        Training = new TrainingOptions { Epochs = 5, BatchSize = 4 },
        ValidationFraction = validation,
    };

    [Fact]
    public void ThePlanSaysWhatWasDecidedAndWhy()
    {
        var plan = Fitting.Plan(Line(), Settings());
        Assert.Equal(TaskKind.Regression, plan.Task);
        Assert.Equal(Loss.Mse, plan.Loss);
        Assert.Equal(Precision.Float32, plan.Precision);
        Assert.Equal(Solver.Gradient, plan.Solver);
        Assert.Equal(ScalerKind.Standard, plan.Scale);
        Assert.Equal(15, plan.TrainRows.Count);
        Assert.Equal(5, plan.ValidationRows!.Count);
        var text = string.Join("\n", plan.Describe());
        Assert.Contains("task: regression (the target \"y\" is numeric)", text);
        Assert.Contains("15 to train, 5 held out for validation", text);
        Assert.Contains("loss: mse (the default for this model and task)", text);

        var lm = Fitting.Plan(Line(), new FitSettings { Model = ModelSpec.Parse("y = m*x + b"), Optimizer = "lm" });
        Assert.Equal(Solver.LeastSquares, lm.Solver);
        Assert.Equal(Precision.Float64, lm.Precision);
    }

    /// <summary>A loss given only in FitSettings.Training was replaced by the default without a word (found with conv nets).</summary>
    [Fact]
    public void ALossGivenInTheTrainingOptionsIsTrainedOrAConflictIsRefused()
    {
        var settings = Settings("linear", validation: 0) with { Training = new TrainingOptions { Epochs = 2, BatchSize = 4, Loss = Loss.Mae } };
        var plan = Fitting.Plan(Line(), settings);
        Assert.Equal(Loss.Mae, plan.Loss);
        Assert.Contains("loss: mae", string.Join("\n", plan.Describe()));
        Assert.DoesNotContain("the default for this model", string.Join("\n", plan.Describe()));
        var viaTraining = Fitting.Fit(plan).Result.History.Select(e => e.TrainLoss);
        var viaSettings = Fitting.Fit(Fitting.Plan(Line(), settings with { Loss = Loss.Mae, Training = settings.Training with { Loss = Loss.Mse } })).Result.History.Select(e => e.TrainLoss);
        Assert.Equal(viaSettings, viaTraining);

        var both = Assert.Throws<SettingException>(() => Fitting.Plan(Line(), settings with { Loss = Loss.Huber }));
        Assert.Contains("FitSettings.Loss = huber but FitSettings.Training.Loss = mae", both.Message);
        Assert.Equal(Loss.Huber, Fitting.Plan(Line(), settings with { Loss = Loss.Huber, Training = settings.Training with { Loss = Loss.Mse } }).Loss);
    }

    /// <summary>Issue 13: epoch losses were in standardized units and the summary in the data's, neither labelled.</summary>
    [Fact]
    public void EpochLossesConvertToTheDataUnitsOfTheSummary()
    {
        var settings = Settings("linear", validation: 0) with { Optimizer = "sgd", Training = new TrainingOptions { Epochs = 1, BatchSize = null } };
        var plan = Fitting.Plan(Line(), settings);
        var (factor, units) = plan.EpochLossUnits;
        Assert.Equal("data units", units);
        double sd = plan.Scaler!.TargetScale![0];
        Assert.Equal(sd * sd, factor);
        // One full-batch epoch: its loss is the loss at the start, which the data-unit loss of the untrained model gives too.
        var start = plan.Build<float>();
        double dataUnits = new Predictor(Fitting.Describe(start.Model, plan.Model, plan.Settings.Activation, plan.Loss, start.Features, start.Targets,
            null, plan.Scaler, plan.Precision, null)).Evaluate(Line())["loss"];
        var outcome = Fitting.Fit(plan);
        Assert.Equal(dataUnits, outcome.Result.History[0].TrainLoss * factor, dataUnits * 1e-5);

        Assert.Equal("standardized units", Fitting.Plan(Line(), settings with { Loss = Nn.Loss.Huber }).EpochLossUnits.Units);
    }

    /// <summary>The loss picture uses the same units as the epoch lines, and says which.</summary>
    [Fact]
    public void TheLossPictureNamesItsUnitsAndUsesThem()
    {
        var settings = Settings("linear", validation: 0) with { Optimizer = "sgd", Training = new TrainingOptions { Epochs = 3, BatchSize = null } };
        var outcome = Fitting.Fit(Line(), settings);
        var figure = Downhill.Plots.TrainingPictures.LossCurves(outcome);
        Assert.StartsWith("mse, data units", figure.Plot.Axes.Left.Label.Text);
        double factor = outcome.Plan!.EpochLossUnits.Factor;
        var drawn = figure.Plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().First().Data.GetScatterPoints().Select(p => p.Y).ToArray();
        double first = outcome.Result.History[0].TrainLoss * factor;
        bool log = figure.Plot.Axes.Left.Label.Text.Contains("log scale");
        Assert.Equal(log ? Math.Log10(first) : first, drawn[0], 1e-9);
    }

    [Fact]
    public void BuildingAPlanTwiceGivesTheSameStart()
    {
        var plan = Fitting.Plan(Line(), Settings());
        var (a, b) = (plan.Build<float>(), plan.Build<float>());
        Assert.NotSame(a.Model, b.Model);
        Assert.Equal(a.Model.Parameters.Select(p => p.ToArray()), b.Model.Parameters.Select(p => p.ToArray()));
        Assert.Equal(a.Train.Features.ToArray(), b.Train.Features.ToArray());
        Assert.Throws<ArgumentException>(() => plan.Build<double>());
    }

    [Fact]
    public void ASteppedFitSessionEndsWhereFitEnds()
    {
        var whole = Fitting.Fit(Line(), Settings());
        var session = Fitting.Start(Fitting.Plan(Line(), Settings()));
        while (!session.IsFinished) session.Step();
        var stepped = session.Outcome();
        Assert.Equal(whole.Model.Parameters.Select(p => p.Values), stepped.Model.Parameters.Select(p => p.Values));
        Assert.Equal(whole.TrainMetrics, stepped.TrainMetrics);
        Assert.Equal(whole.ValidationMetrics, stepped.ValidationMetrics);

        session.Reset();
        session.Run();
        Assert.Equal(whole.Model.Parameters.Select(p => p.Values), session.Outcome().Model.Parameters.Select(p => p.Values));
    }

    /// <summary>Issue 13: a resumed run with a schedule took epoch 4 at 0.003125 instead of 0.0125 (the schedule scaled the checkpoint's decayed rate).</summary>
    [Theory]
    [InlineData("step:1:0.5")]
    [InlineData("exponential:0.7")]
    [InlineData("cosine:6")]
    [InlineData("warmup:2+cosine:4")]
    public void ResumingWithAScheduleContinuesExactly(string schedule)
    {
        string dir = CliProcess.TempFolder();
        string checkpoint = Path.Combine(dir, "ck.json");
        var settings = Settings("linear", validation: 0) with { Optimizer = "sgd", Schedule = ScheduleSpec.Parse(schedule) };
        var whole = Fitting.Fit(Line(), settings with { Training = settings.Training with { Epochs = 6 } });
        Fitting.Fit(Line(), settings with { Training = settings.Training with { Epochs = 3 }, CheckpointPath = checkpoint });
        var resumed = Fitting.Fit(Line(), settings with { Training = settings.Training with { Epochs = 6 }, Resume = Checkpoint.Load(checkpoint) });
        Assert.Equal(whole.Result.History.Select(h => h.LearningRate), resumed.Result.History.Select(h => h.LearningRate));
        Assert.Equal(whole.Model.Parameters.Select(p => p.Values), resumed.Model.Parameters.Select(p => p.Values));
    }

    [Fact]
    public void FitPlanPrintsThePlanAndThePathWithoutTraining()
    {
        string dir = CliProcess.TempFolder();
        var (code, stdout, stderr) = CliProcess.Run(dir, "fit", "line", "--model", "mlp:4", "--loss", "huber", "--plan");
        Assert.True(code == 0, stderr);
        Assert.Contains("task: regression", stdout);
        Assert.Contains("gradient path: fused-network" + Environment.NewLine, stdout);
        Assert.False(File.Exists(Path.Combine(dir, "model.json")));
        // Looking at a plan writes nothing, so an existing model.json is no reason to refuse.
        File.WriteAllText(Path.Combine(dir, "model.json"), "{}");
        var central = CliProcess.Run(dir, "fit", "line", "--model", "linear", "--gradient", "central", "--plan");
        Assert.Equal(0, central.ExitCode);
        // A path that is not the fastest says why.
        Assert.Contains("gradient path: numerical-gradient (--gradient central", central.Stdout);
    }
}
