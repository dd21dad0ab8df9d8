using System.Diagnostics;

namespace Downhill.Tests.Cli;

/// <summary>Runs the real <c>downhill</c> executable (built beside the tests) as a separate process.</summary>
internal static class CliProcess
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "downhill.dll");

    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, params string[] args) =>
        RunWithInput(workingDirectory, null, args);

    /// <summary>Runs with <paramref name="input"/> on standard input (closed after it), or none when null.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWithInput(string workingDirectory, string? input, params string[] args) =>
        RunProgram("dotnet", workingDirectory, input, new Dictionary<string, string>(), TimeSpan.FromSeconds(120), [Dll, .. args]);

    /// <summary>Runs any <paramref name="program"/> with extra <paramref name="environment"/> variables; killed after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunProgram(string program, string workingDirectory, string? input,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["COLUMNS"] = "200";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var p = Process.Start(info)!;
        if (input is not null)
        {
            p.StandardInput.Write(input);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The checkout the tests were built from: the folder above them that holds Downhill.slnx.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Downhill.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Downhill.slnx not found above " + AppContext.BaseDirectory);
    }

    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "downhill-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
