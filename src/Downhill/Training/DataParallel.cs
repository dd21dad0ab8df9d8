using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Downhill.Data;

namespace Downhill.Training;

/// <summary>
/// One rank's part of a data-parallel session: the rank owns a contiguous shard of the training
/// rows (<see cref="Shard"/>), computes the loss and gradient of the rows of each global batch
/// that fall in its shard, and the reducer sums them, each weighted by its share of the batch,
/// so that every rank holds the gradient and loss of the whole batch and takes the same update.
/// </summary>
/// <remarks>
/// The global batches are those of one process (same seed, same shuffled order), so N ranks follow
/// the single-process run up to the order of the float sums. A rank's rows of a batch vary in
/// number (a shuffled batch is spread over the shards at random); a rank with none adds zeros.
/// Only rows of the shard are read, so a source that loads just its shard can replace the
/// in-memory table later.
/// </remarks>
internal sealed class DataParallel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IGradientReducer reducer;
    private readonly Trainer<T> trainer;
    private readonly TrainingData<T> train;
    private readonly Trainer<T>.FusedRun? fused;
    private readonly int shardStart, shardEnd;
    private readonly int[] rows;
    private readonly Func<T> closure;
    private readonly T[] buffer;
    private int count, globalCount;
    private bool cancelHere;

    public DataParallel(IGradientReducer reducer, Trainer<T> trainer, TrainingData<T> train, Trainer<T>.FusedRun? fused, int batchSize)
    {
        if (reducer.Size < 1 || reducer.Rank < 0 || reducer.Rank >= reducer.Size)
            Errors.Argument($"the gradient reducer says rank {reducer.Rank} of {reducer.Size}; a reducer's rank must be 0 to Size - 1, with Size at least 1.");
        this.reducer = reducer;
        this.trainer = trainer;
        this.train = train;
        this.fused = fused;
        (shardStart, shardEnd) = Shard(train.Count, reducer.Rank, reducer.Size);
        rows = new int[batchSize];
        closure = Evaluate;
        var parameters = trainer.Model.Parameters;
        // Per parameter: its gradient, then whether any rank had one (a parameter the batch never
        // reaches has none, and the optimizer skips it as one process would); then loss, cancel.
        buffer = new T[parameters.Sum(p => p.Size) + parameters.Count + 2];
        AgreeOnShape(parameters.Sum(p => (long)p.Size));
        // Seeded initialisation gives every rank the same start; rank 0's weights make it certain
        // for a program whose model was built differently per process.
        foreach (var p in parameters) Broadcast(p.Data);
    }

    /// <summary>Rows [Start, End) of <paramref name="rows"/> belong to <paramref name="rank"/> of <paramref name="size"/>: contiguous, sizes differing by at most one.</summary>
    public static (int Start, int End) Shard(int rows, int rank, int size) =>
        ((int)((long)rows * rank / size), (int)((long)rows * (rank + 1) / size));

    /// <summary>True when some rank's token was cancelled before the last step: every rank stops after the same batch.</summary>
    public bool AnyCancelled { get; private set; }

    /// <summary>One update on global batch order[start .. start+count) (rows start.. when order is null); returns the whole batch's loss before it.</summary>
    public double Step(int[]? order, int start, int count, bool cancelled)
    {
        int n = 0;
        for (int i = start; i < start + count; i++)
        {
            int row = order?[i] ?? i;
            if (row >= shardStart && row < shardEnd) rows[n++] = row;
        }
        this.count = n;
        globalCount = count;
        cancelHere = cancelled;
        return double.CreateTruncating(trainer.Optimizer.Step(closure));
    }

    /// <summary>The closure the optimizer calls (more than once for line searches): every call is one allreduce on every rank.</summary>
    private T Evaluate()
    {
        trainer.Optimizer.ZeroGrad();
        T loss = T.Zero;
        if (count > 0)
            loss = fused is not null ? fused(train, rows, 0, count) : trainer.LocalGradient(train.Rows(rows[..count]));
        loss = Reduce(loss);
        if (T.IsFinite(loss)) trainer.Clip();
        return loss;
    }

    /// <summary>
    /// Sums share * gradient and share * loss over the ranks, share = this rank's rows / the batch's
    /// rows: the mean over the whole batch, as one process computes it.
    /// </summary>
    private T Reduce(T loss)
    {
        var parameters = trainer.Model.Parameters;
        T share = T.CreateTruncating(count) / T.CreateTruncating(globalCount);
        int at = 0, flags = buffer.Length - parameters.Count - 2;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var slot = buffer.AsSpan(at, p.Size);
            if (p.Grad is { } g) TensorPrimitives.Multiply(g.Data, share, slot);
            else slot.Clear();
            buffer[flags + i] = p.Grad is null ? T.Zero : T.One;
            at += p.Size;
        }
        // A rank without rows adds nothing; 0 * NaN would still be NaN, so the loss is left out.
        buffer[^2] = count > 0 ? share * loss : T.Zero;
        buffer[^1] = cancelHere ? T.One : T.Zero;
        Sum(buffer);
        at = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (buffer[flags + i] > T.Zero)
            {
                p.Grad ??= Downhill.NDArray<T>.Zeros(p.Shape.ToArray());
                buffer.AsSpan(at, p.Size).CopyTo(p.Grad.Data);
            }
            else p.Grad = null;
            at += p.Size;
        }
        AnyCancelled = buffer[^1] > T.Zero;
        return buffer[^2];
    }

    /// <summary>Ranks that loaded different data or built different models would sum unrelated numbers; all ranks find out together.</summary>
    private void AgreeOnShape(long parameterElements)
    {
        Span<double> totals = [train.Count, parameterElements];
        reducer.Sum(totals);
        if (totals[0] != (double)train.Count * reducer.Size || totals[1] != (double)parameterElements * reducer.Size)
            Errors.Argument($"rank {reducer.Rank} of {reducer.Size} holds {train.Count} training rows and {parameterElements} parameter values, " +
                $"but the ranks' totals are {totals[0]} and {totals[1]}: every rank must load the same data and build the same model " +
                "with the same settings (the same file, validation share and model), and take its shard of the rows from it.");
    }

    private void Sum(Span<T> values)
    {
        if (typeof(T) == typeof(float)) reducer.Sum(MemoryMarshal.Cast<T, float>(values));
        else if (typeof(T) == typeof(double)) reducer.Sum(MemoryMarshal.Cast<T, double>(values));
        else Errors.Argument($"data-parallel training sums float or double gradients, not {typeof(T).Name}.");
    }

    private void Broadcast(Span<T> values)
    {
        if (typeof(T) == typeof(float)) reducer.Broadcast(MemoryMarshal.Cast<T, float>(values), 0);
        else if (typeof(T) == typeof(double)) reducer.Broadcast(MemoryMarshal.Cast<T, double>(values), 0);
        else Errors.Argument($"data-parallel training broadcasts float or double weights, not {typeof(T).Name}.");
    }
}
