using BenchmarkDotNet.Attributes;
using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Training;

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
    private NDArray<float> batch = null!;
    private int[] labels = null!;
    private TrainingData<float> data = null!;
    private NetworkStep<float> fused = null!;

    [Params(32)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.Threads = 1;
        network = new Network<float>(ModelKind.Mlp, 784, 10, [128], Activation.Relu, seed: 1);
        var rng = new Random(2);
        batch = NDArray<float>.Uniform(rng, 0, 1, BatchSize, 784);
        labels = Enumerable.Range(0, BatchSize).Select(i => i % 10).ToArray();
        data = new TrainingData<float>(batch, null, labels);
        fused = NetworkStep<float>.For(network, Loss.CrossEntropy)!;
    }

    [Benchmark(Description = "784-128-10 forward+backward")]
    public float ForwardBackward()
    {
        foreach (var p in network.Parameters) p.ZeroGrad();
        var loss = network.Forward(batch).SoftmaxCrossEntropy(labels);
        loss.Backward();
        return loss.Item();
    }

    /// <summary>The same pass as the Trainer runs it for networks: fused, in buffers made once.</summary>
    [Benchmark(Description = "784-128-10 fused step (Trainer's path)")]
    public float FusedForwardBackward()
    {
        foreach (var p in network.Parameters) p.ZeroGrad();
        return fused.Run(data, null, 0, BatchSize);
    }
}
