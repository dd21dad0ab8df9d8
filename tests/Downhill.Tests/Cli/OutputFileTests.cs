using Downhill.Models;

namespace Downhill.Tests.Cli;

/// <summary>Outputs are checked before training, and a trained model is not lost to a failed write.</summary>
public class OutputFileTests
{
    private readonly string dir = CliProcess.TempFolder();

    /// <summary>A folder this process cannot create files in, found by trying; null where there is none (root on a system without /sys).</summary>
    private string? UnwritableFolder()
    {
        var readOnly = Path.Combine(dir, "read-only");
        Directory.CreateDirectory(readOnly);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        // Root ignores the mode bits; /sys takes no new files even from root.
        foreach (var candidate in new[] { readOnly, "/sys" })
        {
            if (!Directory.Exists(candidate)) continue;
            try
            {
                File.WriteAllText(Path.Combine(candidate, "probe.txt"), "");
                File.Delete(Path.Combine(candidate, "probe.txt"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return candidate; }
        }
        return null;
    }

    [Theory]
    [InlineData("--history", "h.csv")]
    [InlineData("--checkpoint", "ck.json")]
    [InlineData("--plot", "curves.png")]
    [InlineData("--out", "m.json")]
    public void AnUnwritableOutputFolderIsReportedBeforeTraining(string option, string name)
    {
        if (UnwritableFolder() is not { } folder) return;
        string path = Path.Combine(folder, name);
        string[] args = option == "--out" ? [option, path] : ["--out", "m.json", option, path];
        var (code, stdout, stderr) = CliProcess.Run(dir, ["fit", "line", "--target", "y", "--epochs", "1", .. args]);
        Assert.Equal(1, code);
        Assert.Equal("", stdout); // no "data: ..." line: nothing was read or trained
        Assert.Equal($"error: {option} {path}: cannot write in folder {folder} (permission denied); choose a folder you can write to (checked before any work, so nothing is lost).", stderr.Trim());
    }

    [Theory]
    [InlineData("--out", "solve", "line", "--target", "y")]
    [InlineData("--out", "surface", "line", "--target", "y", "--model", "y = m*x + b", "--grid", "m=1:2:1", "--grid", "b=0:1:1")]
    [InlineData("--out", "sweep", "line", "--target", "y", "--lr", "0.1", "--epochs", "1")]
    [InlineData("--trace", "minimize", "x^2", "--start", "x=1")]
    public void EveryCommandChecksItsOutputFolderFirst(string option, params string[] command)
    {
        if (UnwritableFolder() is not { } folder) return;
        string path = Path.Combine(folder, "out.csv");
        var (code, stdout, stderr) = CliProcess.Run(dir, [.. command, option, path]);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"error: {option} {path}: cannot write in folder {folder} (permission denied); choose a folder you can write to (checked before any work, so nothing is lost).", stderr.Trim());
    }

    [Fact]
    public void TheDemoChecksItsPictureFolderFirst()
    {
        if (UnwritableFolder() is not { } folder) return;
        var (code, stdout, stderr) = CliProcess.Run(dir, "demo", "--pictures", folder);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal($"error: --pictures {folder}: cannot write in folder {folder} (permission denied); choose a folder you can write to (checked before any work, so nothing is lost).", stderr.Trim());
    }

    [Fact]
    public void AnOutputPathThatIsAFolderIsReportedBeforeTraining()
    {
        Directory.CreateDirectory(Path.Combine(dir, "runs"));
        var (code, stdout, stderr) = CliProcess.Run(dir, "solve", "line", "--target", "y", "--out", "runs");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal("error: --out runs is a folder; give the name of a file to write (in it, or elsewhere).", stderr.Trim());
    }

    [Fact]
    public void FitWithoutOutNeverReplacesAModelJsonAndOutModelJsonDoes()
    {
        string model = Path.Combine(dir, "model.json");
        File.WriteAllText(model, "an earlier model");
        var refused = CliProcess.Run(dir, "fit", "line", "--target", "y", "--epochs", "1");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("", refused.Stdout);
        Assert.Equal($"error: {model} already exists, and fit without --out does not replace it; add --out model.json to replace it, " +
            "or --out with another name (checked before training, so no time is lost).", refused.Stderr.Trim());
        Assert.Equal("an earlier model", File.ReadAllText(model));

        var replaced = CliProcess.Run(dir, "fit", "line", "--target", "y", "--epochs", "1", "--out", "model.json");
        Assert.True(replaced.ExitCode == 0, replaced.Stderr);
        Assert.Equal("linear", ModelFile.Load(model).Kind);
    }

    [Fact]
    public void FitWithoutOutWritesModelJsonWhenThereIsNone()
    {
        var (code, stdout, stderr) = CliProcess.Run(dir, "fit", "line", "--target", "y", "--epochs", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("model saved to model.json", stdout);
        Assert.Equal("linear", ModelFile.Load(Path.Combine(dir, "model.json")).Kind);
    }

    // A file name of 250 characters passes the checks (the folder takes files), but the atomic
    // write's temp file ".NAME.PID.tmp" is longer than the 255 a name may have: a write that
    // fails only when it happens, as on a full disk.
    private static readonly string LongName = new string('m', 245) + ".json";

    [Fact]
    public void AModelThatCannotBeWrittenAfterTrainingIsRescuedToTheTempFolder()
    {
        var (code, _, stderr) = CliProcess.Run(dir, "fit", "line", "--target", "y", "--epochs", "3", "--quiet", "--out", LongName, "--history", "h.csv");
        Assert.Equal(1, code);
        var lines = stderr.Trim().Split('\n');
        Assert.StartsWith($"error: --out {LongName} could not be written: ", lines[0]);
        var rescued = System.Text.RegularExpressions.Regex.Match(lines[1], "^the trained model was saved to (.+) instead; move it where it belongs.$");
        Assert.True(rescued.Success, stderr);
        Assert.Equal(["x"], ModelFile.Load(rescued.Groups[1].Value).Features);
        File.Delete(rescued.Groups[1].Value);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "h.csv")).Length); // the other outputs were written: header and 3 epochs
    }

    [Fact]
    public void ACheckpointThatCannotBeWrittenStopsTrainingWithTheWayToContinue()
    {
        var (code, _, stderr) = CliProcess.Run(dir, "fit", "line", "--target", "y", "--epochs", "3", "--quiet", "--out", "m.json", "--checkpoint", LongName);
        Assert.Equal(1, code);
        Assert.Matches($"^error: --checkpoint {LongName} could not be written: .+; training stopped. No checkpoint had been written yet.$", stderr.Trim());
    }

    [Fact]
    public void AModelThatCannotBeWrittenWhereAskedIsSavedToTheTempFolder()
    {
        // A folder created at the model's path after the checks stands for a disk that filled up during training.
        string blocked = Path.Combine(dir, "m.json");
        Directory.CreateDirectory(blocked);
        var model = new ModelFile
        {
            Task = "regression", Kind = "linear", Loss = "mse", Precision = "float64", Features = ["x"], Targets = ["y"],
            Parameters = [new ParameterRecord("weight", [1, 1], [2.0]), new ParameterRecord("bias", [1], [30.0])],
        };
        string rescue = Path.Combine(Path.GetTempPath(), $"downhill-model.{Environment.ProcessId}.json");
        File.Delete(rescue);

        Assert.False(Downhill.Cli.Cli.SaveModel(model, blocked, "--out"));

        Assert.Equal(model.ToJson(), File.ReadAllText(rescue));
        File.Delete(rescue);
    }
}
