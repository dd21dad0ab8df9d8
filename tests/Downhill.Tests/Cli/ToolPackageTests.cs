using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Downhill.Tests.Cli;

/// <summary>A test that needs the dotnet SDK on PATH to pack and install; skipped, saying so, where it is missing.</summary>
public sealed class DotnetSdkFactAttribute : FactAttribute
{
    /// <summary>Skips the test when no <c>dotnet</c> executable is on PATH.</summary>
    public DotnetSdkFactAttribute()
    {
        if (ToolPackageTests.DotnetOnPath() is null)
            Skip = "packing and installing a .NET tool needs the dotnet SDK on PATH, and there is none";
    }
}

/// <summary>
/// The CLI as a user gets it: packed as a RID-specific .NET tool into a local feed, installed from
/// that feed into a fresh tool path, and run from a folder outside the repository.
/// </summary>
public class ToolPackageTests
{
    /// <summary>The dotnet executable PATH resolves to, links followed; null when there is none.</summary>
    internal static string? DotnetOnPath()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = new FileInfo(Path.Combine(folder, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
            if (candidate.Exists) return candidate.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate.FullName;
        }
        return null;
    }

    // Packing builds the three projects from scratch, twice (the pointer package and the platform's),
    // into their own artifacts folder so it never races the test run's bin/obj. That is most of this
    // test's time: about 4 minutes alone on a machine at load 40, and past 5 within the full suite.
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [DotnetSdkFact]
    public void PackedToolInstallsFromALocalFeedAndRunsTheDemoFromAnotherFolder()
    {
        string dotnet = DotnetOnPath()!;
        string root = CliProcess.TempFolder();
        try
        {
            PackInstallAndRun(dotnet, root);
        }
        finally
        {
            Directory.Delete(root, recursive: true); // the build artifacts and the feed are some 50 MB
        }
    }

    private static void PackInstallAndRun(string dotnet, string root)
    {
        string feed = Path.Combine(root, "feed"), tools = Path.Combine(root, "tools"), work = Path.Combine(root, "work");
        Directory.CreateDirectory(work);
        string rid = RuntimeInformation.RuntimeIdentifier;
        var none = new Dictionary<string, string>();

        // Only this machine's platform package: the other five build the same code with other natives.
        var pack = CliProcess.RunProgram(dotnet, CliProcess.RepositoryRoot(), null, none, PackTimeout,
            "pack", Path.Combine("src", "Downhill.Cli"), "-c", "Release", "--artifacts-path", Path.Combine(root, "artifacts"),
            "-o", feed, $"-p:RuntimeIdentifiers={rid}",
            "-p:RunAnalyzers=false"); // the build of the suite ran them on the same code; here they only cost time
        Assert.True(pack.ExitCode == 0, pack.Stdout + pack.Stderr);

        string platformPackage = Assert.Single(Directory.GetFiles(feed, $"Downhill.Cli.{rid}.*.nupkg"));
        string version = Path.GetFileNameWithoutExtension(platformPackage)[$"Downhill.Cli.{rid}.".Length..];
        Assert.True(File.Exists(Path.Combine(feed, $"Downhill.Cli.{version}.nupkg")), "the top-level package that points at the platform packages is missing");
        AssertSmallAndOnlyForItsPlatform(platformPackage, rid);

        // Only the local feed, and a package cache of its own: a Downhill.Cli on nuget.org or one cached
        // by an earlier run must not stand in for the one just packed.
        string config = Path.Combine(root, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="local" value="{feed}" /></packageSources>
            </configuration>
            """);
        var isolated = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(root, "packages") };
        var install = CliProcess.RunProgram(dotnet, work, null, isolated, PackTimeout,
            "tool", "install", "Downhill.Cli", "--tool-path", tools, "--configfile", config, "--version", version);
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);

        // The tool's launcher finds the runtime through DOTNET_ROOT where dotnet is not in its default place.
        string launcher = Path.Combine(tools, OperatingSystem.IsWindows() ? "downhill.exe" : "downhill");
        var runtime = new Dictionary<string, string> { ["DOTNET_ROOT"] = Path.GetDirectoryName(dotnet)! };
        var versionRun = CliProcess.RunProgram(launcher, work, null, runtime, RunTimeout, "--version");
        Assert.True(versionRun.ExitCode == 0, versionRun.Stderr);
        Assert.StartsWith(version, versionRun.Stdout.Trim(), StringComparison.Ordinal);

        // The demo draws two PNGs: the platform's Skia natives came with the package and load.
        var demo = CliProcess.RunProgram(launcher, work, null, runtime, RunTimeout, "demo");
        Assert.True(demo.ExitCode == 0, demo.Stdout + demo.Stderr);
        Assert.True(new FileInfo(Path.Combine(work, "demo-surface.png")).Length > 1000, "demo-surface.png was not drawn");
    }

    /// <summary>
    /// The platform package holds one platform's natives and no Windows .pdb files; packing every
    /// platform's SkiaSharp natives into one tool made it 188 MB.
    /// </summary>
    private static void AssertSmallAndOnlyForItsPlatform(string package, string rid)
    {
        const long MostBytes = 12 * 1024 * 1024; // 7.8 MB for linux-x64 when written; Skia's native library is most of it
        long bytes = new FileInfo(package).Length;
        Assert.True(bytes < MostBytes, $"{Path.GetFileName(package)} is {bytes / 1e6:0.0} MB; a platform's tool package should be under {MostBytes / 1e6:0} MB");
        using var zip = ZipFile.OpenRead(package);
        var tools = zip.Entries.Where(e => e.FullName.StartsWith("tools/", StringComparison.Ordinal)).ToList();
        Assert.All(tools, e => Assert.StartsWith($"tools/net10.0/{rid}/", e.FullName, StringComparison.Ordinal));
        Assert.Single(tools, e => e.Name.StartsWith("libSkiaSharp", StringComparison.Ordinal));
        Assert.Single(tools, e => e.Name.StartsWith("libHarfBuzzSharp", StringComparison.Ordinal));
        // Our own symbols stay for line numbers in a user's stack trace; no one else's.
        Assert.All(tools.Where(e => e.Name.EndsWith(".pdb", StringComparison.Ordinal)),
            e => Assert.StartsWith("downhill", e.Name, StringComparison.OrdinalIgnoreCase));
    }
}
