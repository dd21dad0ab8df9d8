using Downhill;

namespace Downhill.Tests.Tensors;

/// <summary>Forward values against numbers worked out by hand.</summary>
public class ForwardValueTests
{
    private static NDArray<double> T(double[] v, params int[] shape) => NDArray.FromArray(v, shape);

    [Fact]
    public void BroadcastAddsARowToEveryRow()
    {
        var r = T([1, 2, 3, 4, 5, 6], 2, 3) + T([10, 20, 30], 3);
        Assert.Equal([11, 22, 33, 14, 25, 36], r.ToArray());
        Assert.Equal(new Shape(2, 3), r.Shape);
    }

    [Fact]
    public void BroadcastColumnAgainstRowGivesOuterShape()
    {
        var r = T([1, 2], 2, 1) * T([10, 20, 30], 1, 3);
        Assert.Equal([10, 20, 30, 20, 40, 60], r.ToArray());
    }

    [Fact]
    public void ScalarOperatorsAndPow()
    {
        var x = T([1, 2, 4], 3);
        Assert.Equal([3, 5, 9], (2.0 * x + 1.0).ToArray());
        Assert.Equal([1, 4, 16], x.Pow(2.0).ToArray());
        Assert.Equal([1, 0.5, 0.25], x.Pow(-1.0).ToArray());
        Assert.Equal([1, 2, 16], x.Pow(T([3, 1, 2], 3)).ToArray());
        Assert.Equal([-1, -0.5, -0.25], (-1.0 / x).ToArray());
    }

    [Fact]
    public void ReductionsOverAxes()
    {
        var x = T([1, 5, 3, 4, 2, 6], 2, 3);
        Assert.Equal(21, x.Sum().Item());
        Assert.Equal(3.5, x.Mean().Item());
        Assert.Equal(6, x.Max().Item());
        Assert.Equal([5, 7, 9], x.Sum(0).ToArray());
        Assert.Equal([9, 12], x.Sum(1).ToArray());
        Assert.Equal(new Shape(2, 1), x.Sum(1, keepDim: true).Shape);
        Assert.Equal([4, 5, 6], x.Max(0).ToArray());
        Assert.Equal([3, 4], x.Mean(-1).ToArray());
    }

    [Fact]
    public void MatMulOfSmallMatrices()
    {
        // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]]
        var r = T([1, 2, 3, 4], 2, 2).MatMul(T([5, 6, 7, 8], 2, 2));
        Assert.Equal([19, 22, 43, 50], r.ToArray());
        var batched = T([1, 2, 3, 4, 1, 0, 0, 1], 2, 2, 2).MatMul(T([5, 6, 7, 8, 5, 6, 7, 8], 2, 2, 2));
        Assert.Equal([19, 22, 43, 50, 5, 6, 7, 8], batched.ToArray());
    }

    [Fact]
    public void ActivationsAtKnownPoints()
    {
        var x = T([-1, 0, 2], 3);
        Assert.Equal([0, 0, 2], x.Relu().ToArray());
        var s = x.Sigmoid().ToArray();
        Assert.Equal(1 / (1 + Math.E), s[0], 15);
        Assert.Equal(0.5, s[1], 15);
        Assert.Equal(Math.Log(2), x.Softplus().ToArray()[1], 15);
        Assert.Equal(Math.Tanh(2), x.Tanh().ToArray()[2], 15);
        // softplus must not overflow: log(1 + e^1000) = 1000
        Assert.Equal(1000, T([1000], 1).Softplus().Item(), 9);
    }

    [Fact]
    public void SoftmaxRowsSumToOneAndLogSoftmaxMatches()
    {
        var x = T([1, 2, 3, 1000, 1000, -1000], 2, 3);
        var p = x.Softmax().ToArray();
        double z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(Math.Exp(1) / z, p[0], 15);
        Assert.Equal(0.5, p[3], 15);
        Assert.Equal(0, p[5], 15);
        var lp = x.LogSoftmax().ToArray();
        Assert.Equal(1 - Math.Log(z), lp[0], 13);
        Assert.Equal(-2000 - Math.Log(2), lp[5], 9);
    }

    [Fact]
    public void SoftmaxCrossEntropyIsStableForHugeLogits()
    {
        // Row 0: the label holds the largest logit by 2000 -> loss 0. Row 1: the label is 2000 below
        // the winner -> loss 2000 (plus log 1 for one other equal logit... here exactly 2000).
        var logits = T([1000, -1000, -1000, 1000], 2, 2);
        var loss = logits.SoftmaxCrossEntropy([0, 0]);
        Assert.Equal(1000, loss.Item(), 9);   // mean of 0 and 2000
        var f = NDArray.FromArray(new float[] { 1000, -1000, 1000, 1000 }, 2, 2);
        Assert.Equal((0f + (float)Math.Log(2)) / 2, f.SoftmaxCrossEntropy([0, 1]).Item(), 5);
    }

    [Fact]
    public void StructuralOps()
    {
        var x = T([1, 2, 3, 4, 5, 6], 3, 2);
        Assert.Equal([1, 3, 5, 2, 4, 6], x.Transpose().ToArray());
        Assert.Equal([3, 4, 5, 6], x.SliceRows(1, 2).ToArray());
        Assert.Equal([5, 6, 1, 2], x.IndexRows([2, 0]).ToArray());
        Assert.Equal([2, 3, 5], x.PickPerRow([1, 0, 0]).ToArray());
        Assert.Equal(new Shape(2, 3), x.Reshape(2, -1).Shape);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], NDArray<double>.Concat([x, T([7, 8], 1, 2)], 0).ToArray());
        Assert.Equal([1, 2, 9, 3, 4, 9, 5, 6, 9], NDArray<double>.Concat([x, T([9, 9, 9], 3, 1)], 1).ToArray());
        Assert.Equal([0, 1, 0, 1, 0, 0], NDArray<double>.OneHot([1, 0], 3).ToArray());
        var r4 = NDArray<double>.Arange(24).Reshape(2, 3, 2, 2);
        // element [1,2,0,1] of the original sits at [1,1,0,2] after swapping axes 1 and 3
        Assert.Equal(r4[1, 2, 0, 1], r4.Transpose(1, 3)[1, 1, 0, 2]);
    }
}
