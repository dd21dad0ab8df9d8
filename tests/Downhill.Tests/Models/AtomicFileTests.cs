using System.Diagnostics;
using Downhill.Models;

namespace Downhill.Tests.Models;

public class AtomicFileTests
{
    private readonly string dir = Directory.CreateTempSubdirectory("downhill-atomic-").FullName;

    [Fact]
    public void AWriteRemovesTheTempFileAKilledWriterLeftAndKeepsALiveOnes()
    {
        string target = Path.Combine(dir, "ck.json");
        // No process has id int.MaxValue: Linux ids stop at 2^22 and Windows ids are multiples of 4.
        string stale = AtomicFile.TempName(target, int.MaxValue);
        int live = Process.GetProcesses().First(p => p.Id != Environment.ProcessId).Id;
        string inProgress = AtomicFile.TempName(target, live);
        string otherTarget = AtomicFile.TempName(Path.Combine(dir, "ck.json.x"), int.MaxValue);
        foreach (var f in new[] { stale, inProgress, otherTarget }) File.WriteAllText(f, "half a checkpoint");
        Assert.Equal(Path.Combine(dir, $".ck.json.{int.MaxValue}.tmp"), stale);

        AtomicFile.WriteAllText(target, "{}");

        Assert.Equal("{}", File.ReadAllText(target));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(inProgress));
        Assert.True(File.Exists(otherTarget));
    }
}
