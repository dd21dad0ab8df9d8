using Downhill.Optim;

namespace Downhill.Tests.Optim;

/// <summary>Element-wise freezing: masked elements keep their value and their optimizer state, even under weight decay.</summary>
public class FrozenMaskTests
{
    [Fact]
    public void Masked_elements_stay_put_and_the_others_move_as_if_alone()
    {
        // Adam's update is element-wise, so the free element must follow a one-element run exactly.
        var p = NDArray.Parameter([1.0, 2.0], 2);
        var adam = new Adam<double>([p], new AdamOptions { LearningRate = 0.1, WeightDecay = 0.1 });
        adam.SetFrozenMask(0, [false, true]);
        var alone = NDArray.Parameter([1.0], 1);
        var reference = new Adam<double>([alone], new AdamOptions { LearningRate = 0.1, WeightDecay = 0.1 });
        for (int i = 0; i < 3; i++)
        {
            p.Grad = NDArray.FromArray([0.5, 0.5], 2);
            adam.Step();
            alone.Grad = NDArray.FromArray([0.5], 1);
            reference.Step();
        }
        Assert.Equal(2.0, p.Data[1]);
        Assert.Equal(alone.Data[0], p.Data[0]);
        var state = adam.ExportState();
        Assert.Equal(0.0, state.Buffers["m.0"][1]);
        Assert.Equal(0.0, state.Buffers["v.0"][1]);
    }

    [Fact]
    public void Adagrad_frozen_elements_keep_the_initial_accumulator()
    {
        var p = NDArray.Parameter([1.0, 2.0], 2);
        var adagrad = new Adagrad<double>([p], new AdagradOptions { InitialAccumulatorValue = 0.5 });
        adagrad.SetFrozenMask(0, [true, false]);
        p.Grad = NDArray.FromArray([1.0, 1.0], 2);
        adagrad.Step();
        Assert.Equal(1.0, p.Data[0]);
        Assert.Equal([0.5, 1.5], adagrad.ExportState().Buffers["sum.0"]);
    }

    [Fact]
    public void Lbfgs_never_moves_a_frozen_element()
    {
        var objective = Objective.Rosenbrock;
        var p = objective.StartParameter();
        var lbfgs = new Lbfgs<double>([p], new LbfgsOptions { LineSearch = LineSearch.StrongWolfe, ToleranceGrad = 1e-12, ToleranceChange = 1e-15 });
        lbfgs.SetFrozenMask(0, [false, true]);
        for (int i = 0; i < 5; i++) lbfgs.Step(objective.Closure(p));
        Assert.Equal(2.0, p.Data[1]);
        // With y = 2 fixed, the walk ends at the minimum over x alone, where ∂f/∂x = 0 (near x = −√2).
        var (dx, _) = objective.Gradient(p.Data[0], p.Data[1]);
        Assert.True(Math.Abs(dx) < 1e-8, $"∂f/∂x = {dx} at x = {p.Data[0]}");
        Assert.Equal(-Math.Sqrt(2), p.Data[0], 0.01);
    }

    [Fact]
    public void A_parameter_with_RequiresGrad_false_is_skipped()
    {
        var frozen = NDArray.Parameter([1.0], 1);
        frozen.Grad = NDArray.FromArray([1.0], 1);
        frozen.RequiresGrad = false;
        var sgd = new Sgd<double>([frozen], new SgdOptions { LearningRate = 0.1, WeightDecay = 0.5 });
        sgd.Step();
        Assert.Equal(1.0, frozen.Data[0]);
    }
}
