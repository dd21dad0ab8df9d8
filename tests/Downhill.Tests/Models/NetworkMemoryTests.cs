using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Training;

namespace Downhill.Tests.Models;

/// <summary>
/// <c>downhill fit small.csv --model mlp:40000,40000</c> grew to 24 GB before the system killed
/// it; the network now refuses up front, with the parameter count and the memory it would need.
/// </summary>
public class NetworkMemoryTests
{
    [Fact]
    public void A_network_too_large_to_train_is_refused_with_its_size_and_the_fix()
    {
        // 2·40000 + 40000 (first layer) + 40000·40000 + 40000 (second) + 40000 + 1 (output), counted by hand.
        const long parameters = 80_000 + 40_000 + 1_600_000_000 + 40_000 + 40_001;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentException>(() => new Network<float>(ModelKind.Mlp, 2, 1, [40000, 40000], Activation.Relu, seed: 0));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
        Assert.Equal(1_600_200_001, parameters);
        Assert.Equal("Network: mlp:40000,40000 on 2 inputs and 1 output has 1,600,200,001 parameters; training it needs about 25.6 GB " +
            "(4 bytes per parameter in float32, times 4: the values, their gradients and the optimizer's two moment buffers), " +
            "more than the 4 GiB limit. Use fewer hidden units, e.g. mlp:128 or mlp:256,128.", e.Message);
    }

    [Fact]
    public void The_limit_counts_bytes_per_parameter_of_the_precision()
    {
        // 2^28 = 268,435,456 parameters fill the 4 GiB limit in float32 (4 copies of 4 bytes); 2^27 in float64.
        // One layer of 1 input to 2^27 - 1 outputs holds 2·(2^27 - 1) = 2^28 - 2 parameters: under in float32, over in float64.
        int outputs = (1 << 27) - 1;
        var e = Assert.Throws<ArgumentException>(() => new Network<double>(ModelKind.Linear, 1, outputs, [], Activation.Identity, seed: 0));
        Assert.Contains("has 268,435,454 parameters; training it needs about 8.6 GB (8 bytes per parameter in float64", e.Message);
        Assert.EndsWith("or fewer input columns.", e.Message);
        Assert.Equal(1L << 32, Network<double>.MaxTrainingBytes);
    }

    [Fact]
    public void A_large_but_reasonable_network_is_built()
    {
        // The comment on MaxTrainingBytes: 784-1024-1024-10 has 1.9M parameters.
        var network = new Network<float>(ModelKind.Mlp, 784, 10, [1024, 1024], Activation.Relu, seed: 0);
        Assert.Equal(784 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10, network.ParameterCount);
    }

    [Fact]
    public void Fit_refuses_before_training()
    {
        var data = Dataset.Regression(["x"], [1, 2, 3], ["y"], [2, 4, 6]);
        var e = Assert.Throws<ArgumentException>(() => Fitting.Fit(data, new FitSettings { Model = ModelSpec.Parse("mlp:40000,40000") }));
        Assert.StartsWith("Network: mlp:40000,40000 on 1 input and 1 output has 1,600,160,001 parameters", e.Message);
    }
}
