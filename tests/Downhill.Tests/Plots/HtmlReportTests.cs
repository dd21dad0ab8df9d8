using System.Text.RegularExpressions;
using Downhill.Experiments;
using Downhill.Plots;

namespace Downhill.Tests.Plots;

public partial class HtmlReportTests
{
    [GeneratedRegex("""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    static HtmlReport Sample()
    {
        var curve = new EpochCurve("training", [1, 2, 3], [3, 2, 1]);
        return new HtmlReport("Fit <script>alert(1)</script>")
            .AddSettings("downhill fit data.csv --formula \"y = m*x + b\"", [new("learning rate", "0.01"), new("<b>", "a & b")])
            .AddSection("Loss")
            .AddText("First paragraph <script>x</script>\n\nSecond paragraph")
            .AddTable(["epoch", "loss"], [["1", "3"], ["2", "<2>"]])
            .AddFigure(Draw.LossCurves(curve), "loss per epoch")
            .AddFigure(Draw.LossCurves(curve), "the same as SVG", asSvg: true);
    }

    [Fact]
    public void Report_is_self_contained()
    {
        string html = Sample().ToHtml();
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.DoesNotContain("<link", html);
        Assert.DoesNotContain("@import", html);
    }

    [Fact]
    public void Report_escapes_all_text()
    {
        string html = Sample().ToHtml();
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("Fit &lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("First paragraph &lt;script&gt;x&lt;/script&gt;", html);
        Assert.Contains("<td>&lt;2&gt;</td>", html);
        Assert.Contains("<th>&lt;b&gt;</th><td>a &amp; b</td>", html);
        Assert.Contains("--formula &quot;y = m*x + b&quot;", html);
    }

    [Fact]
    public void Report_embeds_the_pictures()
    {
        string html = Sample().ToHtml();
        var match = Regex.Match(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
        Assert.True(match.Success, "no embedded PNG");
        PictureAssert.IsPicture(Convert.FromBase64String(match.Groups[1].Value), 800, 600);
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("<?xml", html);
        Assert.Equal(2, Regex.Matches(html, "<figure>").Count);
    }

    [Fact]
    public void Inline_svgs_do_not_share_ids()
    {
        var grid = Samples.SeedGrid();
        string html = new HtmlReport("two surfaces")
            .AddFigure(Draw.LossSurface(grid), "one", asSvg: true)
            .AddFigure(Draw.LossSurface(grid), "two", asSvg: true)
            .ToHtml();
        string[] ids = Regex.Matches(html, "id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());
        foreach (Match reference in Regex.Matches(html, "(?:href=\"#|url\\(#)([^\")]+)"))
            Assert.Contains(reference.Groups[1].Value, ids);
        Assert.Equal(2, Regex.Matches(html, "<svg viewBox=\"0 0 800 600\"").Count);
    }

    [Fact]
    public void Save_writes_the_same_page()
    {
        string folder = Directory.CreateTempSubdirectory("downhill-report-").FullName;
        try
        {
            string path = Path.Combine(folder, "report.html");
            var report = Sample();
            report.Save(path);
            Assert.Equal(report.ToHtml(), File.ReadAllText(path));
            Assert.Single(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Table_rows_must_match_the_headers()
    {
        var error = Assert.Throws<ArgumentException>(() => new HtmlReport("r").AddTable(["a", "b"], [["1", "2"], ["3"]]));
        Assert.StartsWith("table row 2 has 1 cells but there are 2 headers", error.Message);
    }
}
