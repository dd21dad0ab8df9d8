using System.Diagnostics;
using System.Text;

namespace Downhill.Tests.Cli;

/// <summary>Every line of the README's ```console block runs and succeeds: the README stays true.</summary>
public class ReadmeExamplesTests
{
    /// <summary>The lines of the README's ```console block, in order.</summary>
    private static List<string> Tour()
    {
        var block = new List<string>();
        bool inside = false;
        foreach (var line in File.ReadAllLines(Path.Combine(CliProcess.RepositoryRoot(), "README.md")))
        {
            if (line.StartsWith("```console", StringComparison.Ordinal)) { inside = true; continue; }
            if (inside && line.StartsWith("```", StringComparison.Ordinal)) break;
            if (inside && line.Length > 0) block.Add(line);
        }
        return block;
    }

    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var line in Tour().Where(l => l.StartsWith("downhill ", StringComparison.Ordinal))) data.Add(line);
        return data;
    }

    /// <summary>
    /// The tour's other lines, run by bash from a stand-in for the repository root, must leave the
    /// reader in a new folder outside it with the samples beside them: the tour's outputs (line.json,
    /// demo pictures, ...) must not land in the repository. The downhill lines run in such a folder below.
    /// </summary>
    [Fact]
    public void TheTourStartsInAScratchFolderWithTheSamples()
    {
        var setup = Tour().TakeWhile(l => !l.StartsWith("downhill ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Tour().Count, setup.Count + Commands().Count); // every line is a setup line or a command the theory runs
        if (!File.Exists("/bin/bash")) return;
        var root = CliProcess.TempFolder();
        Directory.CreateDirectory(Path.Combine(root, "samples"));
        File.Copy(Path.Combine(CliProcess.RepositoryRoot(), "samples", "decay.csv"), Path.Combine(root, "samples", "decay.csv"));
        var info = new ProcessStartInfo("/bin/bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("set -e\n" + string.Join("\n", setup) + "\npwd\nls samples\n");
        using var bash = Process.Start(info)!;
        string stdout = bash.StandardOutput.ReadToEnd(), stderr = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string scratch = lines[0];
        Assert.False(scratch.StartsWith(root, StringComparison.Ordinal), $"the tour runs in {scratch}, inside the repository {root}");
        Assert.Equal(["decay.csv"], lines[1..]);
        Directory.Delete(scratch, recursive: true);
    }

    [Fact]
    public void TheReadmeHasATourToRun() => Assert.True(Commands().Count >= 8);

    [Theory]
    [MemberData(nameof(Commands))]
    public void ReadmeCommandSucceeds(string line)
    {
        var dir = CliProcess.TempFolder();
        var samples = Path.Combine(dir, "samples");
        Directory.CreateDirectory(samples);
        foreach (var f in Directory.GetFiles(Path.Combine(CliProcess.RepositoryRoot(), "samples"), "*.csv")) File.Copy(f, Path.Combine(samples, Path.GetFileName(f)));
        // Commands that read a model or trace written by an earlier line get it written here first.
        if (line.Contains("line.json") && !line.Contains("--out line.json"))
            Assert.Equal(0, CliProcess.Run(dir, "fit", "line", "--target", "y", "--model", "linear", "--epochs", "5", "--quiet", "--out", "line.json").ExitCode);
        if (line.Contains("--path descent.csv"))
            Assert.Equal(0, CliProcess.Run(dir, "fit", "line", "--model", "y = m*x + b", "--lr", "0.5", "--epochs", "30", "--quiet", "--trace", "descent.csv").ExitCode);
        var args = Split(line)[1..];
        var (code, stdout, stderr) = CliProcess.Run(dir, args);
        Assert.True(code == 0, $"'{line}' exited {code}: {stderr}\n{stdout}");
    }

    /// <summary>Splits a command line like a shell does for double-quoted arguments.</summary>
    private static string[] Split(string line)
    {
        var args = new List<string>();
        var current = new StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in line)
        {
            if (c == '"') { quoted = !quoted; any = true; }
            else if (c == ' ' && !quoted) { if (any) args.Add(current.ToString()); current.Clear(); any = false; }
            else { current.Append(c); any = true; }
        }
        if (any) args.Add(current.ToString());
        return args.ToArray();
    }
}
