using Downhill.Optim;

namespace Downhill.Tests.Optim;

/// <summary>Saving an optimizer's state mid-run and restoring it continues the run bit for bit.</summary>
public class CheckpointTests
{
    public static TheoryData<string> Configs => new()
    {
        "sgd lr=0.0001 momentum=0.9 nesterov=true",
        "adagrad lr=0.1 lrDecay=0.01",
        "rmsprop lr=0.01 centered=true momentum=0.9",
        "adam lr=0.1 amsgrad=true",
        "adamw lr=0.1",
        "lbfgs lr=0.01 maxIter=3",
        "lbfgs lineSearch=StrongWolfe maxIter=2 historySize=3",
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Five_steps_after_a_restore_equal_five_steps_without_one(string config)
    {
        var (name, settings) = PyTorchReferenceTests.ParseConfig(config);
        var objective = Objective.Rosenbrock;

        var p = objective.StartParameter();
        var optimizer = Optimizers.Create(name, [p], settings);
        var closure = objective.Closure(p);
        for (int i = 0; i < 5; i++) optimizer.Step(closure);
        optimizer.LearningRate *= 0.5; // as a schedule would; the rate is part of the state
        var saved = Copy(optimizer.ExportState());
        var savedTheta = p.ToArray();
        for (int i = 0; i < 5; i++) optimizer.Step(closure);

        var q = NDArray.Parameter(savedTheta, 2);
        var resumed = Optimizers.Create(name, [q], settings);
        resumed.ImportState(saved);
        var resumedClosure = objective.Closure(q);
        for (int i = 0; i < 5; i++) resumed.Step(resumedClosure);

        Assert.Equal(p.ToArray(), q.ToArray()); // exact: bit-identical doubles
        Assert.Equal(optimizer.StepCount, resumed.StepCount);
        Assert.Equal(optimizer.LearningRate, resumed.LearningRate);
    }

    [Fact]
    public void Float_state_survives_the_round_trip_through_doubles()
    {
        var p = NDArray.Parameter([-1.5f, 2f], 2);
        var adam = new Adam<float>([p], new AdamOptions { LearningRate = 0.1f });
        void Step(Adam<float> opt, NDArray<float> t)
        {
            float x = t.Data[0], y = t.Data[1];
            t.Grad = NDArray.FromArray([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], 2);
            opt.Step();
        }
        for (int i = 0; i < 5; i++) Step(adam, p);
        var saved = Copy(adam.ExportState());
        var theta = p.ToArray();
        for (int i = 0; i < 5; i++) Step(adam, p);

        var q = NDArray.Parameter(theta, 2);
        var resumed = new Adam<float>([q], new AdamOptions { LearningRate = 0.1f });
        resumed.ImportState(saved);
        for (int i = 0; i < 5; i++) Step(resumed, q);
        Assert.Equal(p.ToArray(), q.ToArray());
    }

    [Fact]
    public void Exported_buffers_are_named_after_the_paper()
    {
        var p = NDArray.Parameter([1.0, 2.0], 2);
        var adam = new Adam<double>([p], new AdamOptions { AmsGrad = true });
        p.Grad = NDArray.FromArray([0.5, -1.0], 2);
        adam.Step();
        var state = adam.ExportState();
        Assert.Equal("Adam", state.Optimizer);
        Assert.Equal(1, state.StepCount);
        Assert.Equal(["m.0", "step", "v.0", "vMax.0"], state.Buffers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([(1 - 0.9) * 0.5, (1 - 0.9) * -1.0], state.Buffers["m.0"]); // m = β1·0 + (1 − β1)·g
    }

    // A checkpoint as files hold it (buffers named "b.0", "m.0", ... and "step") resumes where
    // it left off: the next step, worked out by hand, uses the saved buffers. Without them each
    // optimizer would start afresh and land elsewhere (noted per case).

    [Fact]
    public void A_saved_Sgd_momentum_buffer_is_resumed()
    {
        var p = NDArray.Parameter([1.0], 1);
        var sgd = new Sgd<double>([p], new SgdOptions { LearningRate = 0.1, Momentum = 0.9 });
        sgd.ImportState(Saved("Sgd", ("b.0", 0.5)));
        p.Grad = NDArray.FromArray([1.0], 1);
        sgd.Step();
        Assert.Equal(1 - 0.1 * (0.9 * 0.5 + 1), p.Data[0], 1e-15); // afresh: b = g = 1, θ = 0.9
    }

    [Fact]
    public void Saved_Adam_moments_are_resumed()
    {
        // As after one step with g = 1: m = 0.1, v = 0.001; vMax larger than v, as if an earlier gradient had been larger.
        var p = NDArray.Parameter([0.0], 1);
        var adam = new Adam<double>([p], new AdamOptions { LearningRate = 0.1, AmsGrad = true });
        adam.ImportState(Saved("Adam", ("m.0", 0.1), ("v.0", 0.001), ("vMax.0", 0.004)));
        p.Grad = NDArray.FromArray([1.0], 1);
        adam.Step();
        double m = 0.9 * 0.1 + (1 - 0.9) * 1, v = Math.Max(0.004, 0.999 * 0.001 + (1 - 0.999) * 1);
        double expected = -0.1 * (m / (1 - 0.9 * 0.9)) / (Math.Sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
        Assert.Equal(expected, p.Data[0], 1e-14); // ≈ −0.0707; afresh (m = v = 0, t = 2): ≈ −0.0744; without vMax: −0.1/(1 + ε)
        Assert.Equal([m], adam.ExportState().Buffers["m.0"]);
    }

    [Fact]
    public void A_saved_Adagrad_sum_is_resumed()
    {
        var p = NDArray.Parameter([0.0], 1);
        var adagrad = new Adagrad<double>([p], new AdagradOptions { LearningRate = 0.1 });
        adagrad.ImportState(Saved("Adagrad", ("sum.0", 4.0)));
        p.Grad = NDArray.FromArray([1.0], 1);
        adagrad.Step();
        Assert.Equal(-0.1 / (Math.Sqrt(5) + 1e-10), p.Data[0], 1e-15); // afresh: sum = 1, θ = −0.1
    }

    [Fact]
    public void Saved_centered_RmsProp_averages_and_momentum_are_resumed()
    {
        var p = NDArray.Parameter([0.0], 1);
        var rms = new RmsProp<double>([p], new RmsPropOptions { LearningRate = 0.1, Centered = true, Momentum = 0.9 });
        rms.ImportState(Saved("RmsProp", ("v.0", 0.5), ("gAvg.0", 0.3), ("b.0", 0.2)));
        p.Grad = NDArray.FromArray([1.0], 1);
        rms.Step();
        double v = 0.99 * 0.5 + 0.01, gAvg = 0.99 * 0.3 + 0.01, b = 0.9 * 0.2 + 1 / (Math.Sqrt(v - gAvg * gAvg) + 1e-8);
        Assert.Equal(-0.1 * b, p.Data[0], 1e-14); // afresh: v = 0.01, gAvg = 0.01, b = 1/√0.0099, θ ≈ −1.005
    }

    /// <summary>The state of one single-element parameter after one step, as a checkpoint file holds it.</summary>
    private static OptimizerState Saved(string optimizer, params (string Key, double Value)[] buffers)
    {
        var saved = buffers.ToDictionary(b => b.Key, b => new[] { b.Value });
        saved["step"] = [1.0];
        return new(optimizer, 1, 0.1, saved);
    }

    /// <summary>A deep copy, as a checkpoint file would hold: nothing shared with the live optimizer.</summary>
    private static OptimizerState Copy(OptimizerState s) =>
        s with { Buffers = s.Buffers.ToDictionary(kv => kv.Key, kv => (double[])kv.Value.Clone()) };
}
