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
