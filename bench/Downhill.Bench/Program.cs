using BenchmarkDotNet.Running;
using Downhill.Bench;

// "gemm-quick [name part...]", "csv-quick" and "conv-quick" are Stopwatch runs that take a minute or two; "workloads" prints bench/run's
// measurement lines (bench/README.peers.md); everything else goes to BenchmarkDotNet, which
// finds every benchmark class in this assembly.
if (args is ["gemm-quick", ..])
    return GemmQuick.Run(args[1..]);
if (args is ["csv-quick", ..])
{
    CsvBenchmarks.Quick(Console.Out);
    return 0;
}
if (args is ["data-parallel", ..])
    return DataParallelBench.Run(args);
if (args is ["conv-quick", ..])
    return ConvQuick.Run(args);
if (args is ["workloads", ..])
    return Workloads.Run(args);
if (args is ["to-parquet", ..])
    return await ToParquet.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
