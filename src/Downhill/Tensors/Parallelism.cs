namespace Downhill;

/// <summary>How many threads the kernels (GEMM, batch-parallel loops) may use.</summary>
public static class Parallelism
{
    private static int threads = Environment.ProcessorCount;

    /// <summary>Defaults to every core. 1 runs everything on the calling thread.</summary>
    public static int Threads
    {
        get => threads;
        set
        {
            if (value < 1) Errors.OutOfRange(nameof(Threads), value, "at least 1");
            threads = value;
        }
    }
}
