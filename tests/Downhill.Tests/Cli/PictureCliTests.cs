using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Downhill.Tests.Plots;

namespace Downhill.Tests.Cli;

/// <summary>The picture options of fit, minimize and demo, run through the real executable.</summary>
public class PictureCliTests
{
    private readonly string dir = CliProcess.TempFolder();

    private string At(string name) => Path.Combine(dir, name);

    private static double[] Numbers(string line) =>
        line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void FitTraceEndsAtTheSavedModelAndFeedsSurfacePath()
    {
        var fit = CliProcess.Run(dir, "fit", "line", "--model", "y = m*x + b", "--lr", "0.5", "--epochs", "30", "--batch", "full",
            "--trace", "t.csv", "--plot", "curves.png", "--report", "r.html", "--size", "640x480", "--quiet");
        Assert.True(fit.ExitCode == 0, fit.Stderr);

        var lines = File.ReadAllLines(At("t.csv"));
        Assert.Equal("step,loss,m,b", lines[0]);
        Assert.Equal(31 + 1, lines.Length); // header, start, 30 full-batch updates
        var start = Numbers(lines[1]);
        Assert.Equal([0, 1, 1], new[] { start[0], start[2], start[3] });
        Assert.Equal(3196.9, start[1], 9); // the seed's first guess m = b = 1: MSE by hand over the 20 points of y = 2x + 30
        var model = JsonDocument.Parse(File.ReadAllText(At("model.json"))).RootElement.GetProperty("parameters");
        var last = Numbers(lines[^1]);
        Assert.Equal(model[0].GetProperty("values")[0].GetDouble(), last[2]);
        Assert.Equal(model[1].GetProperty("values")[0].GetDouble(), last[3]);

        PictureAssert.IsPicture(File.ReadAllBytes(At("curves.png")), 640, 480);
        string html = File.ReadAllText(At("r.html"));
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Contains("downhill fit line --model &quot;y = m*x + b&quot; --lr 0.5", html);
        var pngs = Regex.Matches(html, "data:image/png;base64,([^\"]+)").Select(m => Convert.FromBase64String(m.Groups[1].Value)).ToArray();
        Assert.Equal(4, pngs.Length); // loss curves, predicted against actual, residuals, surface with path
        foreach (var png in pngs) PictureAssert.IsPicture(png, 640, 480);

        var surface = CliProcess.Run(dir, "surface", "line", "--model", "y = m*x + b", "--grid", "m=0:4/21", "--grid", "b=0:35/21",
            "--plot", "s.png", "--path", "t.csv");
        Assert.True(surface.ExitCode == 0, surface.Stderr);
        PictureAssert.IsPicture(File.ReadAllBytes(At("s.png")), 800, 600);
    }

    [Fact]
    public void LinearTraceNamesMatrixElementsAsTheSurfaceGridDoes()
    {
        var fit = CliProcess.Run(dir, "fit", "line", "--model", "linear", "--optimizer", "sgd", "--lr", "0.1", "--batch", "full", "--epochs", "10",
            "--trace", "t.csv", "--quiet");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var lines = File.ReadAllLines(At("t.csv"));
        Assert.Equal("step,loss,\"weight[0,0]\",bias", lines[0]);
        Assert.Equal(12, lines.Length);
        var surface = CliProcess.Run(dir, "surface", "line", "--model", "linear", "--grid", "weight[0,0]=-0.5:1.5/11", "--grid", "bias=-1:1/11",
            "--plot", "s.png", "--path", "t.csv");
        Assert.True(surface.ExitCode == 0, surface.Stderr);
        PictureAssert.IsPicture(File.ReadAllBytes(At("s.png")), 800, 600);
    }

    [Theory]
    [InlineData("--plot", "curves.jpg", "--plot curves.jpg: '.jpg' is not a picture format; end the name in .png or .svg.")]
    [InlineData("--plot", "missing/curves.png", "--plot missing/curves.png: folder")]
    [InlineData("--report", "r.pdf", "--report r.pdf: the report is an HTML page; end the name in .html.")]
    [InlineData("--size", "800by600", "--size '800by600' is not WIDTHxHEIGHT")]
    public void BadPictureOptionsFailBeforeTraining(string option, string value, string message)
    {
        var fit = CliProcess.Run(dir, "fit", "line", "--model", "y = m*x + b", "--epochs", "2", option, value);
        Assert.Equal(1, fit.ExitCode);
        Assert.Contains(message, fit.Stderr);
        Assert.DoesNotContain("epoch 1", fit.Stdout);
        Assert.False(File.Exists(At("model.json")));
    }

