using Downhill;

namespace Downhill.Tests.Tensors;

public class ForkJoinTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void RunsEveryPartOnceAndPartZeroOnTheCaller(int parts)
    {
        for (int repeat = 0; repeat < 100; repeat++)
        {
            var runs = new int[parts];
            bool partZeroOnCaller = false;
            int caller = Environment.CurrentManagedThreadId;
            ForkJoin.Run(parts, p =>
            {
                Interlocked.Increment(ref runs[p]);
                if (p == 0) partZeroOnCaller = Environment.CurrentManagedThreadId == caller;
            });
            Assert.All(runs, n => Assert.Equal(1, n));
            Assert.True(partZeroOnCaller);
        }
    }

    [Fact]
    public void ARunInsideAPartRunsItsPartsInTurn()
    {
        var inner = new int[2, 3];
        ForkJoin.Run(2, outer => ForkJoin.Run(3, p => inner[outer, p]++));
        Assert.Equal(new[,] { { 1, 1, 1 }, { 1, 1, 1 } }, inner);
    }

    [Fact]
    public void CallersOnManyThreadsEachGetTheirParts()
    {
        var totals = new long[8];
        Parallel.For(0, totals.Length, caller =>
        {
            for (int repeat = 0; repeat < 200; repeat++)
                ForkJoin.Run(3, p => Interlocked.Add(ref totals[caller], p + 1));
        });
        Assert.All(totals, t => Assert.Equal(200 * 6, t));
    }

    [Fact]
    public void AnExceptionInAWorkersPartReachesTheCaller()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ForkJoin.Run(3, p =>
        {
            if (p == 2) throw new InvalidOperationException("part 2 failed");
        }));
        Assert.Equal("part 2 failed", e.Message);
        // The workers are free again afterwards.
        var runs = new int[3];
        ForkJoin.Run(3, p => runs[p]++);
        Assert.Equal([1, 1, 1], runs);
    }
}
