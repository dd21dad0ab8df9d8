using System.Text.Json;
using Downhill.Nn;

namespace Downhill.Tests.Layers;

/// <summary>
/// The image layers' forward values and gradients against PyTorch's (tests/reference/conv_reference.py,
/// float64): conv2d with stride, padding and channels, max and average pooling, batch normalization
/// in training (running statistics included) and evaluation. Each case's gradient is of
/// L = sum(y * r) for a stored random r.
/// </summary>
public class ImageLayerReferenceTests
{
    // Both sides compute in double; the sums run in another order (GEMM blocks against ATen's
    // kernels), which moves the last few bits: measured worst 4e-16 relative. 1e-12 still fails
    // any wrong rule (off by O(1)) or wrong window (off by a whole element).
    private const double Tolerance = 1e-12;

    private static readonly Lazy<JsonElement> Cases = new(() => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Layers", "reference", "image_layers.json"))).RootElement);

    private static NDArray<double> Read(JsonElement c, string name, bool grad = false)
    {
        var e = c.GetProperty(name);
        var t = NDArray<double>.FromArray(e.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
            e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());
        t.RequiresGrad = grad;
        return t;
    }

    private static void Near(JsonElement c, string name, NDArray<double>? actual)
    {
        var expected = Read(c, name);
        Assert.NotNull(actual);
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Size; i++)
        {
            double e = expected.Data[i], a = actual.Data[i];
            Assert.True(Math.Abs(e - a) <= Tolerance * Math.Max(1, Math.Abs(e)), $"{name}[{i}]: PyTorch {e:R}, Downhill {a:R}");
        }
    }

    private static void Backward(NDArray<double> y, JsonElement c) => (y * Read(c, "r")).Sum().Backward();

    [Theory]
    [InlineData("conv_plain")]
    [InlineData("conv_stride_padding")]
    [InlineData("conv_relu_padding")]
    public void Conv2d_matches_PyTorch(string name)
    {
        var c = Cases.Value.GetProperty(name);
        var x = Read(c, "x", grad: true);
        var w = Read(c, "weight");
        int stride = c.GetProperty("stride").GetInt32(), padding = c.GetProperty("padding").GetInt32();
        var layer = new Conv2d<double>(w.Shape[1], w.Shape[0], w.Shape[2], w.Shape[3], stride, padding,
            c.GetProperty("relu").GetBoolean() ? Activation.Relu : Activation.Identity, new Random(0));
        w.Data.CopyTo(layer.Weight.Data);
        Read(c, "bias").Data.CopyTo(layer.Bias.Data);
        var y = layer.Forward(x);
        Near(c, "y", y);
        Backward(y, c);
        Near(c, "dx", x.Grad);
        Near(c, "dweight", layer.Weight.Grad);
        Near(c, "dbias", layer.Bias.Grad);
    }

    [Theory]
    [InlineData("maxpool_2")]
    [InlineData("avgpool_2")]
    [InlineData("maxpool_3_stride_2")]
    [InlineData("avgpool_3_stride_2")]
    public void Pooling_matches_PyTorch(string name)
    {
        var c = Cases.Value.GetProperty(name);
        var x = Read(c, "x", grad: true);
        int size = c.GetProperty("size").GetInt32(), stride = c.GetProperty("stride").GetInt32();
        var y = c.GetProperty("max").GetBoolean() ? x.MaxPool2d(size, stride) : x.AvgPool2d(size, stride);
        Near(c, "y", y);
        Backward(y, c);
        Near(c, "dx", x.Grad);
    }

    [Theory]
    [InlineData("batchnorm_train_image")]
    [InlineData("batchnorm_eval_image")]
    [InlineData("batchnorm_train_rows")]
    public void Batch_norm_matches_PyTorch(string name)
    {
        var c = Cases.Value.GetProperty(name);
        var x = Read(c, "x", grad: true);
        var gamma = Read(c, "gamma", grad: true);
        var beta = Read(c, "beta", grad: true);
        var mean = Read(c, "running_mean");
        var variance = Read(c, "running_var");
        var y = x.BatchNorm(gamma, beta, mean, variance, c.GetProperty("training").GetBoolean());
        Near(c, "y", y);
        Near(c, "running_mean_after", mean);
        Near(c, "running_var_after", variance);
        Backward(y, c);
        Near(c, "dx", x.Grad);
        Near(c, "dgamma", gamma.Grad);
        Near(c, "dbeta", beta.Grad);
    }
}
