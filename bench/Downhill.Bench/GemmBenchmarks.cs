using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Downhill.Bench;

/// <summary>
/// Float GEMM on square sizes and the MNIST Dense-layer shapes, at 1 and 2 threads, with a
/// GFLOP/s column. Run: <c>dotnet run -c Release --project bench/Downhill.Bench -- --filter *Gemm*</c>.
/// </summary>
[Config(typeof(GflopsConfig))]
public class GemmBenchmarks
{
    private float[] a = [], b = [], c = [];

    public static IEnumerable<GemmShape> Shapes => GemmShape.All;

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.All[0];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        a = new float[Shape.M * Shape.K];
        b = new float[Shape.K * Shape.N];
        c = new float[Shape.M * Shape.N];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;
        Parallelism.Threads = Threads;
    }

    [Benchmark]
    public void Sgemm() =>
        Gemm.Multiply<float>(a, b, c, Shape.M, Shape.K, Shape.N, Shape.TransA, Shape.TransB, accumulate: false);

    private sealed class GflopsConfig : ManualConfig
    {
        public GflopsConfig() => AddColumn(new GflopsColumn());
    }

    /// <summary>2mkn floating-point operations divided by the mean time.</summary>
    private sealed class GflopsColumn : IColumn
    {
        public string Id => nameof(GflopsColumn);
        public string ColumnName => "GFLOP/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => "2*M*K*N / mean time, in 1e9 floating-point operations per second";

        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
            GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var statistics = summary[benchmarkCase]?.ResultStatistics;
            if (statistics is null || benchmarkCase.Parameters["Shape"] is not GemmShape shape) return "NA";
            return (shape.Flops / statistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
