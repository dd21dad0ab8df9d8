using System.Globalization;
using System.Text.Json;
using Downhill.Data;
using Downhill.Models;

namespace Downhill.Tests.Cli;

/// <summary>
/// Every verb's <c>--json</c>, run as the real executable: stdout parses as JSON and nothing else, and
/// the numbers in it are the library's own (a saved model evaluated in this process) or a hand
/// computation (the seed's line, a parabola walked by plain gradient descent).
/// </summary>
public class JsonOutputTests
{
    private readonly string dir = CliProcess.TempFolder();

    private string At(string name) => Path.Combine(dir, name);

    private string Write(string name, string text)
    {
        File.WriteAllText(At(name), text);
        return At(name);
    }

    /// <summary>y = 3a - 2b + 5 + 0.05 a² plus noise: a linear model leaves a curve in the residuals.</summary>
    private static string Regression(int rows, int seed)
    {
        var rng = new Random(seed);
        var lines = Enumerable.Range(0, rows).Select(_ =>
        {
            double a = rng.NextDouble() * 10, b = rng.NextDouble() * 10 - 5;
            return FormattableString.Invariant($"{a:R},{b:R},{3 * a - 2 * b + 5 + 0.05 * a * a + rng.NextDouble() - 0.5:R}\n");
        });
        return "a,b,y\n" + string.Concat(lines);
    }

    /// <summary>Three classes along one feature that overlap, so precision and recall are neither 0 nor 1.</summary>
    private string Classes()
    {
        var rng = new Random(5);
        var lines = Enumerable.Range(0, 90).Select(i => FormattableString.Invariant($"r{i},{i % 3 * 1.0 + rng.NextDouble() * 1.6:R},{"abc"[i % 3]}\n"));
        return Write("c.csv", "name,size,kind\n" + string.Concat(lines));
    }

    private static JsonElement Parse(string stdout) => JsonDocument.Parse(stdout).RootElement; // throws on anything but one JSON value

    private static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    private static void SameMetrics(IReadOnlyDictionary<string, double> expected, JsonElement actual, double tolerance = 0)
    {
        Assert.Equal(expected.Keys.ToArray(), Keys(actual));
        foreach (var (k, v) in expected) Assert.Equal(v, actual.GetProperty(k).GetDouble(), tolerance);
    }

    [Fact]
    public void Fit_json_holds_the_train_validation_and_test_metrics_of_the_saved_model()
    {
        Write("train.csv", Regression(80, 1));
        Write("test.csv", Regression(30, 2));
        var fit = CliProcess.Run(dir, "fit", "train.csv", "--target", "y", "--model", "linear", "--lr", "0.05", "--epochs", "100",
            "--validation", "0.25", "--seed", "7", "--test", "test.csv", "--json", "--out", "m.json");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var root = Parse(fit.Stdout);
        Assert.Equal(["parameters", "loss", "epochs", "seconds", "path", "stopped_because", "explanation", "train", "validation", "test", "warnings"], Keys(root));
        Assert.Contains("test (test.csv): rmse", fit.Stderr);

        // The saved model measured here on the same rows: the test file exactly (the CLI did the same), the
        // fit's split within float32 rounding (the fit measured them in float32 as it trained).
        var predictor = new Predictor(ModelFile.Load(At("m.json")));
        var test = DataSource.Load(At("test.csv"), predictor.DataOptions(withTargets: true));
        SameMetrics(predictor.Evaluate(test), root.GetProperty("test"));
        var (train, validation) = DataSource.Load(At("train.csv"), predictor.DataOptions(withTargets: true)).Split(0.25, 7);
        SameMetrics(predictor.Evaluate(train), root.GetProperty("train"), 1e-4);
        SameMetrics(predictor.Evaluate(validation), root.GetProperty("validation"), 1e-4);
        Assert.Equal(root.GetProperty("loss").GetDouble(), root.GetProperty("train").GetProperty("loss").GetDouble());
    }