    [Fact]
    public void TraceRefusesLargeModelsBeforeTraining()
    {
        var header = string.Join(",", Enumerable.Range(0, 40).Select(i => $"f{i}")) + ",y\n";
        var rows = string.Concat(Enumerable.Range(0, 10).Select(r => string.Join(",", Enumerable.Range(0, 41).Select(c => (r + c) % 7)) + "\n"));
        File.WriteAllText(At("wide.csv"), header + rows);
        var fit = CliProcess.Run(dir, "fit", "wide.csv", "--target", "y", "--model", "mlp:32", "--epochs", "2", "--trace", "t.csv");
        Assert.Equal(1, fit.ExitCode);
        Assert.Contains("more than the 1,000 a trace allows", fit.Stderr);
        Assert.DoesNotContain("epoch 1", fit.Stdout);
    }

    [Fact]
    public void RaceStartsEveryOptimizerFromTheSamePoint()
    {
        // One step on f = x^2 + y^2 from (1, 2) with lr 0.1, gradient (2, 4). By hand:
        // sgd and momentum (no velocity yet): (1, 2) - 0.1 (2, 4) = (0.8, 1.6);
        // adam's first step is lr * sign(g): (0.9, 1.9);
        // rmsprop: v = 0.01 g^2, step = lr g / sqrt(v) = 10 lr sign(g): (0, 1).
        var race = CliProcess.Run(dir, "minimize", "x^2 + y^2", "--start", "x=1,y=2", "--lr", "0.1", "--steps", "1",
            "--compare", "sgd,momentum,adam,rmsprop", "--plot", "race.png", "--size", "700x500");
        Assert.True(race.ExitCode == 0, race.Stderr);
        var ends = race.Stdout.Split('\n').Where(l => l.Contains('│')).Select(l => l.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(c => c.Length == 6 && c[0] != "optimizer").ToDictionary(c => c[0], c => (x: double.Parse(c[1], CultureInfo.InvariantCulture), y: double.Parse(c[2], CultureInfo.InvariantCulture)));
        Assert.Equal(["sgd", "momentum", "adam", "rmsprop"], ends.Keys);
        Assert.Equal((0.8, 1.6), Round(ends["sgd"]));
        Assert.Equal((0.8, 1.6), Round(ends["momentum"]));
        Assert.Equal((0.9, 1.9), Round(ends["adam"]));
        Assert.Equal((0.0, 1.0), Round(ends["rmsprop"]));
        PictureAssert.IsPicture(File.ReadAllBytes(At("race.png")), 700, 500);
    }

    private static (double, double) Round((double X, double Y) p) => (Math.Round(p.X, 5), Math.Round(p.Y, 5));

    [Fact]
    public void MinimizeDrawsOneAndTwoVariablesAndRefusesMore()
    {
        var bowl = CliProcess.Run(dir, "minimize", "(x - 3)^2", "--start", "x=-2", "--lr", "0.1", "--steps", "20", "--plot", "bowl.png");
        Assert.True(bowl.ExitCode == 0, bowl.Stderr);
        PictureAssert.IsPicture(File.ReadAllBytes(At("bowl.png")), 800, 600);

        var walk = CliProcess.Run(dir, "minimize", "(1 - x)^2 + 100*(y - x^2)^2", "--start", "x=-1.5,y=2", "--optimizer", "adam",
            "--lr", "0.05", "--steps", "100", "--plot", "walk.svg");
        Assert.True(walk.ExitCode == 0, walk.Stderr);
        PictureAssert.SvgTexts(File.ReadAllText(At("walk.svg")), 800, 600);

        var three = CliProcess.Run(dir, "minimize", "x^2 + y^2 + z^2", "--start", "x=1,y=1,z=1", "--plot", "w.png");
        Assert.Equal(1, three.ExitCode);
        Assert.Contains("--plot needs a function of 1 or 2 variables; 'x^2 + y^2 + z^2' has 3 (x, y, z)", three.Stderr);
    }

    [Fact]
    public void DemoWritesItsPicturesWhereAsked()
    {
        Directory.CreateDirectory(At("pics"));
        var demo = CliProcess.Run(dir, "demo", "--epochs", "20", "--pictures", "pics", "--size", "600x450");
        Assert.True(demo.ExitCode == 0, demo.Stderr);
        Assert.Contains(Path.Combine("pics", "demo-surface.png"), demo.Stdout);
        PictureAssert.IsPicture(File.ReadAllBytes(At("pics/demo-surface.png")), 600, 450);
        PictureAssert.IsPicture(File.ReadAllBytes(At("pics/demo-loss.png")), 600, 450);

        var none = CliProcess.Run(dir, "demo", "--epochs", "2", "--no-pictures");
        Assert.True(none.ExitCode == 0, none.Stderr);
        Assert.False(File.Exists(At("demo-surface.png")));

        var missing = CliProcess.Run(dir, "demo", "--epochs", "2", "--pictures", "nowhere");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--pictures nowhere: folder", missing.Stderr);
    }
}
