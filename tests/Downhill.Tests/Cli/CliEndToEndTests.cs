using System.Globalization;
using System.Text.Json;

namespace Downhill.Tests.Cli;

public class CliEndToEndTests
{
    private readonly string dir = CliProcess.TempFolder();

    private string Write(string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void DemoEndsNearTheSeedLine()
    {
        var (code, stdout, _) = CliProcess.Run(dir, "demo");
        Assert.Equal(0, code);
        var row = stdout.Split('\n').First(l => l.Contains("gradient descent") && l.Contains('│'));
        var cells = row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, double.Parse(cells[1], CultureInfo.InvariantCulture), 2);
        Assert.Equal(30, double.Parse(cells[2], CultureInfo.InvariantCulture), 1);
        Assert.Contains("closed form", stdout);
    }

    [Fact]
    public void FitPredictEvaluateRoundTripOnAFile()
    {
        // y = 3 a - 2 b + 5 exactly; a linear model must find it and predict new rows.
        var rows = Enumerable.Range(0, 40).Select(i => (a: i % 7 - 3.0, b: i % 5 * 0.5)).ToArray();
        Write("train.csv", "a,b,y\n" + string.Concat(rows.Select(r => FormattableString.Invariant($"{r.a},{r.b},{3 * r.a - 2 * r.b + 5}\n"))));
        Write("new.csv", "name,a,b\nfirst,1,1\nsecond,-2,0.5\n");
        var fit = CliProcess.Run(dir, "fit", "train.csv", "--target", "y", "--model", "linear", "--optimizer", "adam", "--lr", "0.1",
            "--epochs", "300", "--batch", "full", "--out", "m.json", "--history", "h.csv", "--quiet");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        Assert.Equal("epoch,train_loss,lr,seconds", File.ReadLines(Path.Combine(dir, "h.csv")).First());
        Assert.Equal(301, File.ReadLines(Path.Combine(dir, "h.csv")).Count());

        var predict = CliProcess.Run(dir, "predict", "m.json", "new.csv", "--id", "name");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var lines = predict.Stdout.Trim().Split('\n');
        Assert.Equal("name,y", lines[0]);
        Assert.Equal(6, double.Parse(lines[1].Split(',')[1], CultureInfo.InvariantCulture), 2);   // 3 - 2 + 5
        Assert.Equal(-2, double.Parse(lines[2].Split(',')[1], CultureInfo.InvariantCulture), 2);  // -6 - 1 + 5

        // Reloading the model gives bit-identical predictions.
        Assert.Equal(predict.Stdout, CliProcess.Run(dir, "predict", "m.json", "new.csv", "--id", "name").Stdout);

        var evaluate = CliProcess.Run(dir, "evaluate", "m.json", "train.csv", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var metrics = JsonDocument.Parse(evaluate.Stdout).RootElement;
        Assert.True(metrics.GetProperty("rmse").GetDouble() < 0.01);
        Assert.True(metrics.GetProperty("r2").GetDouble() > 0.9999);
        Assert.True(metrics.TryGetProperty("loss", out _));

        var solve = CliProcess.Run(dir, "solve", "train.csv", "--target", "y", "--json");
        var s = JsonDocument.Parse(solve.Stdout).RootElement;
        Assert.Equal(3, s.GetProperty("weights").GetProperty("a").GetDouble(), 9);
        Assert.Equal(-2, s.GetProperty("weights").GetProperty("b").GetDouble(), 9);
        Assert.Equal(5, s.GetProperty("bias").GetDouble(), 9);
    }

    [Fact]
    public void ClassifierPredictsClassNamesWithProbabilities()
    {
        var lines = Enumerable.Range(0, 60).Select(i => FormattableString.Invariant($"{i % 2 * 4 + (i % 3) * 0.1},{(i % 2 == 0 ? "small" : "big")}\n"));
        Write("c.csv", "size,kind\n" + string.Concat(lines));
        var fit = CliProcess.Run(dir, "fit", "c.csv", "--target", "kind", "--model", "logistic", "--optimizer", "sgd", "--lr", "0.5", "--epochs", "30", "--quiet", "--out", "c.json");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        Write("q.csv", "size\n0.1\n4.2\n");
        var p = CliProcess.Run(dir, "predict", "c.json", "q.csv", "--probabilities");
        var rows = p.Stdout.Trim().Split('\n');
        Assert.Equal("kind,p_big,p_small", rows[0]);
        Assert.StartsWith("small,", rows[1]);
        Assert.StartsWith("big,", rows[2]);
    }

    public static TheoryData<string, string[], string> BadInputs => new()
    {
        { "", ["fit", "missing.csv", "--target", "y"], "does not exist" },
        { "", ["fit", "empty.csv", "--target", "y"], "error: empty.csv is empty; expected a header row of column names and at least one data row." },
        { "", ["fit", "header.csv", "--target", "y"], "error: header.csv has a header row but no data rows; add at least one row of values below the header." },
        { "", ["fit", "good.csv", "--target", "z"], "error: good.csv: no target column \"z\" (the columns are: x, y)." },
        { "", ["fit", "bad.csv", "--target", "y"], "error: bad.csv line 3, column \"y\": \"abc\" is not a number" },
        { "", ["fit", "ragged.csv", "--target", "y"], "error: ragged.csv line 3: expected 2 fields like the header, got 1" },
        { "", ["fit", "nan.csv", "--target", "y"], "error: nan.csv: 1 cell is missing (empty, or NA, N/A, NaN, null, ? or -), at line 3 column \"y\". Fill them in, or choose what to do with them: --missing drop leaves those rows out;" },
        { "", ["fit", "good.csv", "--target", "y", "--exclude", "X"], "error: good.csv: no excluded column \"X\" (did you mean \"x\"? the columns are: x, y)." },
        { "", ["fit", "good.csv", "--target", "y", "--missing", "zero"], "--missing 'zero' is unknown; use error, drop, mean or median." },
        { "", ["fit", "one.csv", "--target", "y"], "error: one.csv has 1 data row; fitting needs at least 2." },
        { "", ["fit", "oneclass.csv", "--target", "label", "--model", "softmax"], "error: oneclass.csv: the target \"label\" has only one class" },
        { "", ["fit", "good.csv", "--model", "y = m*q + b"], "error: formula 'y = m*q + b': the right side uses no column of good.csv" },
        { "", ["fit", "good.csv", "--target", "y", "--out", "no/such/folder/m.json"], "folder" },
        { "", ["predict", "newer.json", "good.csv"], "has model format version 99, newer than this Downhill reads (version 1); upgrade Downhill to use it." },
        { "", ["fit", "good.csv", "--model", "y = (m*x + b"], "^ expected ')' to close the '(' at column 5" },
        { "", ["minimize", "x^2 + y^2", "--start", "x=1"], "y" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputGivesAClearErrorAndExitCode1(string _, string[] args, string message)
    {
        Write("empty.csv", "");
        Write("header.csv", "x,y\n");
        Write("good.csv", "x,y\n1,2\n2,4\n3,6\n");
        Write("bad.csv", "x,y\n1,2\n2,abc\n");
        Write("ragged.csv", "x,y\n1,2\n3\n");
        Write("nan.csv", "x,y\n1,2\n2,nan\n3,4\n");
        Write("one.csv", "x,y\n1,2\n");
        Write("oneclass.csv", "x,label\n1,a\n2,a\n");
        Write("newer.json", "{\"format\": \"downhill-model\", \"version\": 99}");
        var (code, _, stderr) = CliProcess.Run(dir, args);
        Assert.Equal(1, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void DivergenceExits3AndKeepsTheExistingModel()
    {
        var first = CliProcess.Run(dir, "fit", "line", "--target", "y", "--epochs", "2", "--quiet", "--out", "keep.json");
        Assert.Equal(0, first.ExitCode);
        var before = File.ReadAllText(Path.Combine(dir, "keep.json"));
        var (code, _, stderr) = CliProcess.Run(dir, "fit", "line", "--target", "y", "--optimizer", "sgd", "--lr", "100", "--batch", "1", "--epochs", "5", "--quiet", "--out", "keep.json");
        Assert.Equal(3, code);
        Assert.Contains("training diverged at epoch 1, batch ", stderr);
        Assert.Contains("Try a smaller learning rate", stderr);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, "keep.json")));
    }

    [Fact]
    public void MinimizeWritesATraceAndStopsAtTheMinimum()
    {
        var (code, stdout, stderr) = CliProcess.Run(dir, "minimize", "(1 - x)^2 + 100*(y - x^2)^2", "--start", "x=-1.5,y=2",
            "--optimizer", "adam", "--lr", "0.01", "--steps", "400", "--trace", "trace.csv");
        Assert.True(code == 0, stderr);
        var trace = File.ReadAllLines(Path.Combine(dir, "trace.csv"));
        Assert.Equal("step,loss,x,y", trace[0]);
        Assert.Equal(402, trace.Length); // header, start row, 400 steps
        var start = trace[1].Split(',');
        Assert.Equal(-1.5, double.Parse(start[2], CultureInfo.InvariantCulture));
        // Rosenbrock at (-1.5, 2): (2.5)^2 + 100 (2 - 2.25)^2 = 6.25 + 6.25
        Assert.Equal(12.5, double.Parse(start[1], CultureInfo.InvariantCulture), 12);
        Assert.Contains("stopped after 400 steps", stdout);

        var blowUp = CliProcess.Run(dir, "minimize", "x^2", "--start", "x=1", "--optimizer", "sgd", "--lr", "1.5", "--steps", "200", "--trace", "boom.csv");
        Assert.Equal(3, blowUp.ExitCode);
        Assert.Contains("diverged at step", blowUp.Stderr);
        Assert.True(File.ReadAllLines(Path.Combine(dir, "boom.csv")).Length > 10);
    }
}

public class CliMessageTests
{
    [Fact]
    public void ArgumentSuffixesFromDotNetAreStripped()
    {
        var e = new ArgumentOutOfRangeException("epochs", 0, "epochs = 0 is invalid: expected at least 1 epoch.");
        Assert.Equal("epochs = 0 is invalid: expected at least 1 epoch.", Downhill.Cli.Cli.Plain(e));
        Assert.Equal("bad x.", Downhill.Cli.Cli.Plain(new ArgumentException("bad x.", "x")));
    }
}

public class CliReproducibilityTests
{
    private readonly string dir = CliProcess.TempFolder();

    private void WriteData()
    {
        var rows = Enumerable.Range(0, 120).Select(i => FormattableString.Invariant($"{i % 11 * 0.3},{i % 7 - 3},{(i % 11 * 0.3) * 2 - (i % 7 - 3) + 1 + (i % 5) * 0.01}\n"));
        File.WriteAllText(Path.Combine(dir, "d.csv"), "a,b,y\n" + string.Concat(rows));
    }

    private static readonly string[] Fit = ["fit", "d.csv", "--target", "y", "--model", "mlp:6", "--activation", "tanh", "--batch", "16", "--seed", "7", "--quiet"];

    [Fact]
    public void TheSameCommandTwiceGivesTheSameModelFile()
    {
        WriteData();
        Assert.Equal(0, CliProcess.Run(dir, [.. Fit, "--epochs", "3", "--out", "one.json"]).ExitCode);
        Assert.Equal(0, CliProcess.Run(dir, [.. Fit, "--epochs", "3", "--out", "two.json"]).ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "one.json")), File.ReadAllText(Path.Combine(dir, "two.json")));
    }

