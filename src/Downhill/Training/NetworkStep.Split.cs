using Downhill.Data;
using Downhill.Nn;

namespace Downhill.Training;

// The batch split. With two or more threads a batch is cut into parts of whole GEMM row tiles
// and each part runs RowsPass on its own thread (single-threaded matrix products): rows do not
// meet before the parameter gradients. Then every thread computes a share of those over the
// whole batch (Gemm.MultiplyShare: a strip of each weight gradient; a range of bias columns).
// No thread sums another's partial gradients, and every value is computed exactly as in the
// unsplit step: the products' row tiles are the same, and each gradient value is summed over
// the rows in the same order. Loss and gradients have the same bits on any number of threads.
// (Giving each part its own gradient buffers and adding them up would cost an extra pass over
// every gradient per step, and its rounding would change with the thread count.)
// The gain over splitting each product by the GEMM's own fork is in bench/README.md,
// "Measured gains".
internal sealed partial class NetworkStep<T>
{
    private readonly Action<int> rowsPart, gradientsPart;
    private readonly long macsPerRow;
    private TrainingData<T>? splitData;
    private int[]? splitOrder;
    private int splitStart, splitCount, splitParts;

    /// <summary>
    /// A part has to carry at least this many multiply-adds, about twice what waking a sleeping
    /// worker costs: the split pays for waking the worker threads, a second fork for the
    /// gradients, and each part packing the weights for its own products.
    /// </summary>
    private const long PartMinimumMacs = 2_000_000;

    /// <summary>Multiply-adds of one row: forward x W, weight gradient x^T dz, and input gradient dz W^T above the first layer.</summary>
    private static long MacsPerRow(IReadOnlyList<Dense<T>> layers) =>
        layers.Select((l, i) => (long)l.Inputs * l.Outputs * (i == 0 ? 2 : 3)).Sum();

    /// <summary>Tests: split every batch that can be split, whatever the cost.</summary>
    internal bool AlwaysSplit { get; set; }

    /// <summary>
    /// How many parts a batch of <paramref name="count"/> rows is split into: 1 runs it whole.
    /// A part is at least two row tiles, so that no part of a larger batch falls to the one-row
    /// path (other rounding).
    /// </summary>
    internal int Parts(int count)
    {
        int parts = Math.Min(threads, (count + Gemm.MR - 1) / Gemm.MR / 2);
        if (parts < 2) return 1;
        return AlwaysSplit ? parts : (int)Math.Clamp(count * macsPerRow / PartMinimumMacs, 1, parts);
    }

    private void SplitRows(TrainingData<T> data, int[]? order, int start, int count, int parts)
    {
        (splitData, splitOrder, splitStart, splitCount, splitParts) = (data, order, start, count, parts);
        try
        {
            ForkJoin.Run(parts, rowsPart);
        }
        finally
        {
            (splitData, splitOrder) = (null, null);
        }
    }

    private void SplitGradients(int parts)
    {
        splitParts = parts;
        ForkJoin.Run(parts, gradientsPart);
    }

    private void RowsPart(int part)
    {
        int tiles = (splitCount + Gemm.MR - 1) / Gemm.MR;
        int from = Math.Min(splitCount, tiles * part / splitParts * Gemm.MR);
        int to = Math.Min(splitCount, tiles * (part + 1) / splitParts * Gemm.MR);
        RowsPass(splitData!, splitOrder, splitStart, from, to, splitCount, gemmThreads: 1);
    }

    private void GradientsPart(int share) => GradientsPass(splitCount, share, splitParts, gemmThreads: 1);

    private readonly SplitChoice splitPays = new();

    /// <summary>
    /// Whether splitting a batch pays right now, found by timing: every <see cref="Period"/>
    /// steps the next <see cref="Trials"/> run whole on the calling thread and the next
    /// <see cref="Trials"/> split, and the faster way (median time) is kept until the next check.
    /// A step's time runs from its start to the next step's start, so it includes what the
    /// trainer does in between (the optimizer update), which a spinning worker can slow down.
    /// </summary>
    /// <remarks>
    /// Why: on a 2-vCPU virtual machine the split's gain depends on the moment. When both vCPUs
    /// run at full speed the split pays well; when they slow each other down (as if sharing a core,
    /// with nothing else running) it loses to one thread (figures in bench/README.md, "Measured
    /// gains"), so a fixed rule loses one way or the other. Timing only the
    /// step itself would still pick the split there: the cost lands in the optimizer update that
    /// follows. The loss and the gradients have the same bits either way, so the choice never
    /// changes a result.
    /// </remarks>
    internal sealed class SplitChoice
    {
        internal const int Period = 1024, Trials = 6;
        private readonly long[] whole = new long[Trials - 1], split = new long[Trials - 1];
        private int step;
        private long lastStart;
        private bool splitting = true;

        /// <summary>Whether the step about to run should split; call once at the start of each step that could.</summary>
        public bool Split() => Split(System.Diagnostics.Stopwatch.GetTimestamp());

        /// <summary><see cref="Split()"/> at time <paramref name="now"/> (Stopwatch ticks); tests pass their own clock.</summary>
        internal bool Split(long now)
        {
            // The previous step's time. The first step of each way is left out: it may wake
            // sleeping workers or touch cold buffers.
            int previous = step - 1, phase = previous % Period;
            if (previous >= 0 && phase is > 0 and < Trials) whole[phase - 1] = now - lastStart;
            else if (previous >= 0 && phase is > Trials and < 2 * Trials) split[phase - Trials - 1] = now - lastStart;
            if (previous >= 0 && phase == 2 * Trials - 1) splitting = Median(split) < Median(whole);
            lastStart = now;
            phase = step++ % Period;
            return phase >= Trials && (phase < 2 * Trials || splitting);
        }

        private static long Median(long[] ticks)
        {
            var sorted = (long[])ticks.Clone();
            Array.Sort(sorted);
            return sorted[sorted.Length / 2];
        }
    }
}
