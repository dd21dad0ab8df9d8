using Downhill;
using Downhill.Nn;

namespace Downhill.Tests.Autodiff;

/// <summary>
/// The loss rules (Tensors/NDArray.Loss.cs) on the tape: each loss and its gradient by the outputs
/// against the textbook closed form, at differences on both sides of Huber's bend and at its ties.
/// </summary>
public class LossRuleTests
{
    private static readonly double[] Outputs = [0.5, -2.0, 3.25, 1.0, -0.25, 0.0, 2.0, -1.5];
    private static readonly double[] Targets = [0.0, 0.5, 1.0, 0.0, 0.5, 0.0, 3.0, 1.0];

    private static (double Loss, double[] Grad) Tape(Loss loss, double[] outputs, double[]? targets, int[]? labels)
    {
        int k = loss.IsClassification() ? 1 : 2;
        var y = NDArray.Parameter(outputs, outputs.Length / k, k);
        var t = targets is null ? null : NDArray<double>.FromArray(targets, targets.Length / k, k);
        var l = Losses.Compute(loss, y, t, labels);
        l.Backward();
        return (l.Item(), y.Grad!.ToArray());
    }

    [Theory]
    [InlineData(Loss.Mse)]
    [InlineData(Loss.Rmse)]
    [InlineData(Loss.Mae)]
    [InlineData(Loss.Huber)]
    public void RegressionLossesMatchTheirClosedForms(Loss loss)
    {
        int n = Outputs.Length;
        var d = Outputs.Zip(Targets, (y, t) => y - t).ToArray();
        double mse = d.Sum(x => x * x) / n;
        var (want, grad) = loss switch
        {
            Loss.Mse => (mse, (Func<double, double>)(x => 2 * x / n)),
            Loss.Rmse => (Math.Sqrt(mse), x => x / (n * Math.Sqrt(mse))),
            Loss.Mae => (d.Sum(Math.Abs) / n, x => Math.Sign(x) / (double)n),
            // 0.5 d^2 inside |d| < 1, |d| - 0.5 outside; the derivative clamps d to [-1, 1]. At
            // |d| = 1 exactly the min's tie splits the gradient: 0.5 (2 q) + 0.5 = 1, the same.
            _ => (d.Sum(x => Math.Abs(x) < 1 ? 0.5 * x * x : Math.Abs(x) - 0.5) / n, x => Math.Clamp(x, -1, 1) / n),
        };
        var (value, g) = Tape(loss, Outputs, Targets, null);
        Assert.Equal(want, value, 1e-15);
        for (int i = 0; i < n; i++) Assert.Equal(grad(d[i]), g[i], 1e-15);
    }

    [Fact]
    public void BinaryCrossEntropyMatchesItsClosedForm()
    {
        int[] labels = [1, 0, 1, 1, 0, 0, 1, 0];
        double[] z = [.. Outputs.Select(v => v * 7)]; // logits up to 22: log(1 - s(z)) needs the stable form
        int n = z.Length;
        double want = 0;
        for (int i = 0; i < n; i++)
            want += labels[i] == 1 ? Math.Log(1 + Math.Exp(-z[i])) : z[i] + Math.Log(1 + Math.Exp(-z[i]));
        want /= n;
        var (value, g) = Tape(Loss.BinaryCrossEntropy, z, null, labels);
        Assert.Equal(want, value, 1e-14);
        for (int i = 0; i < n; i++) Assert.Equal((1 / (1 + Math.Exp(-z[i])) - labels[i]) / n, g[i], 1e-15);
    }

    [Fact]
    public void BinaryCrossEntropyNamesABadLabelAndAShortLabelList()
    {
        var z = NDArray<double>.FromArray([0.5, -1.0, 2.0], 3, 1);
        var bad = Assert.ThrowsAny<Exception>(() => Losses.Compute(Loss.BinaryCrossEntropy, z, null, [0, 3, 1]));
        Assert.Contains("label 3 at row 1 is not 0 or 1", bad.Message);
        var shortList = Assert.ThrowsAny<Exception>(() => Losses.Compute(Loss.BinaryCrossEntropy, z, null, [0, 1]));
        Assert.Contains("2 labels for 3 rows", shortList.Message);
    }
}
