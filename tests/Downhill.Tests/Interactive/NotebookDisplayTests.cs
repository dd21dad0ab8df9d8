using System.Globalization;
using System.Text.RegularExpressions;
using Downhill.Data;
using Downhill.Interactive;
using Downhill.Models;
using Downhill.Plots;
using Downhill.Training;
using Microsoft.DotNet.Interactive.Formatting;

namespace Downhill.Tests.Interactive;

/// <summary>
/// What a notebook shows: the HTML .NET Interactive's formatter produces once
/// <see cref="NotebookDisplay.Register"/> ran, read back for its picture and table cells.
/// </summary>
public sealed class NotebookDisplayTests
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    static NotebookDisplayTests() => NotebookDisplay.Register();

    private static FitOutcome SeedsLine() => Fitting.Fit(DataSource.Load("line", new DataOptions { Targets = ["y"] }), new FitSettings
    {
        Model = ModelSpec.Parse("y = m*x + b"), Optimizer = Fitting.LevenbergMarquardtName,
    });

    private static string Cell(double v) => $"<td>{v.ToString("G6", CultureInfo.InvariantCulture)}</td>";

    /// <summary>The embedded pictures, decoded.</summary>
    private static List<byte[]> Pictures(string html) =>
        [.. Regex.Matches(html, "src=\"data:image/png;base64,([^\"]+)\"").Select(m => Convert.FromBase64String(m.Groups[1].Value))];

    [Fact]
    public void A_fit_outcome_shows_its_loss_curves_and_its_parameters()
    {
        var outcome = SeedsLine();
        string html = outcome.ToDisplayString(HtmlFormatter.MimeType);
        var picture = Assert.Single(Pictures(html));
        Assert.Equal(PngSignature, picture[..8]);
        Assert.StartsWith("<div class=\"downhill\">\n<h3>Fit of y = m*x + b</h3>", html);
        foreach (var p in outcome.Model.Parameters)
            Assert.Contains($"<tr><td>{p.Name}</td><td>scalar</td>{Cell(p.Values[0])}</tr>", html);
        Assert.Contains($"<tr><td>rmse</td>{Cell(outcome.TrainMetrics["rmse"])}</tr>", html);
        // The seeds' line: y = 2x + 30 within the rounding of the shown digits.
        Assert.Equal(2, outcome.Model.Parameters.Single(p => p.Name == "m").Values[0], 1e-6);
        Assert.Equal(30, outcome.Model.Parameters.Single(p => p.Name == "b").Values[0], 1e-6);
    }

    [Fact]
    public void A_linear_model_shows_its_weights_in_the_data_units()
    {
        var data = DataSource.Load("line", new DataOptions { Targets = ["y"] });
        var model = Fitting.Fit(data, new FitSettings { Model = ModelSpec.Parse("linear"), Training = new TrainingOptions { Epochs = 200 } }).Model;
        string html = model.ToDisplayString(HtmlFormatter.MimeType);
        var (weights, bias) = model.WeightsInDataUnits()!.Value;
        Assert.Contains($"<tr><td>x</td>{Cell(weights[0, 0])}</tr>", html);
        Assert.Contains($"<tr><td>bias</td>{Cell(bias[0])}</tr>", html);
        Assert.Contains("<tr><th>scaler</th><td>standard (features and targets)</td></tr>", html);
        Assert.Empty(Pictures(html));
    }

    [Fact]
    public void Names_are_escaped_as_html()
    {
        var data = Dataset.Classification(["a<b"], [0, 1, 2, 3, 4, 5], "kind", [0, 0, 0, 1, 1, 1], ["small & <low>", "big"]);
        var model = Fitting.Fit(data, new FitSettings { Model = ModelSpec.Parse("logistic"), Training = new TrainingOptions { Epochs = 5 } }).Model;
        string html = model.ToDisplayString(HtmlFormatter.MimeType);
        Assert.Contains("<tr><th>classes</th><td>small &amp; &lt;low&gt;, big</td></tr>", html);
        Assert.Contains("<td>a&lt;b</td>", html);
        Assert.DoesNotContain("<low>", html);
    }

    [Fact]
    public void A_figure_shows_as_its_picture_at_the_notebook_size()
    {
        var figure = TrainingPictures.LossCurves(SeedsLine());
        var picture = Assert.Single(Pictures(figure.ToDisplayString(HtmlFormatter.MimeType)));
        Assert.Equal(figure.ToPng(NotebookDisplay.PictureSize), picture);
    }
}
