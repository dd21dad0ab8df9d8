using Downhill.Models;

namespace Downhill.Tests.Models;

/// <summary>Parsing conv model specs and image shapes: what each part means, and faults named by their column.</summary>
public class LayerSpecTests
{
    [Fact]
    public void The_example_spec_lists_its_layers_and_writes_back_the_same()
    {
        var spec = ModelSpec.Parse("conv:32x3x3,pool:2,conv:64x3x3:s2:p1,avgpool:2,dropout:0.25,batchnorm,dense:128");
        Assert.Equal(ModelKind.Conv, spec.Kind);
        Assert.Equal(new LayerSpec(LayerKind.Conv, 32, 3, 3), spec.Layers[0]);
        Assert.Equal(new LayerSpec(LayerKind.MaxPool, 2), spec.Layers[1]);
        Assert.Equal(new LayerSpec(LayerKind.Conv, 64, 3, 3, Stride: 2, Padding: 1), spec.Layers[2]);
        Assert.Equal(new LayerSpec(LayerKind.AvgPool, 2), spec.Layers[3]);
        Assert.Equal(new LayerSpec(LayerKind.Dropout, Rate: 0.25), spec.Layers[4]);
        Assert.Equal(new LayerSpec(LayerKind.BatchNorm), spec.Layers[5]);
        Assert.Equal(new LayerSpec(LayerKind.Dense, 128), spec.Layers[6]);
        Assert.Equal("conv:32x3x3,pool:2,conv:64x3x3:s2:p1,avgpool:2,dropout:0.25,batchnorm,dense:128", spec.ToString());
    }

    [Theory]
    [InlineData("conv:32x3x3,pool:x", "column 18: a window size 'x' is not a whole number of at least 1 (e.g. pool:2).")]
    [InlineData("conv:32x3", "column 6: '32x3' should be filters x kernel height x kernel width, three whole numbers, e.g. conv:32x3x3.")]
    [InlineData("conv:32x3x3, pool:2, dense:0", "column 28: a number of units '0' is not a whole number of at least 1 (e.g. dense:128).")]
    [InlineData("conv:32x3x3,pol:2", "column 13: layer 'pol:2' is unknown; use conv:32x3x3, pool:2, avgpool:2, dropout:0.25, batchnorm or dense:128.")]
    [InlineData("conv:8x3x3:q1", "column 12: 'q1' is neither a stride (s2) nor a padding (p1), e.g. conv:32x3x3:s1:p1.")]
    [InlineData("dense:8,dropout:1", "column 17: 'dropout:1' needs a rate in [0, 1) after a colon, e.g. dropout:0.25.")]
    public void A_bad_part_is_named_with_its_column(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelSpec.Parse(text));
        Assert.Equal($"model \"{text}\", {message}", e.Message);
    }

    [Theory]
    [InlineData("28x28", 1, 28, 28)]
    [InlineData("28x28x1", 1, 28, 28)]
    [InlineData("32x24x3", 3, 32, 24)]
    public void Image_shapes_are_height_width_and_optional_channels(string text, int c, int h, int w) =>
        Assert.Equal(new ImageShape(c, h, w), ImageShape.Parse(text));

    [Fact]
    public void A_layer_that_does_not_fit_the_image_says_which_and_why()
    {
        var spec = ModelSpec.Parse("conv:4x3x3,pool:2,conv:4x5x5");
        var e = Assert.Throws<ArgumentException>(() => new ConvNet<float>(spec.Layers, null, 64, 2, Downhill.Nn.Activation.Relu, 0));
        Assert.Equal("ConvNet: layer 3 (conv:4x5x5): a 5x5 kernel does not fit the 3x3 image that reaches it; use a smaller kernel, padding (:p1) or fewer pooling layers.", e.Message);
    }
}
