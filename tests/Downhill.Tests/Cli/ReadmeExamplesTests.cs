using System.Text;

namespace Downhill.Tests.Cli;

/// <summary>Every line of the README's ```console block runs and succeeds: the README stays true.</summary>
public class ReadmeExamplesTests
{
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Downhill.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Downhill.slnx not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> Commands()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var data = new TheoryData<string>();
        bool inside = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("```console", StringComparison.Ordinal)) { inside = true; continue; }
            if (inside && line.StartsWith("```", StringComparison.Ordinal)) break;
            if (inside && line.StartsWith("downhill ", StringComparison.Ordinal)) data.Add(line);
        }
        return data;
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
        foreach (var f in Directory.GetFiles(Path.Combine(RepositoryRoot(), "samples"), "*.csv")) File.Copy(f, Path.Combine(samples, Path.GetFileName(f)));
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
