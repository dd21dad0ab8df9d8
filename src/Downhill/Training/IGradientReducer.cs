namespace Downhill.Training;

/// <summary>
/// The transport a data-parallel <see cref="TrainingSession{T}"/> sums gradients over: one of
/// <see cref="Size"/> processes (ranks) that each hold a shard of the training rows. Every call
/// is collective: all ranks make the same calls in the same order with spans of the same length,
/// and each returns only when all have arrived. <see cref="Distributed.MpiReducer"/> is MPI;
/// a program can plug in its own (sockets, shared memory, a test's threads).
/// </summary>
public interface IGradientReducer
{
    /// <summary>This process's place among the ranks, 0 to <see cref="Size"/> - 1; rank 0 writes the results.</summary>
    int Rank { get; }

    /// <summary>How many ranks train together.</summary>
    int Size { get; }

    /// <summary>Replaces every element of <paramref name="values"/> with its sum over all ranks (allreduce-sum); every rank gets the same bits.</summary>
    void Sum(Span<float> values);

    /// <inheritdoc cref="Sum(Span{float})"/>
    void Sum(Span<double> values);

    /// <summary>Copies rank <paramref name="root"/>'s <paramref name="values"/> into every other rank's.</summary>
    void Broadcast(Span<float> values, int root);

    /// <inheritdoc cref="Broadcast(Span{float}, int)"/>
    void Broadcast(Span<double> values, int root);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();
}

/// <summary>One process alone: sums and broadcasts leave the values as they are. The default.</summary>
public sealed class SingleProcess : IGradientReducer
{
    /// <summary>The one instance; it holds no state.</summary>
    public static SingleProcess Instance { get; } = new();

    private SingleProcess() { }

    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int Size => 1;

    /// <inheritdoc/>
    public void Sum(Span<float> values) { }

    /// <inheritdoc/>
    public void Sum(Span<double> values) { }

    /// <inheritdoc/>
    public void Broadcast(Span<float> values, int root) => CheckRoot(root);

    /// <inheritdoc/>
    public void Broadcast(Span<double> values, int root) => CheckRoot(root);

    /// <inheritdoc/>
    public void Barrier() { }

    private static void CheckRoot(int root)
    {
        if (root != 0) Errors.OutOfRange("root", root, "rank 0, the only rank of a single process");
    }
}
