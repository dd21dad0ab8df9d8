using System.Globalization;
using System.Text.Json;
using Downhill.Models;
using Downhill.Tests.Cli;
using Downhill.Tests.Data;

namespace Downhill.Tests.Training;

/// <summary><c>downhill fit --json</c> run as the real executable: one JSON object on stdout, values from an independent closed form.</summary>
public sealed class FitJsonTests
{
    [Fact]
    public void Fit_json_prints_one_object_with_parameters_standard_errors_and_the_stop()
    {
        using var folder = new TempFolder();
        double[] x = [0, 1, 2, 3, 4, 5, 6, 7];
        double[] y = x.Select((v, i) => 2 * v + 1 + (i % 2 == 0 ? 0.1 : -0.1)).ToArray();
        string csv = folder.Write("line.csv", "x,y\n" + string.Concat(x.Zip(y, (a, b) =>
            $"{a.ToString(CultureInfo.InvariantCulture)},{b.ToString("R", CultureInfo.InvariantCulture)}\n")));
        string modelPath = Path.Combine(folder.Path, "model.json");

        var (code, stdout, stderr) = Run("fit", csv, "--model", "y = m*x + b", "--optimizer", "lm", "--json", "--out", modelPath);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout); // throws when anything but one JSON value is on stdout
        var root = doc.RootElement;
        Assert.Equal(["parameters", "standard_errors", "rss", "loss", "iterations", "seconds", "path", "stopped_because", "explanation", "train", "validation", "test", "warnings"],
            root.EnumerateObject().Select(p => p.Name).ToArray());

        // Closed-form straight line: m = Sxy/Sxx, b = ȳ - m x̄, se(m) = σ/sqrt(Sxx), se(b) = σ sqrt(1/n + x̄²/Sxx).
        int n = x.Length;
        double xBar = x.Average(), yBar = y.Average(), sxx = x.Sum(v => (v - xBar) * (v - xBar));
        double m = x.Zip(y, (a, c) => (a - xBar) * (c - yBar)).Sum() / sxx, b = yBar - m * xBar;
        double rss = x.Zip(y, (a, c) => (c - m * a - b) * (c - m * a - b)).Sum();
        double sigma = Math.Sqrt(rss / (n - 2));
        Assert.Equal(m, root.GetProperty("parameters").GetProperty("m").GetDouble(), 1e-10);
        Assert.Equal(b, root.GetProperty("parameters").GetProperty("b").GetDouble(), 1e-10);
        Assert.Equal(sigma / Math.Sqrt(sxx), root.GetProperty("standard_errors").GetProperty("m").GetDouble(), 1e-10);
        Assert.Equal(sigma * Math.Sqrt(1.0 / n + xBar * xBar / sxx), root.GetProperty("standard_errors").GetProperty("b").GetDouble(), 1e-10);
        Assert.Equal(rss, root.GetProperty("rss").GetDouble(), 1e-10);
        Assert.Equal(rss / n, root.GetProperty("loss").GetDouble(), 1e-10);
        Assert.Equal(rss / n, root.GetProperty("train").GetProperty("loss").GetDouble(), 1e-10);
        Assert.Equal(Math.Sqrt(rss / n), root.GetProperty("train").GetProperty("rmse").GetDouble(), 1e-10);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("validation").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("test").ValueKind);
        Assert.InRange(root.GetProperty("iterations").GetInt32(), 1, 100);
        Assert.True(root.GetProperty("seconds").GetDouble() >= 0);
        Assert.Contains(root.GetProperty("stopped_because").GetString(), new[] { "small_reduction", "small_step", "small_reduction_and_step", "small_gradient", "machine_precision" });

        var saved = ModelFile.Load(modelPath);
        Assert.Equal(rss, saved.Statistics!.Rss, 1e-10);
        Assert.Equal(n - 2, saved.Statistics.DegreesOfFreedom);
    }

    [Fact]
    public void Fit_json_after_a_gradient_method_reports_epochs()
    {
        using var folder = new TempFolder();
        string csv = folder.Write("line.csv", "x,y\n0,1\n1,3.1\n2,4.9\n3,7\n");
        var (code, stdout, stderr) = Run("fit", csv, "--model", "y = m*x + b", "--optimizer", "lbfgs", "--batch", "full",
            "--epochs", "3", "--json", "--out", Path.Combine(folder.Path, "model.json"));
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("epochs").GetInt32());
        Assert.False(root.TryGetProperty("iterations", out _));
        Assert.Equal("completed", root.GetProperty("stopped_because").GetString());
        Assert.True(root.TryGetProperty("standard_errors", out _));
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args) =>
        CliProcess.Run(Path.GetTempPath(), args);
}
