using System.Globalization;
using System.Text;
using Downhill.Data;
using Downhill.Training;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Downhill.Lab.Tests;

/// <summary>
/// The lab in a real browser, by real clicks: every number the page shows is compared with what
/// the library computes for the same setup, run here without the page.
/// </summary>
public sealed class LabPageTests(LabBrowser lab) : IClassFixture<LabBrowser>
{
    private static Dataset Line() => DataSource.Load("line", new DataOptions { Targets = ["y"] });

    /// <summary>The page's parameter as shown (round-trip format, so exact).</summary>
    private static async Task<double> Shown(IPage page, string name) =>
        double.Parse((await page.Locator($".param[data-name='{name}']").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);

    private static Task Updates(IPage page, long count) =>
        Expect(page.Locator("#position")).ToContainTextAsync($" {count} updates");

    private static async Task<(double M, double B)> Library(Func<FitSession, Task> drive)
    {
        var session = Fitting.Start(Fitting.Plan(Line(), new LabSetup().ToSettings()));
        await drive(session);
        var snapshot = session.Snapshot();
        return (snapshot.Parameters[Array.IndexOf(snapshot.Names, "m")][0], snapshot.Parameters[Array.IndexOf(snapshot.Names, "b")][0]);
    }

    [ChromiumFact]
    public async Task StepMovesMAndBByExactlyWhatTheLibraryComputes()
    {
        var page = await lab.OpenAsync();
        for (int i = 1; i <= 3; i++)
        {
            await page.ClickAsync("#step");
            await Updates(page, i);
            var expected = await Library(s => { for (int k = 0; k < i; k++) s.Step(); return Task.CompletedTask; });
            Assert.Equal(expected.M, await Shown(page, "m"));
            Assert.Equal(expected.B, await Shown(page, "b"));
        }
        // The spreadsheet row of the third step: the seed's third point (28, 86), per-sample and unshuffled.
        await Expect(page.Locator("#sample-table tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#sample-table tbody tr").Nth(2).Locator("td").First).ToHaveTextAsync("28");
    }

    [ChromiumFact]
    public async Task RunEpochFiveTimesEqualsFittingFitForFiveEpochs()
    {
        var page = await lab.OpenAsync();
        await Expect(page.Locator("#epochs")).ToHaveValueAsync("5");
        await page.ClickAsync("#run-epochs");
        await Updates(page, 5 * 20);
        var settings = new LabSetup().ToSettings();
        var fit = Fitting.Fit(Line(), settings with { Training = settings.Training with { Epochs = 5 } });
        Assert.Equal(fit.Model.Parameters.Single(p => p.Name == "m").Values[0], await Shown(page, "m"));
        Assert.Equal(fit.Model.Parameters.Single(p => p.Name == "b").Values[0], await Shown(page, "b"));
        await Expect(page.Locator("#epoch-log tbody tr")).ToHaveCountAsync(5);
    }

    [ChromiumFact]
    public async Task ResetRestoresTheStartExactly()
    {
        var page = await lab.OpenAsync();
        await page.ClickAsync("#step");
        await page.ClickAsync("#step");
        await Updates(page, 2);
        Assert.NotEqual(1.0, await Shown(page, "m"));
        await page.ClickAsync("#reset");
        await Updates(page, 0);
        Assert.Equal(1.0, await Shown(page, "m"));
        Assert.Equal(1.0, await Shown(page, "b"));
        await Expect(page.Locator("#path-length")).ToHaveAttributeAsync("data-count", "1");
        // And the run after a reset repeats the first one.
        await page.ClickAsync("#step");
        await Updates(page, 1);
        var expected = await Library(s => { s.Step(); return Task.CompletedTask; });
        Assert.Equal(expected.M, await Shown(page, "m"));
    }

    [ChromiumFact]
    public async Task ABadCsvShowsTheCliMessageAndKeepsThePreviousData()
    {
        var page = await lab.OpenAsync();
        var bad = Encoding.UTF8.GetBytes("x,y\n1,2\n3,four\n5,6\n");
        // The message the CLI prints for the same bytes ('downhill fit' reads files with Csv.Read too).
        var expected = Assert.ThrowsAny<Exception>(() => Csv.Read(new MemoryStream(bad), "bad.csv")).Message;
        await page.SetInputFilesAsync("#upload", new FilePayload { Name = "bad.csv", MimeType = "text/csv", Buffer = bad });
        await Expect(page.Locator("#error")).ToContainTextAsync(expected);
        await Expect(page.Locator("#data-name")).ToHaveTextAsync("line");
        // Training goes on with the seed's line.
        await page.ClickAsync("#step");
        await Updates(page, 1);
        Assert.Equal((await Library(s => { s.Step(); return Task.CompletedTask; })).M, await Shown(page, "m"));

        var good = Encoding.UTF8.GetBytes("x,y\n0,1\n1,3\n2,5\n3,7\n");
        await page.SetInputFilesAsync("#upload", new FilePayload { Name = "good.csv", MimeType = "text/csv", Buffer = good });
        await Expect(page.Locator("#data-name")).ToHaveTextAsync("good.csv");
        await Expect(page.Locator("#error")).ToHaveCountAsync(0);
    }

    [ChromiumFact]
    public async Task TheLandscapePathGrowsByOnePointPerStep()
    {
        var page = await lab.OpenAsync();
        // The path drawn on the chart, not only the count the page states.
        Task Drawn(int points) => page.WaitForFunctionAsync(
            $"() => document.getElementById('chart-landscape')?.data?.[1]?.x?.length === {points}", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        await Expect(page.Locator("#path-length")).ToHaveAttributeAsync("data-count", "1");
        await Drawn(1);
        for (int i = 1; i <= 3; i++)
        {
            await page.ClickAsync("#step");
            await Expect(page.Locator("#path-length")).ToHaveAttributeAsync("data-count", (i + 1).ToString(CultureInfo.InvariantCulture));
            await Drawn(i + 1);
        }
    }

    [ChromiumFact]
    public async Task AFormulaThatDoesNotParseShowsACaretUnderTheColumn()
    {
        var page = await lab.OpenAsync();
        await page.FillAsync("#model", "y = m*x + ");
        await Expect(page.Locator("#formula-error")).ToContainTextAsync("^");
        // The running model is kept: stepping still trains y = m*x + b.
        await page.ClickAsync("#step");
        await Updates(page, 1);
        await page.FillAsync("#model", "y = m*x + b");
        await Expect(page.Locator("#formula-error")).ToHaveCountAsync(0);
    }

    [ChromiumFact]
    public async Task TwoTabsDoNotSeeEachOthersState()
    {
        var first = await lab.OpenAsync();
        var second = await lab.OpenAsync();
        await first.ClickAsync("#step");
        await first.ClickAsync("#step");
        await Updates(first, 2);
        await Updates(second, 0);
        Assert.Equal(1.0, await Shown(second, "m"));
        await second.ClickAsync("#step");
        await Updates(second, 1);
        await Updates(first, 2);
    }

    [ChromiumFact]
    public async Task ScreenshotsOfEveryView()
    {
        var page = await lab.OpenAsync();
        await page.ClickAsync("#run-epochs");
        await Updates(page, 100);
        await page.ClickAsync("#step");
        await page.ClickAsync("#step");
        await page.ClickAsync("#check-gradient");
        await Expect(page.Locator("#gradient-table")).ToBeVisibleAsync();
        Directory.CreateDirectory(LabBrowser.ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = System.IO.Path.Combine(LabBrowser.ScreenshotFolder, "lab.png"), FullPage = true });
        foreach (var view in new[] { "view-fit", "view-landscape", "view-loss", "view-surface", "view-table", "view-epochs", "view-gradient", "view-takeaway" })
        {
            var file = System.IO.Path.Combine(LabBrowser.ScreenshotFolder, view + ".png");
            await page.Locator("#" + view).ScreenshotAsync(new LocatorScreenshotOptions { Path = file });
            Assert.True(new FileInfo(file).Length > 1000, $"{file} is nearly empty");
        }
    }
}
