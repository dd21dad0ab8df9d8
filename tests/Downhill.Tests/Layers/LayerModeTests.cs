using Downhill.Models;
using Downhill.Nn;

namespace Downhill.Tests.Layers;

/// <summary>Training against evaluation: dropout masks only while training and repeats with its seed; a conv net evaluates under NoGrad.</summary>
public class LayerModeTests
{
    [Fact]
    public void Dropout_zeroes_about_its_rate_scales_the_rest_and_repeats_with_its_seed()
    {
        var x = NDArray<float>.Ones(100, 100);
        var a = new Dropout<float>(0.25, seed: 5).Forward(x, training: true);
        var b = new Dropout<float>(0.25, seed: 5).Forward(x, training: true);
        Assert.Equal(a.ToArray(), b.ToArray());
        int zeros = a.ToArray().Count(v => v == 0);
        // 10,000 draws at p = 0.25: the standard deviation of the count is about 43.
        Assert.InRange(zeros, 2500 - 200, 2500 + 200);
        Assert.All(a.ToArray().Where(v => v != 0), v => Assert.Equal(1 / 0.75f, v));
    }

    [Fact]
    public void Dropout_passes_the_input_through_at_evaluation()
    {
        var x = NDArray<float>.Uniform(new Random(1), -1, 1, 8, 8);
        Assert.Same(x, new Dropout<float>(0.5, seed: 5).Forward(x, training: false));
    }

    [Fact]
    public void A_conv_net_evaluates_under_NoGrad_and_trains_on_the_tape()
    {
        var spec = ModelSpec.Parse("conv:2x3x3,batchnorm,dropout:0.5,dense:4");
        var net = new ConvNet<double>(spec.Layers, null, 36, 2, Activation.Relu, seed: 1);
        var x = NDArray<double>.Uniform(new Random(2), 0, 1, 5, 36);
        double[] evaluation, explicitEvaluation;
        using (Autograd.NoGrad())
            evaluation = net.Forward(x).ToArray();
        explicitEvaluation = net.Forward(x, training: false).ToArray();
        Assert.Equal(explicitEvaluation, evaluation);
        // A tape-recording pass trains: dropout and the batch statistics change the outputs.
        var bn = net.Layers.OfType<BatchNorm<double>>().Single();
        var before = bn.RunningMean.ToArray();
        Assert.NotEqual(evaluation, net.Forward(x).ToArray());
        Assert.NotEqual(before, bn.RunningMean.ToArray());
    }

    [Fact]
    public void Evaluating_many_rows_in_chunks_gives_each_row_its_own_output()
    {
        var spec = ModelSpec.Parse("conv:2x3x3,pool:2,batchnorm,dense:4");
        var net = new ConvNet<double>(spec.Layers, null, 36, 3, Activation.Relu, seed: 1);
        int rows = ConvNet<double>.EvaluationChunk * 2 + 7;
        var x = NDArray<double>.Uniform(new Random(3), 0, 1, rows, 36);
        NDArray<double> all;
        using (Autograd.NoGrad()) all = net.Forward(x);
        Assert.Equal([rows, 3], all.Shape.ToArray());
        // Each row alone, as an independent check of where every chunk's rows land.
        foreach (int row in new[] { 0, ConvNet<double>.EvaluationChunk - 1, ConvNet<double>.EvaluationChunk, rows - 1 })
        {
            var one = net.Forward(NDArray<double>.FromArray(x.Data.Slice(row * 36, 36).ToArray(), 1, 36), training: false);
            for (int k = 0; k < 3; k++) Assert.Equal(one.Data[k], all.Data[row * 3 + k], 12);
        }
    }
}
