using System.Numerics;
using Downhill.Training;

namespace Downhill.Tests.Distributed;

/// <summary>
/// A fake transport for the reducer contract: ranks are threads of one process, sums are taken in
/// rank order (so a fixed number of ranks gives the same bits every time, as MPI does).
/// </summary>
internal sealed class ThreadReducer : IGradientReducer
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly Group group;

    private ThreadReducer(Group group, int rank) => (this.group, Rank) = (group, rank);

    /// <summary>The reducers of <paramref name="size"/> ranks that sum with each other.</summary>
    public static ThreadReducer[] Ranks(int size)
    {
        var group = new Group(size);
        return Enumerable.Range(0, size).Select(r => new ThreadReducer(group, r)).ToArray();
    }

    /// <summary>Runs <paramref name="rank"/> on one thread per reducer and returns each rank's result.</summary>
    public static TResult[] Run<TResult>(int size, Func<ThreadReducer, TResult> rank)
    {
        var tasks = Ranks(size).Select(r => Task.Factory.StartNew(() => rank(r), TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(tasks);
        return tasks.Select(t => t.Result).ToArray();
    }

    public int Rank { get; }
    public int Size => group.Slots.Length;

    public void Sum(Span<float> values) => SumInRankOrder(values);
    public void Sum(Span<double> values) => SumInRankOrder(values);
    public void Broadcast(Span<float> values, int root) => BroadcastFrom(values, root);
    public void Broadcast(Span<double> values, int root) => BroadcastFrom(values, root);
    public void Barrier() => Wait();

    private void SumInRankOrder<T>(Span<T> values) where T : INumber<T>
    {
        group.Slots[Rank] = values.ToArray();
        Wait();
        var all = group.Slots.Cast<T[]>().ToArray();
        int length = values.Length;
        if (all.Any(a => a.Length != length))
            throw new InvalidOperationException($"rank {Rank}: the ranks summed spans of lengths {string.Join(", ", all.Select(a => a.Length))}; a collective call takes the same length on every rank.");
        for (int i = 0; i < values.Length; i++)
        {
            T sum = all[0][i];
            for (int r = 1; r < all.Length; r++) sum += all[r][i];
            values[i] = sum;
        }
        Wait(); // no rank writes its next slot before every rank has read this one
    }

    private void BroadcastFrom<T>(Span<T> values, int root)
    {
        if (Rank == root) group.Slots[root] = values.ToArray();
        Wait();
        ((T[])group.Slots[root]!).CopyTo(values);
        Wait();
    }

    private void Wait()
    {
        if (!group.Barrier.SignalAndWait(Patience))
            throw new TimeoutException($"rank {Rank} of {Size} waited {Patience.TotalSeconds} s for the other ranks: a rank made a different call or failed.");
    }

    private sealed class Group(int size)
    {
        public readonly Barrier Barrier = new(size);
        public readonly Array?[] Slots = new Array?[size];
    }
}
