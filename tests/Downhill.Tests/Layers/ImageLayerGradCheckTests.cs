using Downhill.Models;
using Downhill.Nn;

namespace Downhill.Tests.Layers;

/// <summary>
/// Every image layer's Backward() against central finite differences in float64 (GradCheck),
/// for every input that takes a gradient, and a whole conv network in training mode.
/// </summary>
public class ImageLayerGradCheckTests
{
    // Central differences with h = 1e-6 are accurate to ~1e-9 here; a wrong rule is off by O(1).
    private const double Tolerance = 1e-6;

    private static NDArray<double> Random(int seed, params int[] shape)
    {
        var t = NDArray<double>.Uniform(new Random(seed), -1, 1, shape);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>d/dθ sum(r * f()) for a fixed random r, so every output element counts differently.</summary>
    private static void Check(Func<NDArray<double>> f, params NDArray<double>[] inputs)
    {
        NDArray<double> r;
        using (Autograd.NoGrad()) r = NDArray<double>.Uniform(new Random(99), -1, 1, f().Shape.ToArray());
        var report = GradCheck.Run(() => (f() * r).Sum(), inputs);
        Assert.True(report.Passes(Tolerance),
            string.Join("; ", report.Parameters.Select(p => $"{p.Name}: rel {p.WorstRelativeError:E2} at [{string.Join(",", p.WorstPosition)}] analytic {p.Analytic} numeric {p.Numeric}")));
    }

    [Theory]
    [InlineData(1, 0, Activation.Identity)]
    [InlineData(2, 1, Activation.Identity)]
    [InlineData(1, 2, Activation.Tanh)]
    [InlineData(2, 0, Activation.Relu)]
    public void Conv2d(int stride, int padding, Activation activation)
    {
        var layer = new Conv2d<double>(2, 3, 3, 2, stride, padding, activation, new Random(1));
        var x = Random(2, 2, 2, 6, 5);
        Check(() => layer.Forward(x), x, layer.Weight, layer.Bias);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, 2)]
    [InlineData(2, 1)]
    public void Max_pooling(int size, int stride)
    {
        var x = Random(3, 2, 3, 7, 6);
        Check(() => x.MaxPool2d(size, stride), x);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(3, 2)]
    public void Average_pooling(int size, int stride)
    {
        var x = Random(4, 2, 3, 7, 6);
        Check(() => x.AvgPool2d(size, stride), x);
    }

    [Fact]
    public void Dropout_sends_the_gradient_through_its_mask()
    {
        var x = Random(5, 4, 10);
        // A fresh generator with the same seed on every call: the same mask for the analytic and numeric passes.
        Check(() => x.Dropout(0.3, new Random(7)), x);
    }

    [Theory]
    [InlineData(true, 4)]
    [InlineData(false, 4)]
    [InlineData(true, 2)]
    public void Batch_norm(bool training, int rank)
    {
        var x = rank == 4 ? Random(6, 2, 3, 3, 2) : Random(6, 5, 3);
        var gamma = Random(7, 3);
        var beta = Random(8, 3);
        var mean = NDArray<double>.Uniform(new Random(9), -0.5, 0.5, 3);
        var variance = NDArray<double>.Uniform(new Random(10), 0.5, 1.5, 3);
        // Training moves the running statistics on every call; the output does not read them.
        Check(() => x.BatchNorm(gamma, beta, training ? mean.Clone() : mean, training ? variance.Clone() : variance, training), x, gamma, beta);
    }

    [Fact]
    public void A_whole_conv_network_in_training_mode()
    {
        var spec = ModelSpec.Parse("conv:3x3x3:p1,batchnorm,pool:2,conv:4x2x2,avgpool:2,dense:5,batchnorm");
        var net = new ConvNet<double>(spec.Layers, new ImageShape(2, 8, 8), 128, 3, Activation.Tanh, seed: 3);
        var x = NDArray<double>.Uniform(new Random(11), -1, 1, 4, 128);
        // GradCheck's numeric passes run under NoGrad, which a plain Forward would take for evaluation.
        Check(() => net.Forward(x, training: true), [.. net.Parameters]);
    }
}
