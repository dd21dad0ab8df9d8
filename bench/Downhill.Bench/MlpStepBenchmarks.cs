using BenchmarkDotNet.Attributes;
using Downhill.Models;
using Downhill.Nn;

namespace Downhill.Bench;

/// <summary>
/// One forward and backward pass of the 784-128-10 ReLU network on a batch of 32 (the unit of
/// work of W2): the fused dense layers, the softmax cross-entropy and Backward() on the tape.
/// Random inputs stand in for images; only the shapes matter for the time.
/// </summary>
[MemoryDiagnoser]
public class MlpStepBenchmarks
{
    private Network<float> network = null!;
    private Tensor<float> batch = null!;
    private int[] labels = null!;

    [Params(32)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.Threads = 1;
        network = new Network<float>(ModelKind.Mlp, 784, 10, [128], Activation.Relu, seed: 1);
        var rng = new Random(2);
        batch = Tensor<float>.Uniform(rng, 0, 1, BatchSize, 784);
        labels = Enumerable.Range(0, BatchSize).Select(i => i % 10).ToArray();
    }

    [Benchmark(Description = "784-128-10 forward+backward")]
    public float ForwardBackward()
    {
        foreach (var p in network.Parameters) p.ZeroGrad();
        var loss = network.Forward(batch).SoftmaxCrossEntropy(labels);
        loss.Backward();
        return loss.Item();
    }
}
