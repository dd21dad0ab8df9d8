using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Downhill.Bench;

/// <summary>
/// GFLOP/s of GEMM per shape from a Stopwatch loop: each sample runs the call for about 40 ms,
/// the best of 7 samples is printed (on a machine shared with other work, the best sample is the
/// one least disturbed). The kernel is the widest the CPU has, or the one DOWNHILL_VECTOR_WIDTH
/// caps it to, so one run per width compares them. Good for a table in under a minute; use the
/// BenchmarkDotNet class for numbers with error bars. On a shared machine the wall clock also
/// counts time the thread spent descheduled, so single-thread runs are also given per second
/// of process CPU time ("cpu"), which other processes inflate far less.
/// </summary>
internal static partial class GemmQuick
{
    /// <summary>Every shape, or those whose name contains one of <paramref name="only"/> ("fwd", "1024").</summary>
    public static int Run(IReadOnlyList<string> only)
    {
        var shapes = GemmShape.All.Where(s => only.Count == 0 || only.Any(s.Name.Contains)).ToList();
        // Tiered JIT: methods start unoptimized and are recompiled after 30 calls plus a 100 ms
        // quiet period, so a shape measured first would time tier-0 code. Warm every path first.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.ElapsedMilliseconds < 500)
            foreach (var shape in shapes.Where(s => s.Flops < 1e8))
                foreach (int threads in new[] { 1, 2 })
                    foreach (var kernel in new[] { GemmKernel.Portable, Gemm.BestKernel })
                    {
                        Measure<float>(shape, kernel, threads, samples: 1, sampleMs: 1);
                        Measure<double>(shape, kernel, threads, samples: 1, sampleMs: 1);
                    }

        Console.WriteLine($"load average before: {LoadAverage()}; tuned kernel: {Gemm.BestKernel} ({Gemm.VectorBits}-bit vectors)");
        Table<float>(shapes);
        if (only.Count == 0) Table<double>(shapes.Where(s => s.Name is "256^3" or "1024^3" or "fwd 32x784x128"));
        Console.WriteLine($"GFLOP/s, best of 7; load average after: {LoadAverage()}");
        return 0;
    }

    private static void Table<T>(IEnumerable<GemmShape> shapes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Console.WriteLine();
        Console.WriteLine($"{typeof(T).Name,-28} {"m",5} {"k",5} {"n",5} {"portable 1t cpu",16} {"tuned 1t cpu",13} {"tuned 1t",9} {"tuned 2t",9}");
        foreach (var shape in shapes)
        {
            var portable = Measure<T>(shape, GemmKernel.Portable, threads: 1, samples: 1);
            var one = Measure<T>(shape, Gemm.BestKernel, threads: 1);
            var two = Measure<T>(shape, Gemm.BestKernel, threads: 2);
            Console.WriteLine($"{shape.Name,-28} {shape.M,5} {shape.K,5} {shape.N,5} {portable.Cpu,16:F1} {one.Cpu,13:F1} {one.Wall,9:F1} {two.Wall,9:F1}");
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    /// <summary>Best GFLOP/s per second of wall-clock time and per second of process CPU time.</summary>
    private static (double Wall, double Cpu) Measure<T>(GemmShape s, GemmKernel kernel, int threads, int samples = 7, int sampleMs = 40)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(1);
        var a = new T[s.M * s.K];
        var b = new T[s.K * s.N];
        var c = new T[s.M * s.N];
        for (int i = 0; i < a.Length; i++) a[i] = T.CreateChecked(rng.NextDouble() - 0.5);
        for (int i = 0; i < b.Length; i++) b[i] = T.CreateChecked(rng.NextDouble() - 0.5);

        int saved = Parallelism.Threads;
        Parallelism.Threads = threads;
        try
        {
            void Call() => Gemm.Packed<T>(a, b, c, s.M, s.K, s.N, s.TransA, s.TransB, accumulate: false, kernel, threads);
            var watch = Stopwatch.StartNew();
            int calls = 0;
            while (watch.ElapsedMilliseconds < sampleMs || calls < 3) { Call(); calls++; }

            var wall = new double[samples];
            var cpu = new double[samples];
            for (int t = 0; t < samples; t++)
            {
                double cpuStart = CpuSeconds();
                watch.Restart();
                for (int i = 0; i < calls; i++) Call();
                wall[t] = s.Flops * calls / watch.Elapsed.TotalSeconds / 1e9;
                cpu[t] = s.Flops * calls / (CpuSeconds() - cpuStart) / 1e9;
            }
            return (wall.Max(), cpu.Max());
        }
        finally
        {
            Parallelism.Threads = saved;
        }
    }

    /// <summary>
    /// CPU time of this process. On Linux from clock_gettime (nanoseconds), because
    /// Process.TotalProcessorTime there counts 10 ms ticks, a quarter of a 40 ms sample.
    /// </summary>
    internal static double CpuSeconds()
    {
        const int ClockProcessCpuTimeId = 2;
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockProcessCpuTimeId, out var ts) == 0)
            return ts.Seconds + ts.Nanoseconds * 1e-9;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);
}
