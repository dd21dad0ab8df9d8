using Downhill.Optim;

namespace Downhill.Tests.Optim;

public class GradientClippingTests
{
    private static NDArray<double> WithGrad(params double[] g)
    {
        var p = NDArray.Parameter(new double[g.Length], g.Length);
        p.Grad = NDArray.FromArray(g, g.Length);
        return p;
    }

    [Fact]
    public void ByNorm_scales_all_gradients_together_and_returns_the_norm_before()
    {
        // Global norm over both tensors: √(3² + 4² + 12²) = 13; factor 6.5 / (13 + 1e-6).
        var a = WithGrad(3, 4);
        var b = WithGrad(12);
        double norm = GradientClipping.ByNorm([a, b], maxNorm: 6.5);
        Assert.Equal(13, norm, 1e-15);
        double factor = 6.5 / (13 + 1e-6);
        Assert.Equal([3 * factor, 4 * factor], a.Grad!.ToArray());
        Assert.Equal([12 * factor], b.Grad!.ToArray());
    }

    [Fact]
    public void ByNorm_leaves_small_gradients_alone()
    {
        var a = WithGrad(3, 4);
        Assert.Equal(5, GradientClipping.ByNorm([a], maxNorm: 100), 1e-15);
        Assert.Equal([3.0, 4.0], a.Grad!.ToArray());
    }

    [Fact]
    public void ByNorm_with_other_norms()
    {
        // ∞-norm: the largest magnitude, 4; 1-norm: 3 + 4 + 2 = 9.
        var a = WithGrad(3, -4);
        var b = WithGrad(2);
        Assert.Equal(4, GradientClipping.ByNorm([a, b], maxNorm: 2, normType: double.PositiveInfinity));
        double factor = 2 / (4 + 1e-6);
        Assert.Equal([3 * factor, -4 * factor], a.Grad!.ToArray());

        var c = WithGrad(3, -4);
        var d = WithGrad(2);
        Assert.Equal(9, GradientClipping.ByNorm([c, d], maxNorm: 100, normType: 1), 1e-14);
    }

    [Fact]
    public void ByNorm_skips_parameters_without_a_gradient()
    {
        var a = WithGrad(6, 8);
        var frozen = NDArray.Parameter([1.0], 1);
        Assert.Equal(10, GradientClipping.ByNorm([a, frozen], maxNorm: 1), 1e-15);
        Assert.Null(frozen.Grad);
        Assert.Equal(0.6 / (10 + 1e-6) * 10, a.Grad!.Data[0], 1e-15);
    }

    [Fact]
    public void ByValue_clamps_each_element()
    {
        var a = WithGrad(-3, 0.5, 2, -0.25);
        GradientClipping.ByValue([a], 1);
        Assert.Equal([-1, 0.5, 1, -0.25], a.Grad!.ToArray());
    }
}
