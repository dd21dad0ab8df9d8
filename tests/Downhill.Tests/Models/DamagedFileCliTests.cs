using Downhill.Tests.Cli;

namespace Downhill.Tests.Models;

/// <summary>Damaged model files and oversized networks at the command line: one <c>error:</c> line, exit code 1, no stack trace.</summary>
public class DamagedFileCliTests
{
    private readonly string dir = CliProcess.TempFolder();

    private string Write(string name, string text)
    {
        File.WriteAllText(Path.Combine(dir, name), text);
        return name;
    }

    private void OneErrorLine(string[] args, string expected)
    {
        var (code, _, stderr) = CliProcess.Run(dir, args);
        Assert.Equal(1, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: ", Assert.Single(lines, l => !l.StartsWith("data: ", StringComparison.Ordinal)));
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void Predict_with_a_bias_of_empty_shape()
    {
        var model = StoredFiles.Json("linear");
        model["parameters"]![1]!["shape"] = new System.Text.Json.Nodes.JsonArray();
        OneErrorLine(["predict", Write("m.json", model.ToJsonString()), Write("t.csv", StoredFiles.Table)], "m.json: parameter \"bias\" stores 1 value in \"shape\": []");
    }

    [Fact]
    public void Evaluate_a_formula_with_no_features()
    {
        var model = StoredFiles.Json("formula");
        model["features"] = new System.Text.Json.Nodes.JsonArray();
        OneErrorLine(["evaluate", Write("m.json", model.ToJsonString()), Write("t.csv", StoredFiles.Table)], "m.json: field \"features\" is an empty list");
    }

    [Fact]
    public void Fit_an_mlp_of_forty_thousand_units()
    {
        OneErrorLine(["fit", Write("t.csv", "x,y\n1,2\n2,4\n3,6\n"), "--target", "y", "--model", "mlp:40000,40000"],
            "error: Network: mlp:40000,40000 on 1 input and 1 output has 1,600,160,001 parameters");
    }
}
