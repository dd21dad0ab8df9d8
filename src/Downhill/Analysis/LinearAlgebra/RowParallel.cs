namespace Downhill.Analysis.LinearAlgebra;

internal static class RowParallel
{
    /// <summary>
    /// Splits [0, rows) into at most <see cref="Parallelism.Threads"/> contiguous chunks of at
    /// least <paramref name="minimumRows"/> rows and runs body(chunk, start, end) on each,
    /// on the calling thread when there is only one. Chunks are numbered 0..count-1 so each can
    /// write its own partial result; the count is returned for the caller to combine them.
    /// </summary>
    public static int Chunks(int rows, int minimumRows) =>
        Math.Max(1, Math.Min(Parallelism.Threads, rows / Math.Max(1, minimumRows)));

    public static void For(int rows, int chunks, Action<int, int, int> body)
    {
        if (chunks == 1)
        {
            body(0, 0, rows);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, chunk =>
        {
            long start = (long)rows * chunk / chunks, end = (long)rows * (chunk + 1) / chunks;
            body(chunk, (int)start, (int)end);
        });
    }
}
