using Downhill.Data;
using Downhill.Models;
using Downhill.Optim;
using Downhill.Tests.Cli;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>Issue 13's silent wrong results, each reproduced: a result that is refused with the fix, or comes with a warning.</summary>
public class FitChecksTests
{
    /// <summary>Three separated gaussian blobs of 50 rows each in 4 features, like iris.</summary>
    private static Dataset Blobs()
    {
        var rng = new Random(5);
        var features = new double[150 * 4];
        var labels = new int[150];
        for (int i = 0; i < 150; i++)
        {
            labels[i] = i % 3;
            for (int j = 0; j < 4; j++) features[i * 4 + j] = 3 * labels[i] * (j % 2 == 0 ? 1 : -0.5) + rng.NextDouble();
        }
        return Dataset.Classification(["a", "b", "c", "d"], features, "kind", labels, ["x", "y", "z"], "blobs");
    }

    private static FitSettings Softmax(bool automatic, double? lr = null) => new()
    {
        Model = ModelSpec.Parse("softmax"),
        AutomaticEpochs = automatic,
        OptimizerSettings = new OptimizerSettings { LearningRate = lr },
    };

    [Fact]
    public void TheDefaultsTrainAnOrdinaryClassifierAndTenEpochsSaySoWhenTheyDoNot()
    {
        var auto = Fitting.Fit(Blobs(), Softmax(automatic: true));
        Assert.Equal(FitPlan.ChooseEpochs(150, null), auto.Result.History.Count);
        Assert.True(auto.TrainMetrics["accuracy"] >= 0.95, $"accuracy {auto.TrainMetrics["accuracy"]}");
        Assert.Empty(auto.Warnings);

        var ten = Fitting.Fit(Blobs(), Softmax(automatic: false));
        Assert.Equal(10, ten.Result.History.Count);
        Assert.Contains(ten.Warnings, w => w.Contains("not converged") || w.Contains("far from trained"));
    }

    [Fact]
    public void FitJsonCarriesTheWarningsInTheCommandLinesWords()
    {
        string dir = CliProcess.TempFolder();
        string text = "a,label\n" + string.Concat(Enumerable.Range(0, 100).Select(i => FormattableString.Invariant($"{i * 0.01},{i % 10}\n")));
        File.WriteAllText(Path.Combine(dir, "digits.csv"), text);
        var (code, stdout, stderr) = CliProcess.Run(dir, "fit", "digits.csv", "--target", "label", "--model", "mlp:3", "--epochs", "2", "--json", "--out", "m.json");
        Assert.True(code == 0, stderr);
        using var json = System.Text.Json.JsonDocument.Parse(stdout);
        var warnings = json.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToArray();
        Assert.Contains(warnings, w => w.Contains("add --task classification"));
    }

    [Fact]
    public void ALossThatEndsFarAboveItsStartIsReported()
    {
        var outcome = Fitting.Fit(Blobs(), Softmax(automatic: false, lr: 1e6));
        Assert.Equal(StopReason.Completed, outcome.Result.StoppedBecause);
        Assert.Contains(outcome.Warnings, w => w.Contains("rose from") && w.Contains("too large"));
    }

    [Fact]
    public void AutomaticEpochsAimForTwentyThousandUpdatesWithinLimits()
    {
        Assert.Equal(1000, FitPlan.ChooseEpochs(150, 32));     // 5 updates an epoch
        Assert.Equal(11, FitPlan.ChooseEpochs(60_000, 32));    // 1,875 updates an epoch
        Assert.Equal(10, FitPlan.ChooseEpochs(1_000_000, null)); // one update an epoch, but 10M rows seen in 10
        Assert.Equal(40, FitPlan.ChooseEpochs(250_000, null));
    }

