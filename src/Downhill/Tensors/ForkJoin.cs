using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Downhill;

/// <summary>
/// Fork-join loops for work that forks thousands of times a second (twice per training step):
/// part 0 runs on the calling thread, the others on dedicated worker threads that spin for a
/// while after each part before they sleep, so the next fork usually finds them awake.
/// </summary>
/// <remarks>
/// Why not <c>Parallel.For</c>: its fork and join costs many times a handoff to a worker that
/// is still spinning, and across the serial work between two forks (an optimizer update) its
/// pool threads go to sleep and must be woken. With two forks per training step that is a
/// visible share of a step (figures in bench/README.md, "Measured gains").
/// </remarks>
internal static class ForkJoin
{
    private static Worker[] workers = [];
    private static int busy;

    /// <summary>
    /// Runs <paramref name="body"/> for parts 0 .. parts-1 and returns when all have finished;
    /// an exception in a part is rethrown here. While another caller holds the workers the parts
    /// run one after the other on this thread: slower, but with the same results, since each
    /// part's work does not depend on the thread that runs it.
    /// </summary>
    public static void Run(int parts, Action<int> body)
    {
        // NOTE: a flag, not a Monitor: a lock would let a part that calls Run again on the
        // calling thread re-enter and restart workers that are still busy.
        if (parts == 1 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (int p = 0; p < parts; p++) body(p);
            return;
        }
        try
        {
            if (workers.Length < parts - 1)
                workers = [.. workers, .. Enumerable.Range(workers.Length, parts - 1 - workers.Length).Select(i => new Worker(i + 1))];
            for (int p = 1; p < parts; p++) workers[p - 1].Start(body, p);
            try
            {
                body(0);
            }
            finally
            {
                for (int p = 1; p < parts; p++) workers[p - 1].Wait();
            }
            for (int p = 1; p < parts; p++)
                if (workers[p - 1].Failure is { } failure) ExceptionDispatchInfo.Throw(failure);
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>
    /// How long a worker spins for the next part before it sleeps: longer than the SGD update of
    /// a mid-sized network between two steps, so the next step's fork finds it awake; waking a
    /// sleeping worker costs about half such an update. Spinning costs the CPU time it burns, so
    /// it stops there.
    /// </summary>
    private static readonly long SpinTicks = Stopwatch.Frequency * 50 / 1_000_000;

    /// <summary>
    /// Waits for <paramref name="e"/>, spinning first. NOTE: the spin yields (SpinWait, not a
    /// busy loop): when another process holds the second core, a worker that busy-spins shares
    /// one core with the thread it waits for, and a training step slows down many times over.
    /// </summary>
    private static void SpinThenWait(ManualResetEventSlim e)
    {
        var spinner = new SpinWait();
        long until = Stopwatch.GetTimestamp() + SpinTicks;
        while (!e.IsSet && Stopwatch.GetTimestamp() < until) spinner.SpinOnce(sleep1Threshold: -1);
        e.Wait();
    }

    /// <summary>A background thread that runs one part each time it is started.</summary>
    private sealed class Worker
    {
        private readonly ManualResetEventSlim go = new(), done = new();
        private Action<int>? body;
        private int part;

        public Worker(int index) => new Thread(Loop) { IsBackground = true, Name = $"Downhill worker {index}" }.Start();

        /// <summary>What the last part threw, handed to the caller to rethrow.</summary>
        public Exception? Failure { get; private set; }

        public void Start(Action<int> body, int part)
        {
            this.body = body;
            this.part = part;
            Failure = null;
            done.Reset();
            go.Set();
        }

        public void Wait() => SpinThenWait(done);

        private void Loop()
        {
            while (true)
            {
                SpinThenWait(go);
                go.Reset();
                try
                {
                    body!(part);
                }
                catch (Exception e)
                {
                    Failure = e;
                }
                done.Set();
            }
        }
    }
}