    [Fact]
    public void ResumingFromACheckpointEqualsOneUninterruptedRun()
    {
        WriteData();
        Assert.Equal(0, CliProcess.Run(dir, [.. Fit, "--epochs", "6", "--out", "full.json"]).ExitCode);
        Assert.Equal(0, CliProcess.Run(dir, [.. Fit, "--epochs", "3", "--checkpoint", "ck.json", "--out", "half.json"]).ExitCode);
        var resumed = CliProcess.Run(dir, [.. Fit, "--epochs", "6", "--resume", "ck.json", "--out", "resumed.json"]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "full.json")), File.ReadAllText(Path.Combine(dir, "resumed.json")));
    }

    [Fact]
    public void TaskMakesNumericLabelsClasses()
    {
        File.WriteAllText(Path.Combine(dir, "c.csv"), "x,digit\n" + string.Concat(Enumerable.Range(0, 60).Select(i => $"{i % 3},{i % 3}\n")));
        var (code, stdout, stderr) = CliProcess.Run(dir, "fit", "c.csv", "--target", "digit", "--model", "mlp:4", "--task", "classification", "--epochs", "2", "--out", "c.json");
        Assert.True(code == 0, stderr);
        Assert.Contains("classification", stdout);
        Assert.Contains("\"classes\"", File.ReadAllText(Path.Combine(dir, "c.json")));
    }
}
