using BenchmarkDotNet.Running;
using Downhill.Bench;

// "gemm-quick" is a Stopwatch run that takes under a minute; "workloads" prints bench/run's
// measurement lines (bench/README.peers.md); everything else goes to BenchmarkDotNet, which
// finds every benchmark class in this assembly.
if (args is ["gemm-quick", ..])
    return GemmQuick.Run();
if (args is ["workloads", ..])
    return Workloads.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