    [Fact]
    public void Fit_json_without_validation_or_test_writes_them_as_null()
    {
        var fit = CliProcess.Run(dir, "fit", "line", "--target", "y", "--model", "linear", "--epochs", "3", "--json", "--out", "m.json");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var root = Parse(fit.Stdout);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("validation").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("test").ValueKind);
        Assert.Equal(["rmse", "mae", "r2", "loss"], Keys(root.GetProperty("train")));
    }

    [Fact]
    public void Evaluate_json_gives_per_class_figures_and_the_confusion_matrix()
    {
        Classes();
        var fit = CliProcess.Run(dir, "fit", "c.csv", "--target", "kind", "--exclude", "name", "--model", "softmax", "--lr", "0.1", "--epochs", "40", "--quiet", "--out", "c.json");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var evaluate = CliProcess.Run(dir, "evaluate", "c.json", "c.csv", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var root = Parse(evaluate.Stdout);

        var predictor = new Predictor(ModelFile.Load(At("c.json")));
        var data = DataSource.Load(At("c.csv"), predictor.DataOptions(withTargets: true));
        var metrics = predictor.Evaluate(data);
        Assert.Equal([.. metrics.Keys, "classes", "confusion"], Keys(root));
        foreach (var (k, v) in metrics) Assert.Equal(v, root.GetProperty(k).GetDouble());

        // The confusion matrix counted here from the predictions, rows = true class, columns = predicted.
        string[] classes = predictor.File.Classes!;
        var predicted = predictor.Predict(data).Classes!;
        var counts = new int[3, 3];
        for (int i = 0; i < data.Count; i++) counts[Array.IndexOf(classes, data.ClassNames![data.Labels![i]]), predicted[i]]++;
        var confusion = root.GetProperty("confusion");
        Assert.Equal(classes, confusion.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).ToArray());
        var matrix = confusion.GetProperty("matrix");
        for (int a = 0; a < 3; a++)
            for (int p = 0; p < 3; p++) Assert.Equal(counts[a, p], matrix[a][p].GetInt32());
        Assert.True(Enumerable.Range(0, 3).Any(k => counts[k, k] < 30), "the classes overlap: some rows must be wrong for the figures to mean anything");

        var perClass = root.GetProperty("classes");
        Assert.Equal(classes, Keys(perClass));
        for (int k = 0; k < 3; k++)
        {
            int truly = Enumerable.Range(0, 3).Sum(p => counts[k, p]), called = Enumerable.Range(0, 3).Sum(a => counts[a, k]);
            double precision = called == 0 ? 0 : counts[k, k] / (double)called, recall = counts[k, k] / (double)truly;
            var c = perClass.GetProperty(classes[k]);
            Assert.Equal(["precision", "recall", "f1", "support"], Keys(c));
            Assert.Equal(precision, c.GetProperty("precision").GetDouble(), 1e-15);
            Assert.Equal(recall, c.GetProperty("recall").GetDouble(), 1e-15);
            Assert.Equal(precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall), c.GetProperty("f1").GetDouble(), 1e-15);
            Assert.Equal(30, c.GetProperty("support").GetInt32());
        }
    }

    [Fact]
    public void Evaluate_json_of_a_regression_has_no_class_figures()
    {
        Write("train.csv", Regression(40, 3));
        Assert.Equal(0, CliProcess.Run(dir, "fit", "train.csv", "--target", "y", "--epochs", "5", "--quiet", "--out", "m.json").ExitCode);
        var root = Parse(CliProcess.Run(dir, "evaluate", "m.json", "train.csv", "--json").Stdout);
        Assert.Equal(["rmse", "mae", "r2", "loss"], Keys(root));
    }

    [Fact]
    public void Evaluate_json_writes_a_loss_that_overflowed_as_null()
    {
        Write("train.csv", Regression(40, 6));
        Assert.Equal(0, CliProcess.Run(dir, "fit", "train.csv", "--target", "y", "--epochs", "2", "--quiet", "--out", "m.json").ExitCode);
        // Weights near float32's largest value: the predictions overflow to infinity, and so do the errors.
        var model = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(At("m.json")))!;
        model["parameters"]![0]!["values"] = new System.Text.Json.Nodes.JsonArray(3e38, 3e38);
        File.WriteAllText(At("huge.json"), model.ToJsonString());
        var evaluate = CliProcess.Run(dir, "evaluate", "huge.json", "train.csv", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var root = Parse(evaluate.Stdout);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("rmse").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("loss").ValueKind);
    }

    [Fact]
    public void Predict_json_writes_one_object_per_row_with_id_class_and_probabilities()
    {
        Classes();
        Assert.Equal(0, CliProcess.Run(dir, "fit", "c.csv", "--target", "kind", "--exclude", "name", "--model", "softmax", "--epochs", "5", "--quiet", "--out", "c.json").ExitCode);
        var predict = CliProcess.Run(dir, "predict", "c.json", "c.csv", "--id", "name", "--probabilities", "--json");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var lines = predict.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(90, lines.Length);

        var predictor = new Predictor(ModelFile.Load(At("c.json")));
        var expected = predictor.Predict(DataSource.Load(At("c.csv"), predictor.DataOptions(withTargets: false, id: "name")));
        string[] classes = expected.ClassNames!;
        for (int i = 0; i < lines.Length; i++)
        {
            var row = Parse(lines[i]);
            Assert.Equal(["id", "kind", "probabilities"], Keys(row));
            Assert.Equal($"r{i}", row.GetProperty("id").GetString());
            Assert.Equal(classes[expected.Classes![i]], row.GetProperty("kind").GetString());
            var p = row.GetProperty("probabilities");
            Assert.Equal(classes, Keys(p));
            for (int k = 0; k < classes.Length; k++) Assert.Equal(expected.Probabilities![i * classes.Length + k], p.GetProperty(classes[k]).GetDouble());
        }
    }

    [Fact]
    public void Predict_json_of_a_regression_gives_the_value_by_target_name()
    {
        Write("train.csv", Regression(40, 4));
        Assert.Equal(0, CliProcess.Run(dir, "fit", "train.csv", "--target", "y", "--epochs", "5", "--quiet", "--out", "m.json").ExitCode);
        Write("new.csv", "a,b\n1,2\n3,-4\n");
        var predict = CliProcess.Run(dir, "predict", "m.json", "new.csv", "--json", "--out", "p.jsonl");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        Assert.Equal("", predict.Stdout);
        var predictor = new Predictor(ModelFile.Load(At("m.json")));
        var expected = predictor.Predict(DataSource.Load(At("new.csv"), predictor.DataOptions(withTargets: false)));
        var rows = File.ReadAllLines(At("p.jsonl")).Select(Parse).ToArray();
        Assert.Equal(2, rows.Length);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(["y"], Keys(rows[i]));
            Assert.Equal(expected.Values[i], rows[i].GetProperty("y").GetDouble());
        }
    }

    [Fact]
    public void Sweep_json_gives_each_rate_its_losses_from_the_seed_start()
    {
        var sweep = CliProcess.Run(dir, "sweep", "line", "--target", "y", "--model", "y = m*x + b", "--optimizer", "sgd", "--batch", "full",
            "--lr", "1e-4,1e-3,1", "--epochs", "4", "--json", "--out", "s.csv");
        Assert.True(sweep.ExitCode == 0, sweep.Stderr);
        var root = Parse(sweep.Stdout);
        Assert.Equal(["optimizer", "epochs", "runs"], Keys(root));
        var runs = root.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal([1e-4, 1e-3, 1], runs.Select(r => r.GetProperty("learning_rate").GetDouble()).ToArray());
        // The CSV of the same runs, row by row: learning_rate,epoch,loss,diverged.
        var csv = File.ReadAllLines(At("s.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        foreach (var run in runs)
        {
            double rate = run.GetProperty("learning_rate").GetDouble();
            var losses = run.GetProperty("losses").EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Null ? double.NaN : l.GetDouble()).ToArray();
            var fromCsv = csv.Where(f => double.Parse(f[0], CultureInfo.InvariantCulture) == rate).Select(f => double.Parse(f[2], CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(fromCsv, losses);
        }
        // Epoch 1's loss is measured at the start m = b = 1: the seed's MSE by hand, 3196.9, for every rate.
        Assert.Equal(3196.9, runs[0].GetProperty("losses")[0].GetDouble(), 9);
        Assert.False(runs[0].GetProperty("diverged").GetBoolean());
        Assert.Equal(JsonValueKind.Null, runs[0].GetProperty("diverged_at_epoch").ValueKind);
        Assert.True(runs[2].GetProperty("diverged").GetBoolean(), "lr 1 on the raw seed line blows up");
        Assert.Equal(JsonValueKind.Number, runs[2].GetProperty("diverged_at_epoch").ValueKind);
    }

    [Fact]
    public void Surface_json_is_the_rmse_grid_of_the_seed_line()
    {
        var surface = CliProcess.Run(dir, "surface", "line", "--target", "y", "--model", "y = m*x + b", "--grid", "m=1:3:1", "--grid", "b=0:30:15", "--loss", "rmse", "--json");
        Assert.True(surface.ExitCode == 0, surface.Stderr);
        Assert.Contains("lowest rmse 0 at m = 2, b = 30", surface.Stderr);
        var root = Parse(surface.Stdout);
        Assert.Equal(["loss_name", "first", "second", "loss", "minimum"], Keys(root));
        Assert.Equal("m", root.GetProperty("first").GetProperty("name").GetString());
        Assert.Equal([0.0, 15, 30], root.GetProperty("second").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray());

        var line = DataSource.Load("line", new DataOptions { Targets = ["y"] });
        double[] x = line.Column("x"), y = line.Column("y");
        double[] ms = [1, 2, 3], bs = [0, 15, 30];
        var loss = root.GetProperty("loss");
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double rmse = Math.Sqrt(x.Zip(y, (a, t) => Math.Pow(ms[i] * a + bs[j] - t, 2)).Average());
                Assert.Equal(rmse, loss[i][j].GetDouble(), 1e-9);
            }
        var minimum = root.GetProperty("minimum");
        Assert.Equal([2.0, 30, 0], new[] { minimum.GetProperty("first").GetDouble(), minimum.GetProperty("second").GetDouble(), minimum.GetProperty("loss").GetDouble() });
    }

    [Fact]
    public void Gradcheck_json_is_printed_and_the_exit_code_kept_when_gradients_disagree()
    {
        string[] check = ["gradcheck", "line", "--target", "y", "--model", "y = m*x + b", "--json"];
        var pass = CliProcess.Run(dir, check);
        Assert.True(pass.ExitCode == 0, pass.Stderr);
        var root = Parse(pass.Stdout);
        Assert.Equal(["passes", "tolerance", "worst_relative_error", "seconds", "parameters"], Keys(root));
        Assert.True(root.GetProperty("passes").GetBoolean());
        var parameters = root.GetProperty("parameters").EnumerateArray().ToArray();
        Assert.Equal(["m", "b"], parameters.Select(p => p.GetProperty("name").GetString()!).ToArray());
        foreach (var p in parameters)
        {
            Assert.Equal(0, p.GetProperty("shape").GetArrayLength());
            Assert.Equal(p.GetProperty("analytic").GetDouble(), p.GetProperty("numeric").GetDouble(), 1e-4);
            Assert.True(p.GetProperty("passes").GetBoolean());
        }
        Assert.Equal(parameters.Max(p => p.GetProperty("worst_relative_error").GetDouble()), root.GetProperty("worst_relative_error").GetDouble());

        // No finite difference matches to 1e-300: every parameter fails, the object still comes, and the exit code says so.
        var fail = CliProcess.Run(dir, [.. check, "--tolerance", "1e-300"]);
        Assert.Equal(1, fail.ExitCode);
        var failed = Parse(fail.Stdout);
        Assert.False(failed.GetProperty("passes").GetBoolean());
        Assert.Equal(1e-300, failed.GetProperty("tolerance").GetDouble());
        Assert.Contains("exceeds the tolerance", fail.Stderr);
    }

    [Fact]
    public void Minimize_json_ends_where_plain_gradient_descent_on_a_parabola_must()
    {
        // x² from x = 1 with sgd at rate 0.1: each step multiplies x by 1 - 2*0.1, so after 20 steps x = 0.8^20.
        var walk = CliProcess.Run(dir, "minimize", "x^2", "--start", "x=1", "--optimizer", "sgd", "--lr", "0.1", "--steps", "20", "--json");
        Assert.True(walk.ExitCode == 0, walk.Stderr);
        var root = Parse(walk.Stdout);
        Assert.Equal(["optimizer", "start", "start_loss", "outcome", "message", "steps", "end", "loss", "gradient_norm", "seconds"], Keys(root));
        Assert.Equal("step_limit", root.GetProperty("outcome").GetString());
        Assert.Equal(20, root.GetProperty("steps").GetInt32());
        Assert.Equal(1, root.GetProperty("start").GetProperty("x").GetDouble());
        Assert.Equal(Math.Pow(0.8, 20), root.GetProperty("end").GetProperty("x").GetDouble(), 1e-15);
        Assert.Equal(Math.Pow(0.8, 40), root.GetProperty("loss").GetDouble(), 1e-15);
        Assert.Equal(2 * Math.Pow(0.8, 20), root.GetProperty("gradient_norm").GetDouble(), 1e-14);
        Assert.Contains("stopped after 20 steps", walk.Stderr);

        // Rate 5: x goes -9, 81, ... and blows up; the object still comes, with the diverged exit code.
        var blowUp = CliProcess.Run(dir, "minimize", "x^2", "--start", "x=1", "--optimizer", "sgd", "--lr", "5", "--steps", "50", "--json");
        Assert.Equal(3, blowUp.ExitCode);
        Assert.Equal("diverged", Parse(blowUp.Stdout).GetProperty("outcome").GetString());
    }

    [Fact]
    public void Minimize_compare_json_lists_each_racer()
    {
        var race = CliProcess.Run(dir, "minimize", "x^2 + 2*y^2", "--start", "x=1,y=1", "--lr", "0.1", "--steps", "30", "--compare", "sgd,adam", "--json");
        Assert.True(race.ExitCode == 0, race.Stderr);
        var root = Parse(race.Stdout);
        Assert.Equal(["start", "runs"], Keys(root));
        var runs = root.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(["sgd", "adam"], runs.Select(r => r.GetProperty("optimizer").GetString()!).ToArray());
        // sgd on x²: x = 0.8^30 after 30 steps, as for the lone walk.
        Assert.Equal(Math.Pow(0.8, 30), runs[0].GetProperty("end").GetProperty("x").GetDouble(), 1e-15);
        Assert.Equal(["x", "y"], Keys(runs[1].GetProperty("end")));
    }
}
