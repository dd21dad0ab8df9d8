using System.Diagnostics;

namespace Downhill.Bench;

/// <summary>
/// GFLOP/s of the float GEMM per shape from a Stopwatch loop: each sample runs the call for
/// about 40 ms, the median of 5 samples is printed. Good for a table in under a minute; use
/// the BenchmarkDotNet class for numbers with error bars. On a shared machine the wall clock
/// also counts time the thread spent descheduled, so the single-thread runs are also given
/// per second of the process's CPU time ("1t cpu"), which other processes inflate far less.
/// </summary>
internal static class GemmQuick
{
    public static int Run()
    {
        // Tiered JIT: methods start unoptimized and are recompiled after 30 calls plus a 100 ms
        // quiet period, so a shape measured first would time tier-0 code. Warm every path first.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 500)
            foreach (var shape in GemmShape.All.Where(s => s.Flops < 1e8))
                foreach (int threads in new[] { 1, 2 })
                    Measure(shape, Gemm.BestKernel, threads, samples: 1, sampleMs: 1);

        Console.WriteLine($"CPU load average before the run: {LoadAverage()}");
        Console.WriteLine($"{"shape",-28} {"m",5} {"k",5} {"n",5} {"portable 1t",12} {"tuned 1t",9} {"1t cpu",7} {"tuned 2t",9}");
        foreach (var shape in GemmShape.All)
        {
            var portable = Measure(shape, GemmKernel.Portable, threads: 1);
            var one = Measure(shape, Gemm.BestKernel, threads: 1);
            var two = Measure(shape, Gemm.BestKernel, threads: 2);
            Console.WriteLine($"{shape.Name,-28} {shape.M,5} {shape.K,5} {shape.N,5} {portable.Wall,12:F1} {one.Wall,9:F1} {one.Cpu,7:F1} {two.Wall,9:F1}");
        }
        Console.WriteLine($"GFLOP/s, median of 5; tuned kernel: {Gemm.BestKernel}; load average after: {LoadAverage()}");
        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    /// <summary>Median GFLOP/s per second of wall-clock time and per second of process CPU time.</summary>
    private static (double Wall, double Cpu) Measure(GemmShape s, GemmKernel kernel, int threads, int samples = 5, int sampleMs = 40)
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
            void Call() => Gemm.Packed<float>(a, b, c, s.M, s.K, s.N, s.TransA, s.TransB, accumulate: false, kernel);
            var watch = Stopwatch.StartNew();
            int calls = 0;
            while (watch.ElapsedMilliseconds < sampleMs || calls < 3) { Call(); calls++; }

            var wall = new double[samples];
            var cpu = new double[samples];
            for (int t = 0; t < samples; t++)
            {
                var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
                watch.Restart();
                for (int i = 0; i < calls; i++) Call();
                wall[t] = s.Flops * calls / watch.Elapsed.TotalSeconds / 1e9;
                cpu[t] = s.Flops * calls / (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds / 1e9;
            }
            Array.Sort(wall);
            Array.Sort(cpu);
            return (wall[samples / 2], cpu[samples / 2]);
        }
        finally
        {
            Parallelism.Threads = saved;
        }
    }
}
