using Downhill.Optim;

namespace Downhill.Tests.Optim;

/// <summary>Invalid hyper-parameters are rejected where the optimizer is built, with the value, the range and the owner in the message.</summary>
public class ValidationTests
{
    private static NDArray<double>[] Params() => [NDArray.Parameter([1.0, 2.0], 2)];

    public static TheoryData<Func<object>, string> Invalid => new()
    {
        { () => new Sgd<double>(Params(), new SgdOptions { LearningRate = -0.1 }), "Sgd: lr = -0.1 is invalid: expected a finite number >= 0." },
        { () => new Sgd<double>(Params(), new SgdOptions { Momentum = -1 }), "Sgd: momentum = -1 is invalid: expected a finite number >= 0." },
        { () => new Sgd<double>(Params(), new SgdOptions { Nesterov = true }), "Sgd: nesterov needs momentum > 0 and dampening = 0 (got momentum = 0, dampening = 0)." },
        { () => new Sgd<double>(Params(), new SgdOptions { Momentum = 0.9, Dampening = 0.1, Nesterov = true }), "Sgd: nesterov needs momentum > 0 and dampening = 0 (got momentum = 0.9, dampening = 0.1)." },
        { () => new Adagrad<double>(Params(), new AdagradOptions { Eps = -1e-10 }), "Adagrad: eps = -1E-10 is invalid: expected a finite number >= 0." },
        { () => new Adagrad<double>(Params(), new AdagradOptions { LrDecay = double.NaN }), "Adagrad: lrDecay = NaN is invalid: expected a finite number >= 0." },
        { () => new Adagrad<double>(Params(), new AdagradOptions { InitialAccumulatorValue = -1 }), "Adagrad: initialAccumulatorValue = -1 is invalid: expected a finite number >= 0." },
        { () => new RmsProp<double>(Params(), new RmsPropOptions { Alpha = -0.5 }), "RmsProp: alpha = -0.5 is invalid: expected a finite number >= 0." },
        { () => new RmsProp<double>(Params(), new RmsPropOptions { WeightDecay = double.PositiveInfinity }), "RmsProp: weightDecay = Infinity is invalid: expected a finite number >= 0." },
        { () => new Adam<double>(Params(), new AdamOptions { Beta1 = 1.2 }), "Adam: beta1 = 1.2 is invalid: expected 0 <= beta1 < 1." },
        { () => new Adam<double>(Params(), new AdamOptions { Beta2 = 1 }), "Adam: beta2 = 1 is invalid: expected 0 <= beta2 < 1." },
        { () => new AdamW<double>(Params(), new AdamWOptions { WeightDecay = -0.01 }), "AdamW: weightDecay = -0.01 is invalid: expected a finite number >= 0." },
        { () => new Lbfgs<double>(Params(), new LbfgsOptions { LearningRate = 0 }), "Lbfgs: lr = 0 is invalid: expected a finite number > 0." },
        { () => new Lbfgs<double>(Params(), new LbfgsOptions { HistorySize = 0 }), "Lbfgs: historySize = 0 is invalid: expected an integer >= 1." },
        { () => new Lbfgs<double>(Params(), new LbfgsOptions { MaxIter = 0 }), "Lbfgs: maxIter = 0 is invalid: expected an integer >= 1." },
        { () => new Adam<double>([]), "Adam: the parameter list is empty; pass the tensors to optimize (e.g. model.Parameters)." },
        { () => { var p = NDArray.Parameter([1.0], 1); p.Name = "w"; return new Sgd<double>([p, p]); }, "Sgd: parameter 1 (w [1]) is the same tensor as parameter 0; list each parameter once." },
        { () => Optimizers.Parse("adamx"), "Unknown optimizer \"adamx\": expected one of sgd, adagrad, rmsprop, adam, adamw, lbfgs." },
        { () => Optimizers.Create("sgd", Params(), new OptimizerSettings { Beta1 = 0.9 }), "sgd does not take beta1; its settings are lr, momentum, dampening, weightDecay, nesterov." },
        { () => new CosineAnnealing(new Adam<double>(Params()), 0), "CosineAnnealing: tMax = 0 is invalid: expected an integer >= 1." },
        { () => new LinearWarmup(new Adam<double>(Params()), 5, startFactor: 0), "LinearWarmup: startFactor = 0 is invalid: expected 0 < startFactor <= 1." },
        { () => new ReduceOnPlateau(new Adam<double>(Params()), new PlateauOptions { Factor = 1 }), "ReduceOnPlateau: factor = 1 is invalid: expected 0 <= factor < 1." },
        { () => GradientClipping.ByNorm(Params(), -1), "GradientClipping.ByNorm: maxNorm = -1 is invalid: expected a finite number >= 0." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_with_a_message_that_names_the_value(Func<object> build, string message)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => build());
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_schedule_cannot_set_an_invalid_learning_rate()
    {
        var adam = new Adam<double>(Params());
        var e = Assert.Throws<ArgumentException>(() => adam.LearningRate = double.NaN);
        Assert.Equal("Adam: lr = NaN is invalid: expected a finite number >= 0.", e.Message);
    }

    [Fact]
    public void Lbfgs_Step_without_a_closure_says_how_to_call_it()
    {
        var lbfgs = new Lbfgs<double>(Params());
        var e = Assert.Throws<InvalidOperationException>(() => lbfgs.Step());
        Assert.Equal("Lbfgs: Step() needs the closure that recomputes the loss and its gradient: call Step(closure), because L-BFGS evaluates the loss several times per step.", e.Message);
    }

    [Fact]
    public void State_from_another_optimizer_is_refused()
    {
        var p = Params();
        var state = new Sgd<double>(p).ExportState();
        var e = Assert.Throws<ArgumentException>(() => new Adam<double>(p).ImportState(state));
        Assert.Equal("Adam: the checkpoint holds the state of Sgd; resume with the same optimizer.", e.Message);
    }

    [Fact]
    public void A_gradient_of_the_wrong_shape_is_reported()
    {
        var p = NDArray.Parameter([1.0, 2.0], 2);
        p.Name = "w";
        p.Grad = NDArray.FromArray([1.0, 2.0, 3.0], 3);
        var e = Assert.Throws<ShapeException>(() => new Sgd<double>([p]).Step());
        Assert.Equal("Sgd: the gradient of w [2] has shape [3]; it must match the parameter.", e.Message);
    }
}
