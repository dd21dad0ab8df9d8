using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Downhill.Data;

namespace Downhill.Bench;

/// <summary>
/// Reading a numeric CSV file of 1,000,000 rows x 21 columns (20 features and a target) into a
/// <see cref="Dataset"/>, against Sylvan.Data.Csv reading the same doubles, one thread each
/// (Downhill's parts on several threads are measured by W8). Results: bench/README.csv.md.
/// </summary>
[MemoryDiagnoser]
public class CsvBenchmarks
{
    public const int Rows = 1_000_000, Columns = 21;

    private string path = "";

    [Params(NumberStyle.Short, NumberStyle.RoundTrip)]
    public NumberStyle Numbers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.Threads = 1;
        path = WriteFile(Numbers, Rows);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(path);

    [Benchmark]
    public int DownhillCsv() => Csv.Read(path, new DataOptions { Targets = ["y"] }).Count;

    [Benchmark(Baseline = true)]
    public int SylvanCsv() => SylvanCsv(Rows);

    private int SylvanCsv(int rows)
    {
        var values = new double[rows * Columns];
        using var reader = Sylvan.Data.Csv.CsvDataReader.Create(path);
        int row = 0;
        while (reader.Read())
        {
            for (int j = 0; j < Columns; j++) values[row * Columns + j] = reader.GetDouble(j);
            row++;
        }
        return row;
    }

    /// <summary>How the numbers are written.</summary>
    public enum NumberStyle
    {
        /// <summary>Up to 4 decimals ("-12.3457"), as measurements and exported tables usually are: ~8 bytes a field.</summary>
        Short,
        /// <summary>Full round-trip doubles ("-12.345678901234567"): the worst case, ~19 bytes a field.</summary>
        RoundTrip,
    }

    /// <summary>A seeded numeric CSV file in the temp folder with columns x0..x19 and y.</summary>
    public static string WriteFile(NumberStyle style, int rows)
    {
        var file = Path.Combine(Path.GetTempPath(), $"downhill-bench-{style}-{rows}.csv");
        var rng = new Random(1);
        using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(",", Enumerable.Range(0, Columns - 1).Select(j => $"x{j}")) + ",y\n");
        var line = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            line.Clear();
            for (int j = 0; j < Columns; j++)
            {
                double v = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(0, 4));
                if (j > 0) line.Append(',');
                line.Append(style == NumberStyle.Short ? Math.Round(v, 4).ToString(CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture));
            }
            writer.Write(line.Append('\n'));
        }
        return file;
    }

    /// <summary>
    /// A quick Stopwatch run outside BenchmarkDotNet, for busy machines: best of
    /// <paramref name="repeats"/> reads, as MB/s of file per wall second and per CPU second of
    /// this thread, and the bytes allocated per read against the float32 size of the data.
    /// </summary>
    public static void Quick(TextWriter output, int rows = Rows, int repeats = 5)
    {
        Parallelism.Threads = 1;
        foreach (var style in new[] { NumberStyle.Short, NumberStyle.RoundTrip })
        {
            var file = WriteFile(style, rows);
            double megabytes = new FileInfo(file).Length / 1e6;
            double bestWall = double.MaxValue, bestCpu = double.MaxValue;
            long allocated = 0;
            for (int r = 0; r < repeats; r++)
            {
                GC.Collect();
                long before = GC.GetAllocatedBytesForCurrentThread();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var data = Csv.Read(file, new DataOptions { Targets = ["y"] });
                clock.Stop();
                double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                if (data.Count != rows) throw new InvalidOperationException($"read {data.Count} rows, wrote {rows}");
                bestWall = Math.Min(bestWall, clock.Elapsed.TotalSeconds);
                bestCpu = Math.Min(bestCpu, cpuSeconds);
            }
            var sylvan = new CsvBenchmarks { path = file };
            double bestSylvan = double.MaxValue, bestSylvanCpu = double.MaxValue;
            for (int r = 0; r < repeats; r++)
            {
                GC.Collect();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                sylvan.SylvanCsv(rows);
                bestSylvan = Math.Min(bestSylvan, clock.Elapsed.TotalSeconds);
                bestSylvanCpu = Math.Min(bestSylvanCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            }
            double floatBytes = (double)rows * Columns * sizeof(float);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{style,-9} {megabytes,7:F1} MB  {megabytes / bestWall,6:F0} MB/s wall  {megabytes / bestCpu,6:F0} MB/s cpu  allocated {allocated / 1e6,6:F1} MB = {allocated / floatBytes:F2}x float data; Sylvan {megabytes / bestSylvan,6:F0} MB/s wall {megabytes / bestSylvanCpu,6:F0} MB/s cpu"));
            File.Delete(file);
        }
    }
}
