using Downhill.Lab.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Downhill.Lab;

/// <summary>Starts the lab's web app in this process.</summary>
public static class LabServer
{
    /// <summary>Starts the lab on <paramref name="host"/>:<paramref name="port"/> (port 0 picks a free one) and returns it running.</summary>
    public static async Task<WebApplication> StartAsync(string host, int port, CancellationToken cancel = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LabServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.UseUrls($"http://{host}:{port}");
        // Each browser tab is one circuit, and each circuit gets its own LabSession: tabs never share state.
        builder.Services.AddScoped<LabSession>();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents(circuit =>
        {
            // A closed tab's session is freed soon, not after the default 3 minutes, and only so many wait for a reconnect.
            circuit.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(30);
            circuit.DisconnectedCircuitMaxRetained = 20;
        }).AddHubOptions(hub =>
        {
            // Uploads come in chunks of the InputFile stream; no single message needs more than this.
            hub.MaximumReceiveMessageSize = 64 * 1024;
        });
        var app = builder.Build();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        await app.StartAsync(cancel);
        return app;
    }

    /// <summary>The address the started lab listens on.</summary>
    public static string Url(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
