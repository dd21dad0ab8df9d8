using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Downhill.Tests.Cli;

namespace Downhill.Tests.Distributed;

/// <summary>A test that needs Open MPI's <c>mpirun</c> on PATH; skipped, with the reason, where it is missing.</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (MpiCliTests.Mpirun is null)
            Skip = "mpirun is not on PATH: install Open MPI (apt-get install openmpi-bin libopenmpi-dev; .ci/run does) to run the multi-process tests.";
    }
}

/// <summary>
/// The real CLI under <c>mpirun -np 2</c> and <c>-np 3</c> on this machine against one process
/// (<see cref="CliProcess"/>): the same model up to the order of float sums, the same bits for a fixed
/// number of ranks, one rank writing, a bad row stopping every rank with one error, and --resume
/// with another number of ranks.
/// </summary>
public class MpiCliTests
{
    internal static readonly string? Mpirun = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "mpirun")).FirstOrDefault(File.Exists);

    /// <summary>
    /// Model weights from N ranks against one process. An MLP (3-4-1, float32), Adam, 5 or 6 epochs of 19
    /// updates; each update's gradient is the same sum in another grouping. Measured: at most 6e-8
    /// (3e-6 after 1,000 epochs); the bound leaves a margin for other BLAS and CPUs.
    /// </summary>
    private const double Tolerance = 1e-5;

    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "downhill.dll");
    private static readonly string[] Fit = ["fit", "data.csv", "--target", "y", "--model", "mlp:4", "--batch", "32", "--seed", "7", "--quiet"];

    private static (int ExitCode, string Stdout, string Stderr) MpiRun(int ranks, string folder, params string[] args) =>
        MpiRun(ranks, folder, [], null, args);

    /// <summary>Runs mpirun with <paramref name="mpiOptions"/>; <paramref name="started"/> sees the mpirun process while it runs.</summary>
    private static (int ExitCode, string Stdout, string Stderr) MpiRun(int ranks, string folder, string[] mpiOptions, Action<Process>? started, params string[] args)
    {
        var info = new ProcessStartInfo(Mpirun!) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        // Root in containers and CI; more ranks than cores on a small machine.
        foreach (var a in new[] { "--allow-run-as-root", "--oversubscribe" }.Concat(mpiOptions)
                     .Concat(["-np", ranks.ToString(CultureInfo.InvariantCulture), "dotnet", Dll]).Concat(args))
            info.ArgumentList.Add(a);
        info.Environment["COLUMNS"] = "200";
        using var p = Process.Start(info)!;
        started?.Invoke(p);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"mpirun -np {ranks} downhill {string.Join(' ', args)} did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>600 rows of y = 3 x1 - 2 x2 + x3 / 2 + 1 + noise; a row's text can be swapped in for a bad file.</summary>
    private static string Folder(string? badRow = null)
    {
        var folder = CliProcess.TempFolder();
        var rng = new Random(5);
        var csv = new StringBuilder("x1,x2,x3,y\n");
        for (int i = 0; i < 600; i++)
        {
            if (i == 450 && badRow is not null) { csv.Append(badRow).Append('\n'); continue; }
            double a = rng.NextDouble() * 4 - 2, b = rng.NextDouble() * 4 - 2, c = rng.NextDouble() * 4 - 2;
            csv.Append(CultureInfo.InvariantCulture, $"{a:F4},{b:F4},{c:F4},{3 * a - 2 * b + 0.5 * c + 1 + 0.1 * (rng.NextDouble() - 0.5):F4}\n");
        }
        File.WriteAllText(Path.Combine(folder, "data.csv"), csv.ToString());
        return folder;
    }

    private static double[] Weights(string file) =>
        JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("parameters").EnumerateArray()
            .SelectMany(p => p.GetProperty("values").EnumerateArray().Select(v => v.GetDouble())).ToArray();

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"{what}: weight {i} is {actual[i]}, one process has {expected[i]}");
    }

    private static void AssertOk((int ExitCode, string Stdout, string Stderr) run)
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
    }

    [MpiFact]
    public void TwoAndThreeRanksGiveOneProcessModelAndAFixedNumberGivesTheSameBitsTwice()
    {
        var folder = Folder();
        AssertOk(CliProcess.Run(folder, [.. Fit, "--epochs", "5", "--out", "one.json"]));
        var two = MpiRun(2, folder, [.. Fit, "--epochs", "5", "--out", "two.json", "--history", "history.csv"]);
        AssertOk(two);
        AssertOk(MpiRun(2, folder, [.. Fit, "--epochs", "5", "--out", "two-again.json"]));
        AssertOk(MpiRun(3, folder, [.. Fit, "--epochs", "5", "--out", "three.json"]));

        var one = Weights(Path.Combine(folder, "one.json"));
        AssertClose(one, Weights(Path.Combine(folder, "two.json")), "2 ranks");
        AssertClose(one, Weights(Path.Combine(folder, "three.json")), "3 ranks");
        Assert.Equal(Weights(Path.Combine(folder, "two.json")), Weights(Path.Combine(folder, "two-again.json")));
        Assert.NotEqual(one, Weights(Path.Combine(folder, "three.json"))); // the ranks did sum in another order: the test can tell
        // Rank 0 alone writes: one history, the model saved once, no rank's warnings repeated.
        Assert.Equal(1 + 5, File.ReadAllLines(Path.Combine(folder, "history.csv")).Length);
        // (Only Downhill's lines: Open MPI may print its own notices once per rank.)
        var ours = two.Stderr.Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal) || l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
        Assert.True(ours.Distinct().Count() == ours.Length, $"a rank other than 0 printed:\n{two.Stderr}");
    }

    [MpiFact]
    public void ResumeWorksWithAnotherNumberOfRanks()
    {
        var folder = Folder();
        AssertOk(CliProcess.Run(folder, [.. Fit, "--epochs", "6", "--out", "one.json"]));
        AssertOk(MpiRun(3, folder, [.. Fit, "--epochs", "3", "--checkpoint", "run.ckpt", "--out", "half.json"]));
        AssertOk(MpiRun(2, folder, [.. Fit, "--epochs", "6", "--resume", "run.ckpt", "--out", "resumed.json"]));
        AssertClose(Weights(Path.Combine(folder, "one.json")), Weights(Path.Combine(folder, "resumed.json")), "3 ranks, then 2 resumed");
    }

    [MpiFact]
    public void ABadRowStopsEveryRankWithOneErrorNamingTheRankAndThePlace()
    {
        var folder = Folder(badRow: "0.5,abc,0.25,1.0");
        var clock = Stopwatch.StartNew();
        var run = MpiRun(2, folder, [.. Fit, "--epochs", "5", "--out", "never.json"]);
        Assert.NotEqual(0, run.ExitCode);
        var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
        var error = Assert.Single(errors);
        Assert.StartsWith("error: rank 0 of 2: data.csv line 452, column \"x2\": \"abc\" is not a number", error);
        Assert.False(File.Exists(Path.Combine(folder, "never.json")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the job took {clock.Elapsed.TotalSeconds:F0} s to stop: a rank waited for the one that failed");
    }

    [MpiFact]
    public void CtrlCOnMpirunStopsEveryRankAfterTheSameBatchAndRankZeroSaves()
    {
        var folder = Folder();
        string checkpoint = Path.Combine(folder, "run.ckpt");
        // On Ctrl-C (SIGINT) mpirun waits odls_base_sigkill_timeout seconds, sends the ranks SIGTERM,
        // waits as long again and sends SIGKILL: the ranks have those seconds to stop and save.
        var run = MpiRun(2, folder, ["--mca", "odls_base_sigkill_timeout", "10"], mpirun =>
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(checkpoint) && clock.Elapsed < TimeSpan.FromSeconds(90)) Thread.Sleep(100);
            Assert.True(File.Exists(checkpoint), "no epoch finished in 90 s");
            using var kill = Process.Start("kill", ["-INT", mpirun.Id.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }, [.. Fit, "--epochs", "100000", "--checkpoint", "run.ckpt", "--history", "history.csv", "--out", "stopped.json"]);
        Assert.True(File.Exists(Path.Combine(folder, "stopped.json")), $"no model after Ctrl-C\n{run.Stdout}\n{run.Stderr}");
        var epochs = File.ReadAllLines(Path.Combine(folder, "history.csv")).Length - 1;
        Assert.InRange(epochs, 1, 99_999);
        Assert.Contains("stopping after the current batch", run.Stderr);
    }
}
