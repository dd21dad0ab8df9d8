using Downhill.Lab;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Downhill.Lab.Tests;

/// <summary>A test that needs Debian's Chromium; skipped, saying why, only where it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Where the tests look for the browser (Debian's package 'chromium'; .ci/run installs it).</summary>
    public const string Path = "/usr/bin/chromium";

    /// <summary>Skips the test when <see cref="Path"/> is missing.</summary>
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path)) Skip = $"{Path} is not installed (apt-get install chromium); the lab's browser tests need it.";
    }
}

/// <summary>The lab hosted in this process on a free loopback port, and one headless Chromium, shared by the tests of a class.</summary>
public sealed class LabBrowser : IAsyncLifetime
{
    private WebApplication? app;
    private IPlaywright? playwright;

    /// <summary>The lab's address.</summary>
    public string Url { get; private set; } = "";

    /// <summary>The browser every test opens its pages in.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: $DOWNHILL_LAB_SCREENSHOTS, else screenshots/ beside the test assembly.</summary>
    public static string ScreenshotFolder =>
        Environment.GetEnvironmentVariable("DOWNHILL_LAB_SCREENSHOTS") is { Length: > 0 } folder ? folder : System.IO.Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        // Without the browser every test is skipped; starting nothing keeps that fast.
        if (!File.Exists(ChromiumFactAttribute.Path)) return;
        // Generous waits: CI machines run the other test projects beside these, and a loaded machine answers in seconds, not milliseconds.
        Assertions.SetDefaultExpectTimeout(20_000);
        app = await LabServer.StartAsync("127.0.0.1", 0);
        Url = LabServer.Url(app);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.Path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
        });
    }

    /// <summary>A new tab on the lab, once its page is live (the circuit connected, not the prerendered copy).</summary>
    public async Task<IPage> OpenAsync(IBrowserContext? context = null)
    {
        var page = context is null ? await Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } }) : await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync(Url);
        await page.Locator("#lab[data-live='true']").WaitForAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        if (app is not null) await app.DisposeAsync();
    }
}
