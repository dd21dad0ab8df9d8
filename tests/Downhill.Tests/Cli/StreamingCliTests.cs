using System.Globalization;
using System.Text.Json;
using Downhill.Data;

namespace Downhill.Tests.Cli;

/// <summary>
/// <c>--stream</c> on the command line gives what reading the file whole gives: the same
/// predictions byte for byte, the same closed form to 1e-10, and a Parquet file is accepted
/// wherever a CSV file is. What cannot stream is refused with the flag to change.
/// </summary>
public sealed class StreamingCliTests : Data.TempFolderTests
{
    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => CliProcess.Run(Dir, args);

    private void WriteData(bool classes)
    {
        var text = new System.Text.StringBuilder("name,a,b,y\n");
        var rng = new Random(31);
        for (int i = 0; i < 3000; i++)
        {
            double a = rng.NextDouble(), b = rng.NextDouble();
            string y = classes ? (a > b ? "up" : "down") : (3 * a - 2 * b + 0.1 * rng.NextDouble()).ToString("R", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"r{i},{a.ToString("R", CultureInfo.InvariantCulture)},{b.ToString("R", CultureInfo.InvariantCulture)},{y}\n");
        }
        File.WriteAllText(Path.Combine(Dir, "data.csv"), text.ToString());
    }

    [Fact]
    public void StreamedPredictionsAreTheInMemoryOnesByteForByte()
    {
        WriteData(classes: true);
        var fit = Run("fit", "data.csv", "--target", "y", "--id", "name", "--model", "softmax", "--epochs", "2", "--quiet", "--out", "m.json");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var memory = Run("predict", "m.json", "data.csv", "--id", "name", "--probabilities", "--out", "p1.csv");
        var streamed = Run("predict", "m.json", "data.csv", "--id", "name", "--probabilities", "--out", "p2.csv", "--stream");
        Assert.True(memory.ExitCode == 0 && streamed.ExitCode == 0, memory.Stderr + streamed.Stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(Dir, "p1.csv")), File.ReadAllText(Path.Combine(Dir, "p2.csv")));
        Assert.Contains("3000 predictions written", streamed.Stderr);
    }

    [Fact]
    public void StreamedSolveMatchesTheInMemoryOneTo1e10()
    {
        WriteData(classes: false);
        var memory = Run("solve", "data.csv", "--target", "y", "--exclude", "name", "--json");
        var streamed = Run("solve", "data.csv", "--target", "y", "--exclude", "name", "--json", "--stream");
        Assert.True(memory.ExitCode == 0 && streamed.ExitCode == 0, memory.Stderr + streamed.Stderr);
        using var expected = JsonDocument.Parse(memory.Stdout);
        using var actual = JsonDocument.Parse(streamed.Stdout);
        foreach (var name in new[] { "a", "b" })
        {
            double e = expected.RootElement.GetProperty("weights").GetProperty(name).GetDouble();
            Assert.Equal(e, actual.RootElement.GetProperty("weights").GetProperty(name).GetDouble(), Math.Abs(e) * 1e-10);
        }
        Assert.Contains("streaming data.csv: --stream", streamed.Stderr);
    }

    [Fact]
    public async Task AParquetFileIsFittedStreamedAndInMemoryAlike()
    {
        WriteData(classes: false);
        var data = Csv.Read(Path.Combine(Dir, "data.csv"), new DataOptions { Targets = ["y"], Exclude = ["name"] });
        await Data.ChunkSourceTests.WriteParquet(data, Path.Combine(Dir, "data.parquet"), groups: 3);
        string[] fit = ["fit", "data.parquet", "--target", "y", "--model", "linear", "--epochs", "2", "--batch", "64", "--quiet"];
        var memory = Run([.. fit, "--out", "m1.json"]);
        var streamed = Run([.. fit, "--out", "m2.json", "--stream"]);
        Assert.True(memory.ExitCode == 0 && streamed.ExitCode == 0, memory.Stderr + streamed.Stderr);
        var plan = Run([.. fit, "--stream", "--plan"]);
        Assert.Contains("3,000 rows to train, streamed: 3 parts", plan.Stdout);
        var predict = Run("predict", "m2.json", "data.parquet");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        Assert.Equal(3001, predict.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("--optimizer", "lbfgs", "--optimizer lbfgs")]
    [InlineData("--validation", "0.2", "--validation")]
    [InlineData("--batch", "full", "batch size")]
    public void WhatCannotStreamIsRefusedNamingTheFlag(string flag, string value, string named)
    {
        WriteData(classes: false);
        var run = Run("fit", "data.csv", "--target", "y", "--exclude", "name", "--model", "linear", flag, value, "--stream", "--out", "m.json");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(named, run.Stderr);
        Assert.Contains("instead of streaming", run.Stderr);
        Assert.False(File.Exists(Path.Combine(Dir, "m.json")));
    }
}
