using System.Runtime.InteropServices;
using Downhill.Training;

namespace Downhill.Distributed;

/// <summary>
/// <see cref="IGradientReducer"/> over MPI_COMM_WORLD of Open MPI (<c>libmpi.so.40</c>, Debian's
/// <c>openmpi-bin libopenmpi-dev</c>), bound by hand with <see cref="NativeLibrary"/>: the few calls
/// training needs. A process started by <c>mpirun</c> gets one with <see cref="FromLaunch"/>; one
/// started otherwise gets null and never loads the library.
/// </summary>
/// <remarks>
/// NOTE: Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_DOUBLE, MPI_SUM) are the addresses of
/// exported globals (<c>ompi_mpi_comm_world</c>, ...), not integers as in MPICH, so this binding is
/// Open MPI's alone. MPI's default error handler ends the job on a failed call; the return codes are
/// checked all the same.
/// </remarks>
public sealed unsafe class MpiReducer : IGradientReducer, IDisposable
{
    /// <summary>The library loaded; Open MPI 4 and 5 both ship it under this name.</summary>
    public const string LibraryName = "libmpi.so.40";

    private const int ThreadSerialized = 2; // MPI_THREAD_SERIALIZED: one thread at a time, not always the first
    private static readonly void* InPlace = (void*)1; // Open MPI's MPI_IN_PLACE
    private static readonly Lock Gate = new();
    private static MpiReducer? world;

    private readonly nint comm, floatType, doubleType, sumOp;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> allreduce;
    private readonly delegate* unmanaged<void*, int, nint, int, nint, int> bcast;
    private readonly delegate* unmanaged<nint, int> barrier;
    private readonly delegate* unmanaged<nint, int, int> abort;
    private readonly delegate* unmanaged<int> finalize;
    private bool finalized;

    /// <summary>True when this process was started by Open MPI's <c>mpirun</c> (it sets OMPI_COMM_WORLD_SIZE and OMPI_COMM_WORLD_RANK).</summary>
    public static bool Launched =>
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null && Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK") is not null;

    /// <summary>
    /// The world of this <c>mpirun</c> job, MPI initialised on first use; null when the process was not
    /// started by <c>mpirun</c>. Throws with the fix when the library cannot be loaded.
    /// </summary>
    public static MpiReducer? FromLaunch()
    {
        if (!Launched) return null;
        lock (Gate) return world ??= new MpiReducer();
    }

    private MpiReducer()
    {
        if (!NativeLibrary.TryLoad(LibraryName, out var lib))
            throw new DllNotFoundException($"this process was started by mpirun (OMPI_COMM_WORLD_SIZE={Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE")}), " +
                $"but Open MPI's {LibraryName} could not be loaded; install it (Debian: apt-get install openmpi-bin libopenmpi-dev), or run without mpirun for one process.");
        nint Export(string name) => NativeLibrary.GetExport(lib, name);
        var init = (delegate* unmanaged<int*, byte***, int, int*, int>)Export("MPI_Init_thread");
        var rank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        var size = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Export("MPI_Allreduce");
        bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Export("MPI_Bcast");
        barrier = (delegate* unmanaged<nint, int>)Export("MPI_Barrier");
        abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
        finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        comm = Export("ompi_mpi_comm_world");
        floatType = Export("ompi_mpi_float");
        doubleType = Export("ompi_mpi_double");
        sumOp = Export("ompi_mpi_op_sum");

        int provided;
        Check(init(null, null, ThreadSerialized, &provided), "MPI_Init_thread");
        // The training loop may run its MPI calls on a thread other than the first; less than
        // 'serialized' would make that undefined.
        if (provided < ThreadSerialized)
            throw new InvalidOperationException($"Open MPI gave thread level {provided}; training needs MPI_THREAD_SERIALIZED ({ThreadSerialized}). Rebuild Open MPI with thread support.");
        int r, s;
        Check(rank(comm, &r), "MPI_Comm_rank");
        Check(size(comm, &s), "MPI_Comm_size");
        Rank = r;
        Size = s;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <inheritdoc/>
    public void Sum(Span<float> values)
    {
        fixed (float* p = values) AllreduceSum(p, values.Length, sizeof(float), floatType);
    }

    /// <inheritdoc/>
    public void Sum(Span<double> values)
    {
        fixed (double* p = values) AllreduceSum(p, values.Length, sizeof(double), doubleType);
    }

    /// <inheritdoc/>
    public void Broadcast(Span<float> values, int root)
    {
        fixed (float* p = values) Bcast(p, values.Length, sizeof(float), floatType, root);
    }

    /// <inheritdoc/>
    public void Broadcast(Span<double> values, int root)
    {
        fixed (double* p = values) Bcast(p, values.Length, sizeof(double), doubleType, root);
    }

    /// <inheritdoc/>
    public void Barrier() => Check(barrier(comm), "MPI_Barrier");

    /// <summary>Ends every rank of the job with <paramref name="exitCode"/> (MPI_Abort); for an error one rank cannot recover from alone.</summary>
    public void Abort(int exitCode)
    {
        abort(comm, exitCode);
        Environment.Exit(exitCode); // MPI_Abort does not return; if it ever did, this rank still must not go on
    }

    /// <summary>MPI_Finalize, once; every rank calls it at the end of the job.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (finalized) return;
            finalized = true;
            Check(finalize(), "MPI_Finalize");
        }
    }

    // MPI counts are ints: longer spans go in pieces.
    private const int MaxCount = 1 << 30;

    private void AllreduceSum(byte* data, int length, int elementSize, nint type)
    {
        for (int at = 0; at < length; at += MaxCount)
            Check(allreduce(InPlace, data + (long)at * elementSize, Math.Min(MaxCount, length - at), type, sumOp, comm), "MPI_Allreduce");
    }

    private void AllreduceSum(void* data, int length, int elementSize, nint type) => AllreduceSum((byte*)data, length, elementSize, type);

    private void Bcast(void* data, int length, int elementSize, nint type, int root)
    {
        if (root < 0 || root >= Size) Errors.OutOfRange("root", root, $"a rank from 0 to {Size - 1}");
        for (int at = 0; at < length; at += MaxCount)
            Check(bcast((byte*)data + (long)at * elementSize, Math.Min(MaxCount, length - at), type, root, comm), "MPI_Bcast");
    }

    private void Check(int code, string call)
    {
        if (code != 0) throw new InvalidOperationException($"{call} failed with MPI error code {code} on rank {Rank} of {Size}.");
    }
}
