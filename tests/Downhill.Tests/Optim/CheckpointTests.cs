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

        var q = Tensor.Parameter(savedTheta, 2);
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
        var p = Tensor.Parameter([-1.5f, 2f], 2);
        var adam = new Adam<float>([p], new AdamOptions { LearningRate = 0.1f });
        void Step(Adam<float> opt, Tensor<float> t)
        {
            float x = t.Data[0], y = t.Data[1];
            t.Grad = Tensor.FromArray([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], 2);
            opt.Step();
        }
        for (int i = 0; i < 5; i++) Step(adam, p);
        var saved = Copy(adam.ExportState());
        var theta = p.ToArray();
        for (int i = 0; i < 5; i++) Step(adam, p);

        var q = Tensor.Parameter(theta, 2);
        var resumed = new Adam<float>([q], new AdamOptions { LearningRate = 0.1f });
        resumed.ImportState(saved);
        for (int i = 0; i < 5; i++) Step(resumed, q);
        Assert.Equal(p.ToArray(), q.ToArray());
    }

    [Fact]
    public void Exported_buffers_are_named_after_the_paper()
    {
        var p = Tensor.Parameter([1.0, 2.0], 2);
        var adam = new Adam<double>([p], new AdamOptions { AmsGrad = true });
        p.Grad = Tensor.FromArray([0.5, -1.0], 2);
        adam.Step();
        var state = adam.ExportState();
        Assert.Equal("Adam", state.Optimizer);
        Assert.Equal(1, state.StepCount);
        Assert.Equal(["m.0", "step", "v.0", "vMax.0"], state.Buffers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([(1 - 0.9) * 0.5, (1 - 0.9) * -1.0], state.Buffers["m.0"]); // m = β1·0 + (1 − β1)·g
    }

    /// <summary>A deep copy, as a checkpoint file would hold: nothing shared with the live optimizer.</summary>
    private static OptimizerState Copy(OptimizerState s) =>
        s with { Buffers = s.Buffers.ToDictionary(kv => kv.Key, kv => (double[])kv.Value.Clone()) };
}
