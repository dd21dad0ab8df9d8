using System.Text.Json;
using Downhill.Tests.Cli;

namespace Downhill.Tests.Formulas;

/// <summary>
/// The reproductions of issue 13 through the real executable, in its own process: a stack
/// overflow there ends that process with exit code 134 instead of the test run.
/// </summary>
public class LongFormulaCliTests
{
    private static string Sum(string term, int count) => string.Join("+", Enumerable.Repeat(term, count));

    [Fact]
    public void Minimize_walks_on_a_sum_of_20000_terms()
    {
        var dir = CliProcess.TempFolder();
        var (code, _, stderr) = CliProcess.Run(dir, "minimize", Sum("x", 20_000), "--start", "x=1",
            "--optimizer", "sgd", "--lr", "0.001", "--steps", "3", "--trace", "trace.csv");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        // The gradient is 20,000 everywhere, so each step moves x by 0.001*20000 = 20: 1, -19, -39, -59;
        // the loss is 20,000 x, added one term at a time (exact: integers).
        Assert.Equal(["step,loss,x", "0,20000,1", "1,-380000,-19", "2,-780000,-39", "3,-1180000,-59"],
            File.ReadAllLines(Path.Combine(dir, "trace.csv")));
    }

    [Fact]
    public void Minimize_of_a_bare_variable_walks_downhill_at_slope_one()
    {
        // x has gradient 1 everywhere and no minimum: gradient descent walks on, as PyTorch's
        // would, and stops at the step limit (or the divergence guard, given steps enough).
        var dir = CliProcess.TempFolder();
        var (code, stdout, stderr) = CliProcess.Run(dir, "minimize", "x", "--start", "x=1",
            "--optimizer", "sgd", "--lr", "0.5", "--steps", "4", "--trace", "trace.csv");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Equal(["step,loss,x", "0,1,1", "1,0.5,0.5", "2,0,0", "3,-0.5,-0.5", "4,-1,-1"],
            File.ReadAllLines(Path.Combine(dir, "trace.csv")));
        Assert.Contains("stopped after 4 steps (the limit) with gradient norm 1 >= tolerance", stdout);
    }

    [Fact]
    public void Nesting_100000_deep_from_a_response_file_is_one_short_error()
    {
        var dir = CliProcess.TempFolder();
        string formula = new string('(', 100_000) + "x" + new string(')', 100_000);
        File.WriteAllLines(Path.Combine(dir, "args.rsp"), ["minimize", formula, "--start", "x=1"]);
        var (code, stdout, stderr) = CliProcess.Run(dir, "@args.rsp");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("^ the formula nests 100000 levels deep; the limit is 256 ", stderr);
        Assert.True(stderr.Length < 1000, $"{stderr.Length} characters of error");
    }

    [Fact]
    public void Predict_reads_a_model_file_whose_formula_has_40000_terms()
    {
        var dir = CliProcess.TempFolder();
        var model = new Dictionary<string, object>
        {
            ["format"] = "downhill-model",
            ["version"] = 1,
            ["task"] = "regression",
            ["kind"] = "formula",
            ["formula"] = "y = b*x + " + Sum("c", 40_000),
            ["loss"] = "mse",
            ["precision"] = "float64",
            ["features"] = new[] { "x" },
            ["targets"] = new[] { "y" },
            ["parameters"] = new[]
            {
                new { name = "b", shape = Array.Empty<int>(), values = new[] { 2.0 } },
                new { name = "c", shape = Array.Empty<int>(), values = new[] { 0.25 } },
            },
        };
        File.WriteAllText(Path.Combine(dir, "model.json"), JsonSerializer.Serialize(model));
        File.WriteAllText(Path.Combine(dir, "new.csv"), "x\n1\n-3\n");
        var (code, _, stderr) = CliProcess.Run(dir, "predict", "model.json", "new.csv", "--out", "p.csv");
        Assert.True(code == 0, $"exit {code}: {stderr}");
        // 2x plus 40,000 quarters (exact in double): 2 + 10000 and -6 + 10000.
        Assert.Equal(["y", "10002", "9994"], File.ReadAllLines(Path.Combine(dir, "p.csv")));
    }
}
