using System.Diagnostics;
using System.Net;
using Downhill.Lab;
using Microsoft.Extensions.Hosting;

namespace Downhill.Cli.Commands;

/// <summary>
/// <c>downhill lab</c>: starts the lab (the seed spreadsheet made live, in the browser) in this
/// process, prints its address and serves until Ctrl+C. The lab itself lives in Downhill.Lab.
/// </summary>
internal static class LabCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port to listen on; 0 picks a free one (the default).", DefaultValueFactory = _ => 0 };
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on (default 127.0.0.1: this machine only). Anything else, such as 0.0.0.0, lets other machines " +
                "run training on this one: the lab has no login.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Only print the address; do not try to open a browser." };
        var command = new Command("lab",
            "Start the lab: fit a line, a formula or a network in the browser, step by step, and watch the descent live " +
            "(the seed spreadsheet's table, the loss landscape with the path, the loss curve, your own CSV).\n" +
            "Example: downhill lab            (then open the printed address)\n" +
            "         downhill lab --port 8080 --no-browser")
        {
            port, host, noBrowser,
        };
        command.SetAction(r => Run(r.GetValue(host)!, r.GetValue(port), !r.GetValue(noBrowser)));
        return command;
    }

    private static int Run(string host, int port, bool openBrowser)
    {
        if (port is < 0 or > 65535) throw new UsageException($"--port {port} is invalid; give 0 (any free port) or a port from 1 to 65535.");
        if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown)
            throw new UsageException($"--host '{host}' is not an address or host name; give 127.0.0.1 (this machine only) or 0.0.0.0 (every network).");
        bool loopback = host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        if (!loopback)
            Console.Error.WriteLine($"warning: --host {host} lets other machines reach the lab, which has no login: anyone who can reach this port can train models here. Use it on networks you trust.");
        var app = Start(host, port);
        string url = LabServer.Url(app);
        var listening = new Uri(url);
        if (IPAddress.TryParse(listening.Host.Trim('[', ']'), out var wildcard) && (wildcard.Equals(IPAddress.Any) || wildcard.Equals(IPAddress.IPv6Any)))
        {
            // 0.0.0.0 is where the server listens, not an address a browser opens: give this machine's
            // loopback address and its name, which other machines use.
            url = $"http://127.0.0.1:{listening.Port}/";
            Console.WriteLine($"Downhill lab: {url} (this machine), http://{Dns.GetHostName()}:{listening.Port}/ (other machines)");
        }
        else Console.WriteLine($"Downhill lab: {url}");
        Console.WriteLine("Press Ctrl+C to stop.");
        if (openBrowser) TryOpen(url);
        app.WaitForShutdownAsync().GetAwaiter().GetResult();
        return ExitCodes.Success;
    }

    /// <summary>Opens the address with xdg-open when there is one; a machine without a desktop just has the printed address.</summary>
    private static void TryOpen(string url)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("xdg-open", url) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true });
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.WriteLine("(no browser could be opened here; open the address above yourself)");
        }
    }

    private static Microsoft.AspNetCore.Builder.WebApplication Start(string host, int port)
    {
        try
        {
            return LabServer.StartAsync(host, port).GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            // Kestrel's "address already in use" is an IOException.
            throw new UsageException($"the lab could not listen on {host}:{port} ({e.Message}); choose another --port, or --port 0 for any free one.");
        }
    }
}
