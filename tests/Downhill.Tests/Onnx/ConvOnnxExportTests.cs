using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Tests.Models;
using Downhill.Training;

namespace Downhill.Tests.Onnx;

/// <summary>
/// Conv models exported and run in ONNX Runtime predict what Downhill predicts for the same rows
/// (<see cref="OnnxExportTests.AssertOnnxMatches"/>): every layer kind, strides and padding,
/// both pools, batch normalization on images and on flat rows, dropout, several channels.
/// The nets train for a few epochs on tiny 8x8 images, so the batch-norm running statistics and
/// the weights are far from their initial values.
/// </summary>
public sealed class ConvOnnxExportTests
{
    private static readonly string[] Shapes = ["horizontal", "vertical", "diagonal"];
    private static readonly string[] Pixels = [.. Enumerable.Range(0, ConvTrainingTests.Side * ConvTrainingTests.Side).Select(j => $"pixel{j}")];

    /// <summary>The bar images of <see cref="ConvTrainingTests"/>, keeping the first <paramref name="classes"/> kinds.</summary>
    private static Dataset Bars(int classes)
    {
        var (pixels, labels) = ConvTrainingTests.BarImages(60, 7);
        int size = Pixels.Length;
        var keep = Enumerable.Range(0, labels.Length).Where(i => labels[i] < classes).ToArray();
        return Dataset.Classification(Pixels, [.. keep.SelectMany(i => pixels.AsSpan(i * size, size).ToArray())],
            "shape", [.. keep.Select(i => labels[i])], Shapes[..classes]);
    }

    private static ModelFile Fit(Dataset data, string layers, Loss loss, Activation activation = Activation.Relu, string? image = null, Precision? precision = null) =>
        Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse(layers) with { Image = image is null ? null : ImageShape.Parse(image) },
            Activation = activation,
            Precision = precision,
            Loss = loss,
            Training = new TrainingOptions { Epochs = 4, BatchSize = 8 },
        }).Model;

    [Theory]
    [InlineData("conv:4x3x3:s2:p1,maxpool:2,batchnorm,dropout:0.2,dense:8", Activation.Relu, null)]
    [InlineData("conv:3x3x3:p1,avgpool:2,conv:4x2x2:s2,batchnorm,dense:6,batchnorm,dropout:0.1", Activation.Tanh, null)]
    [InlineData("conv:5x3x2:s2:p1,batchnorm,avgpool:2,dense:6", Activation.Sigmoid, "4x4x4")]
    [InlineData("conv:2x2x2,maxpool:3,dense:4", Activation.Identity, null)]
    public void A_conv_classifier_gives_the_same_probabilities_labels_and_class_names(string layers, Activation activation, string? image)
    {
        var data = Bars(3);
        var file = Fit(data, layers, Loss.CrossEntropy, activation, image);
        Assert.Equal("conv", file.Kind);
        if (layers.Contains("batchnorm", StringComparison.Ordinal)) // the running statistics have moved from their start (variance 1)
            Assert.Contains(file.Parameters, p => p.Name.EndsWith(".running_var", StringComparison.Ordinal) && p.Values.Any(v => v != 1));
        OnnxExportTests.AssertOnnxMatches(file, data, OnnxExportTests.Float32Tolerance);
    }

    /// <summary>Binary cross-entropy: one logit, the second class's probability its sigmoid.</summary>
    [Fact]
    public void A_binary_conv_classifier_matches()
    {
        var data = Bars(2);
        var file = Fit(data, "conv:3x3x3:p1,maxpool:2,batchnorm,dense:4", Loss.BinaryCrossEntropy);
        Assert.Equal(1, file.Parameters.Single(p => p.Name == "dense2.bias").Shape[0]);
        OnnxExportTests.AssertOnnxMatches(file, data, OnnxExportTests.Float32Tolerance);
    }

    /// <summary>A float64 regression (the bar's kind as a number): the graph is double throughout and undoes the target scaling.</summary>
    [Fact]
    public void A_float64_conv_regression_exports_as_double()
    {
        var bars = Bars(3);
        var data = Dataset.Regression(Pixels, [.. Enumerable.Range(0, bars.Count).SelectMany(i => Pixels.Select(p => bars.Column(p)[i]))],
            ["kind"], [.. bars.Labels!.Select(l => (double)l)]);
        var file = Fit(data, "conv:3x3x3:s2:p1,avgpool:2,batchnorm,dropout:0.1,dense:4", Loss.Mse, Activation.Tanh, precision: Precision.Float64);
        Assert.Equal("float64", file.Precision);
        Assert.NotNull(file.Scaler?.TargetOffset);
        OnnxExportTests.AssertOnnxMatches(file, data, OnnxExportTests.Float64Tolerance);
    }
}
