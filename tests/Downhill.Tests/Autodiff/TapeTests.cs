using Downhill;

namespace Downhill.Tests.Autodiff;

/// <summary>The tape's behaviour: diamonds, broadcasting, accumulation, no-grad, freezing, errors.</summary>
public class TapeTests
{
    private static NDArray<double> P(params double[] v) => NDArray.Parameter(v);

    [Fact]
    public void DiamondGraphSumsBothPaths()
    {
        // f = (x*x) + (x*3) at x = 2: df/dx = 2x + 3 = 7; x is used by two branches that meet again.
        var x = P(2);
        var f = (x * x + x * 3.0).Sum();
        f.Backward();
        Assert.Equal(7, x.Grad!.Item());
    }

    [Fact]
    public void GradientsAccumulateUntilZeroed()
    {
        var x = P(3);
        (x * x).Sum().Backward();
        (x * x).Sum().Backward();
        Assert.Equal(12, x.Grad!.Item());
        x.ZeroGrad();
        (x * x).Sum().Backward();
        Assert.Equal(6, x.Grad!.Item());
    }

    [Fact]
    public void BroadcastGradientIsSummedBackToTheInputShape()
    {
        var bias = NDArray.Parameter(new double[] { 1, 2, 3 }, 3);
        var x = NDArray.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        (x + bias).Sum().Backward();
        Assert.Equal([2, 2, 2], bias.Grad!.ToArray());
        Assert.Equal(new Shape(3), bias.Grad.Shape);
    }

    [Fact]
    public void TheSeedLineGradientMatchesTheHandFormula()
    {
        // MSE of y = m*x + b on (1,3),(2,5) at m = b = 1: residuals e = (m x + b - y) = (-1, -2).
        // dMSE/dm = mean(2 e x) = (2*-1*1 + 2*-2*2)/2 = -5; dMSE/db = mean(2 e) = -3.
        var m = P(1); var b = P(1);
        var x = NDArray.FromArray(new double[] { 1, 2 });
        var y = NDArray.FromArray(new double[] { 3, 5 });
        ((m * x + b - y).Pow(2.0)).Mean().Backward();
        Assert.Equal(-5, m.Grad!.Item(), 12);
        Assert.Equal(-3, b.Grad!.Item(), 12);
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        var x = P(2);
        NDArray<double> y;
        using (Autograd.NoGrad()) y = x * x;
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
        Assert.True(Autograd.IsEnabled);
    }

    [Fact]
    public void FrozenParameterGetsNoGradientAndDetachCutsHistory()
    {
        var w = P(2); var frozen = P(5);
        frozen.RequiresGrad = false;
        (w * frozen).Sum().Backward();
        Assert.Equal(5, w.Grad!.Item());
        Assert.Null(frozen.Grad);

        var u = P(3);
        var d = (u * u).Detach();
        Assert.False(d.RequiresGrad);
        Assert.Equal(9, d.Item());
    }

    [Fact]
    public void BackwardOnANonScalarNamesTheShape()
    {
        var x = NDArray.Parameter(new double[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        var e = Assert.Throws<ShapeException>(() => (x * 2.0).Backward());
        Assert.Equal("Backward: tensor [3,2] has 6 elements; Backward() starts from a scalar loss (reduce first, e.g. loss.Mean().Backward()).", e.Message);
    }

    [Fact]
    public void BackwardOnANaNLossSaysWhy()
    {
        var x = P(-1);
        var e = Assert.Throws<InvalidOperationException>(() => x.Log().Sum().Backward());
        Assert.Equal("Backward: the loss is NaN; a NaN or infinite loss has no useful gradient. Check the inputs for NaN/inf values, or lower the learning rate if training diverged.", e.Message);
        var data = NDArray.FromArray(new double[] { 1, double.NaN });
        var c = Assert.Throws<ArgumentException>(() => data.CheckFinite("data.csv"));
        Assert.Equal("data.csv: element 1 of tensor [2] is NaN; every value must be a finite number.", c.Message);
    }

    [Fact]
    public void ShapeErrorsNameTheOpAndBothShapes()
    {
        var a = NDArray<float>.Zeros(32, 784);
        var b = NDArray<float>.Zeros(128, 10);
        var e = Assert.Throws<ShapeException>(() => a.MatMul(b));
        Assert.Equal("MatMul: shapes [32,784] and [128,10] do not fit (inner sizes 784 and 128 differ)", e.Message);
        var add = Assert.Throws<ShapeException>(() => NDArray<float>.Zeros(2, 3) + NDArray<float>.Zeros(4));
        Assert.Equal("Add: shapes [2,3] and [4] do not broadcast (sizes 3 and 4 differ at axis 1 of the result, and neither is 1).", add.Message);
        var reshape = Assert.Throws<ShapeException>(() => NDArray<float>.Zeros(2, 3).Reshape(4, -1));
        Assert.Equal("Reshape: cannot reshape tensor [2,3] (6 elements) to [4,-1]: 6 is not a multiple of 4.", reshape.Message);
        var labels = Assert.Throws<ArgumentException>(() => NDArray<float>.Zeros(2, 10).SoftmaxCrossEntropy([1, 12]));
        Assert.Equal("SoftmaxCrossEntropy: label 12 at row 1 is out of range for 10 classes (0..9).", labels.Message);
    }

    [Fact]
    public void FloatAndDoubleShareTheEngine()
    {
        var w = NDArray.Parameter(new float[] { 0.5f, -1f }, 2);
        var x = NDArray.FromArray(new float[] { 2f, 3f }, 2);
        (w * x).Sigmoid().Sum().Backward();
        // d sigmoid(w x)/dw = s(1-s) x
        float s0 = 1 / (1 + MathF.Exp(-1f)), s1 = 1 / (1 + MathF.Exp(3f));
        Assert.Equal(s0 * (1 - s0) * 2, w.Grad!.Data[0], 6);
        Assert.Equal(s1 * (1 - s1) * 3, w.Grad!.Data[1], 6);
    }

    [Fact]
    public void LongChainsDoNotOverflowTheStack()
    {
        var x = P(1);
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y + 1.0;
        y.Sum().Backward();
        Assert.Equal(1, x.Grad!.Item());
    }

    [Fact]
    public void Backward_on_a_scalar_leaf_sets_its_gradient_to_one()
    {
        // PyTorch: x = torch.tensor([1.0], requires_grad=True); x.backward() gives x.grad = [1.];
        // it used to fail with a NullReferenceException looking for the leaf's op.
        var x = NDArray.Parameter(new[] { 1.0 });
        x.Backward();
        Assert.Equal([1.0], x.Grad!.Data.ToArray());
        x.Backward();
        Assert.Equal([2.0], x.Grad!.Data.ToArray()); // gradients accumulate, as after any Backward
        var s = NDArray<double>.Scalar(-3);
        s.RequiresGrad = true;
        s.Backward();
        Assert.Equal(1, s.Grad!.Item());
        Assert.Equal(-3, s.Item()); // the seed is the gradient's buffer, not the value's
    }
}