    private static Dataset Csv(string text, string target, TargetKind kind = TargetKind.Auto)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        return Downhill.Data.Csv.Read(stream, "data.csv", new DataOptions { Targets = [target], TargetKind = kind });
    }

    [Fact]
    public void AContinuousTargetIsNotMadeIntoHundredsOfClasses()
    {
        string text = "x,y\n" + string.Concat(Enumerable.Range(0, 200).Select(i => FormattableString.Invariant($"{i * 0.1},{i * 0.37 + 1}\n")));
        var e = Assert.Throws<DataFileException>(() => Fitting.Plan(Csv(text, "y", TargetKind.Classification), Softmax(false)));
        Assert.Equal("data.csv: the target \"y\" has 200 different values in 200 rows, too many to be class labels (a class needs several rows to be learned), " +
            "and every one is a number: for a numeric target use FitSettings.Model = ModelSpec.Parse(\"linear\") or an mlp with DataOptions.TargetKind = TargetKind.Regression.", e.Message);
    }

    [Fact]
    public void OneTextCellInANumericTargetIsNamedInsteadOfMakingThousandsOfClasses() // 'n/a' itself is now a missing value (--missing)
    {
        string text = "x,y\n" + string.Concat(Enumerable.Range(0, 3000).Select(i => i == 1234 ? "5,about 7\n" : FormattableString.Invariant($"{i},{i * 0.5}\n")));
        var e = Assert.Throws<DataFileException>(() => Fitting.Plan(Csv(text, "y"), new FitSettings { Model = ModelSpec.Parse("mlp:4") }));
        Assert.Contains("All but 1 are numbers (\"about 7\")", e.Message);
        Assert.Contains("DataOptions.TargetKind = TargetKind.Regression", e.Message);
    }

    [Fact]
    public void NumericLabelsFittedAsRegressionAreNamed()
    {
        string text = "a,label\n" + string.Concat(Enumerable.Range(0, 100).Select(i => FormattableString.Invariant($"{i * 0.01},{i % 10}\n")));
        var plan = Fitting.Plan(Csv(text, "label"), new FitSettings { Model = ModelSpec.Parse("mlp:4") });
        Assert.Equal(TaskKind.Regression, plan.Task);
        var warning = Assert.Single(plan.Warnings);
        Assert.Contains("only the 10 whole numbers 0..9", warning);
        Assert.Contains("DataOptions.TargetKind = TargetKind.Classification", warning);
        Assert.Empty(Fitting.Plan(Csv(text, "label"), new FitSettings { Model = ModelSpec.Parse("linear") }).Warnings);
    }

    [Fact]
    public void EarlyStoppingWithoutValidationRowsIsRefused()
    {
        var settings = new FitSettings { Model = ModelSpec.Parse("linear"), Training = new TrainingOptions { EarlyStoppingPatience = 5 } };
        var e = Assert.Throws<SettingException>(() => Fitting.Plan(DataSource.Load("line"), settings));
        Assert.Contains("no rows are held out", e.Message);
        Assert.Equal("TrainingOptions.EarlyStoppingPatience", e.Setting);
        Fitting.Plan(DataSource.Load("line"), settings with { ValidationFraction = 0.2 });
    }

    [Fact]
    public void AValueBeyondFloat32IsNamedNotCalledADivergence()
    {
        var data = Csv("x,y\n1,2\n2,1e39\n3,5\n", "y");
        var e = Assert.Throws<DataFileException>(() => Fitting.Plan(data, new FitSettings { Model = ModelSpec.Parse("linear") }));
        Assert.Equal("data.csv: data row 2, column \"y\": 1E+39 is beyond float32's range (±3.4E+38); fit with FitSettings.Precision = Precision.Float64, or rescale the column.", e.Message);
        Fitting.Plan(data, new FitSettings { Model = ModelSpec.Parse("linear"), Precision = Precision.Float64 });
    }

    [Fact]
    public void AFormulaFittedOnTheLineSetEvaluatesOnIt()
    {
        string dir = CliProcess.TempFolder();
        var fit = CliProcess.Run(dir, "fit", "line", "--model", "y = m*x + b", "--optimizer", "lm", "--out", "m.json", "--quiet");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var evaluate = CliProcess.Run(dir, "evaluate", "m.json", "line", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        Assert.Contains("\"r2\":1", evaluate.Stdout.Replace(" ", ""));
    }

    [Fact]
    public void ALastUpdateThatBlowsUpKeepsTheGoodModelFile()
    {
        string dir = CliProcess.TempFolder();
        var good = CliProcess.Run(dir, "fit", "line", "--target", "y", "--model", "linear", "--out", "good.json", "--quiet");
        Assert.True(good.ExitCode == 0, good.Stderr);
        string before = File.ReadAllText(Path.Combine(dir, "good.json"));
        var bad = CliProcess.Run(dir, "fit", "line", "--target", "y", "--model", "linear", "--optimizer", "sgd", "--lr", "1e300",
            "--epochs", "1", "--batch", "full", "--out", "good.json");
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("infinite or NaN", bad.Stderr);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, "good.json")));
    }
}
