using System.Diagnostics;

namespace Downhill.Bench;

/// <summary>
/// GFLOP/s of the float GEMM per shape from a Stopwatch loop: each sample runs the call for
/// about 40 ms, the median of 5 samples is printed. Good for a table in under a minute; use
/// the BenchmarkDotNet class for numbers with error bars.
/// </summary>
internal static class GemmQuick
{
    public static int Run()
    {
        Console.WriteLine($"{"shape",-28} {"m",5} {"k",5} {"n",5} {"portable 1t",12} {"tuned 1t",10} {"tuned 2t",10}");
        foreach (var shape in GemmShape.All)
        {
            double portable = Measure(shape, SgemmKernel.Portable, threads: 1);
            double one = Measure(shape, Gemm.BestSgemmKernel, threads: 1);
            double two = Measure(shape, Gemm.BestSgemmKernel, threads: 2);
            Console.WriteLine($"{shape.Name,-28} {shape.M,5} {shape.K,5} {shape.N,5} {portable,12:F1} {one,10:F1} {two,10:F1}");
        }
        Console.WriteLine($"GFLOP/s, median of 5; tuned kernel: {Gemm.BestSgemmKernel}");
        return 0;
    }

    private static double Measure(GemmShape s, SgemmKernel kernel, int threads)
    {
        var rng = new Random(1);
        var a = new float[s.M * s.K];
        var b = new float[s.K * s.N];
        var c = new float[s.M * s.N];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;

        int saved = Parallelism.Threads;
        Parallelism.Threads = threads;
        try
        {
            void Call() => Gemm.Sgemm(a, b, c, s.M, s.K, s.N, s.TransA, s.TransB, accumulate: false, kernel);
            var watch = Stopwatch.StartNew();
            int calls = 0;
            while (watch.ElapsedMilliseconds < 40 || calls < 3) { Call(); calls++; }

            var samples = new double[5];
            for (int t = 0; t < samples.Length; t++)
            {
                watch.Restart();
                for (int i = 0; i < calls; i++) Call();
                samples[t] = s.Flops * calls / watch.Elapsed.TotalSeconds / 1e9;
            }
            Array.Sort(samples);
            return samples[samples.Length / 2];
        }
        finally
        {
            Parallelism.Threads = saved;
        }
    }
}
