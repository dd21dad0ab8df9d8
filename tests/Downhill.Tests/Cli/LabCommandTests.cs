using System.Net;
using System.Net.Sockets;

namespace Downhill.Tests.Cli;

/// <summary>'downhill lab' refuses what it cannot serve before it starts, and says what to do.</summary>
public class LabCommandTests
{
    [Theory]
    [InlineData("--port", "70000", "--port 70000 is invalid; give 0 (any free port) or a port from 1 to 65535.")]
    [InlineData("--host", "bad host!", "--host 'bad host!' is not an address or host name; give 127.0.0.1 (this machine only) or 0.0.0.0 (every network).")]
    public void BadOptionsAreOneLineWithTheFix(string option, string value, string message)
    {
        var (code, _, stderr) = CliProcess.Run(CliProcess.TempFolder(), "lab", option, value, "--no-browser");
        Assert.Equal(1, code);
        Assert.Equal($"error: {message}", stderr.Trim());
    }

    /// <summary>With --host 0.0.0.0 the lab printed http://0.0.0.0:PORT, which browsers do not open.</summary>
    [Fact]
    public async Task AWildcardHostPrintsAddressesABrowserOpens()
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = CliProcess.TempFolder() };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "downhill.dll"), "lab", "--host", "0.0.0.0", "--port", "0", "--no-browser" }) info.ArgumentList.Add(a);
        using var lab = System.Diagnostics.Process.Start(info)!;
        try
        {
            string line = await lab.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? "(the lab ended without printing)";
            Assert.Matches(@"^Downhill lab: http://127\.0\.0\.1:\d+/ \(this machine\), http://[^/:]+:\d+/ \(other machines\)$", line);
            Assert.DoesNotContain("0.0.0.0", line);
            // The printed address answers.
            using var http = new System.Net.Http.HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var page = await http.GetAsync(line.Split(' ')[2]);
            Assert.True(page.IsSuccessStatusCode, $"{line.Split(' ')[2]} answered {page.StatusCode}");
        }
        finally { lab.Kill(true); }
    }

    [Fact]
    public void APortInUseIsNamedWithTheWayOut()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, _, stderr) = CliProcess.Run(CliProcess.TempFolder(), "lab", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-browser");
        Assert.Equal(1, code);
        Assert.StartsWith($"error: the lab could not listen on 127.0.0.1:{port} (", stderr.Trim());
        Assert.EndsWith("choose another --port, or --port 0 for any free one.", stderr.Trim());
    }

    [Fact]
    public void HelpSaysHowToStartIt()
    {
        var (code, stdout, _) = CliProcess.Run(CliProcess.TempFolder(), "lab", "--help");
        Assert.Equal(0, code);
        Assert.Contains("downhill lab --port 8080 --no-browser", stdout);
        Assert.Contains("--no-browser", stdout);
    }
}
