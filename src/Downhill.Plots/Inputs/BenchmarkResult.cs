namespace Downhill.Plots;

/// <summary>One measured number of a benchmark: a workload run by a tool (Downhill, PyTorch, ...).</summary>
public sealed record BenchmarkResult(string Workload, string Tool, double Value);
