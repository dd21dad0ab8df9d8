using System.Globalization;

namespace Downhill.Tests.Cli;

/// <summary>'-' as DATA reads standard input, so data can come down a pipe: <c>... | downhill predict m.json -</c>.</summary>
public class StandardInputTests
{
    private readonly string dir = CliProcess.TempFolder();

    // y = 2x + 1 exactly: the closed form must find it from a pipe as from a file.
    private const string Line = "x,y\n0,1\n1,3\n2,5\n3,7\n";

    [Fact]
    public void SolveFitPredictAndEvaluateReadDashAsStandardInput()
    {
        var solve = CliProcess.RunWithInput(dir, Line, "solve", "-", "--target", "y", "--json", "--out", "m.json");
        Assert.True(solve.ExitCode == 0, solve.Stderr);
        var s = System.Text.Json.JsonDocument.Parse(solve.Stdout).RootElement;
        Assert.Equal(2, s.GetProperty("weights").GetProperty("x").GetDouble(), 9);
        Assert.Equal(1, s.GetProperty("bias").GetDouble(), 9);

        var predict = CliProcess.RunWithInput(dir, "x\n10\n", "predict", "m.json", "-");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var lines = predict.Stdout.Trim().Split('\n');
        Assert.Equal("y", lines[0]);
        Assert.Equal(21, double.Parse(lines[1], CultureInfo.InvariantCulture), 9);

        var evaluate = CliProcess.RunWithInput(dir, Line, "evaluate", "m.json", "-", "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        Assert.Contains("\"rmse\":", evaluate.Stdout);

        var fit = CliProcess.RunWithInput(dir, Line, "fit", "-", "--target", "y", "--epochs", "2", "--out", "f.json");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        Assert.Contains("data: standard input: 4 rows, 1 features, target y", fit.Stdout);
    }

    [Fact]
    public void StandardInputServesOneInputOnly()
    {
        var (code, stdout, stderr) = CliProcess.RunWithInput(dir, Line, "fit", "-", "--target", "y", "--test", "-", "--out", "m.json");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal("error: DATA and --test are both - (standard input), which can be read only once; save one of them to a file.", stderr.Trim());
    }

    [Fact]
    public void EmptyStandardInputIsNamed()
    {
        var (code, _, stderr) = CliProcess.RunWithInput(dir, "", "solve", "-", "--target", "y");
        Assert.Equal(1, code);
        Assert.Equal("error: standard input is empty; expected a header row of column names and at least one data row.", stderr.Trim());
    }
}
