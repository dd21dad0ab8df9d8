using Downhill;
using Downhill.Data;
using Downhill.Formulas;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>The Trainer's compiled formula step against the tape (loss.Backward()), the reference.</summary>
public class FormulaStepTests
{
    /// <summary>
    /// One loss and gradient: the same ops in the same grouping, except the tape's exp is a
    /// vector kernel an ulp away from Math.Exp on some inputs and its sums run in vector order.
    /// </summary>
    private const double GradientTolerance = 1e-12;

    /// <summary>
    /// Parameters after hundreds of updates: per-step differences of an ulp or two, carried and
    /// sometimes amplified by the updates (measured: below 1e-13 for these runs).
    /// </summary>
    private const double ParameterTolerance = 1e-10;

    public static readonly TheoryData<Loss> RegressionLosses = [Loss.Mse, Loss.Rmse, Loss.Mae, Loss.Huber];

    private static readonly Formula Curve = Formula.Parse("y = a*exp(-b*x) + c");

    private static FormulaModel Model(Formula formula, params (string Name, double Value)[] init) =>
        new(formula, ["x"], [.. init.Select(p => p.Name)], init.ToDictionary(p => p.Name, p => p.Value));

    private static FormulaModel CurveModel() => Model(Curve, ("a", 2.0), ("b", 0.5), ("c", 0.3));

    /// <summary>Noisy samples of 3 exp(-0.8 x) + 1 at x = 0, 0.25, ...</summary>
    private static TrainingData<double> CurveData(int rows, int seed)
    {
        var rng = new Random(seed);
        var x = new double[rows];
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            x[i] = i * 0.25;
            y[i] = 3 * Math.Exp(-0.8 * x[i]) + 1 + 0.05 * (rng.NextDouble() - 0.5);
        }
        return new(NDArray<double>.Wrap(x, rows, 1), NDArray<double>.Wrap(y, rows, 1), null);
    }

    [Theory]
    [MemberData(nameof(RegressionLosses))]
    public void LossAndGradientEqualTheTape(Loss loss)
    {
        var data = CurveData(17, seed: 1);
        // Targets far from the start so Huber has residuals on both sides of 1.
        for (int i = 0; i < data.Count; i += 3) data.Targets!.Data[i] += 2.5;
        var (tape, fused) = (CurveModel(), CurveModel());

        var l = Losses.Compute(loss, tape.Forward(data.Features), data.Targets, null);
        l.Backward();
        double actual = FormulaStep.For(fused, loss)!.Run(data, null, 0, data.Count);

        Assert.Equal(l.Item(), actual, GradientTolerance);
        for (int p = 0; p < tape.Parameters.Count; p++)
            Assert.Equal(tape.Parameters[p].Grad!.Item(), fused.Parameters[p].Grad!.Item(), GradientTolerance);
    }

    [Theory]
    [MemberData(nameof(RegressionLosses))]
    public void KinksOfTheLossesFollowTheTape(Loss loss)
    {
        // y = m*x + b at m = 1, b = 0 with integer targets: residuals of exactly 0 (abs's
        // subgradient), +-1 (Huber's tie in min(|d|, 1)) and 3. With 8 rows every op and sum here
        // is exact, in any order, so the two paths must agree to the bit. RMSE at a perfect fit:
        // 1/(2 sqrt 0) = inf times a residual of 0 is NaN, on both.
        var line = Formula.Parse("y = m*x + b");
        double[] x = [0, 1, 2, 3, 4, 5, 6, 7];
        double[] t = loss == Loss.Rmse ? [0, 1, 2, 3, 4, 5, 6, 7] : [0, 0, 3, 3, 1, 5, 6, 8];
        var data = new TrainingData<double>(NDArray<double>.Wrap(x, 8, 1), NDArray<double>.Wrap(t, 8, 1), null);
        var (tape, fused) = (Model(line, ("m", 1.0), ("b", 0.0)), Model(line, ("m", 1.0), ("b", 0.0)));

        var l = Losses.Compute(loss, tape.Forward(data.Features), data.Targets, null);
        l.Backward();
        Assert.Equal(l.Item(), FormulaStep.For(fused, loss)!.Run(data, null, 0, 8));
        for (int p = 0; p < 2; p++)
            Assert.Equal(tape.Parameters[p].Grad!.Item(), fused.Parameters[p].Grad!.Item());
        if (loss == Loss.Rmse) Assert.True(double.IsNaN(fused.Parameters[0].Grad!.Item()));
    }

    [Theory]
    [InlineData(Loss.Mse, "sgd", null, false)]
    [InlineData(Loss.Huber, "adam", null, false)]
    [InlineData(Loss.Mae, "sgd", 4, true)]
    [InlineData(Loss.Mse, "adam", 7, true)]
    [InlineData(Loss.Rmse, "rmsprop", 1, true)]
    public void TrainerEndsWithTheTapesParameters(Loss loss, string optimizerName, int? batch, bool shuffle)
    {
        // 30 rows: batches of 4 and 7 end with a partial batch; null is the full batch.
        var data = CurveData(30, seed: 2);
        int epochs = batch is null ? 200 : 8;
        var settings = new OptimizerSettings { LearningRate = 0.01 };
        var options = new TrainingOptions { Epochs = epochs, BatchSize = batch, Shuffle = shuffle, Seed = 5, Loss = loss };

        var fused = CurveModel();
        var fusedTrainer = new Trainer<double>(fused, Optimizers.Create(optimizerName, fused.Parameters, settings), options);
        var fusedResult = fusedTrainer.Fit(data);
        var tape = CurveModel();
        var tapeTrainer = new Trainer<double>(tape, Optimizers.Create(optimizerName, tape.Parameters, settings), options) { FusedSteps = false };
        var tapeResult = tapeTrainer.Fit(data);

        Assert.Equal(StopReason.Completed, fusedResult.StoppedBecause);
        Assert.Equal(tapeResult.History.Count, fusedResult.History.Count);
        for (int e = 0; e < epochs; e++)
            Assert.Equal(tapeResult.History[e].TrainLoss, fusedResult.History[e].TrainLoss, ParameterTolerance);
        for (int p = 0; p < tape.Parameters.Count; p++)
            Assert.Equal(tape.Parameters[p].Item(), fused.Parameters[p].Item(), ParameterTolerance);
        // And training did something: the curve moved from its start towards 3 exp(-0.8 x) + 1.
        Assert.NotEqual(2.0, fused.Parameter("a").Item());
    }

    [Fact]
    public void ALeftSideOfYIsFittedAsOnTheTape()
    {
        // log(y) = a*x + b: the target is log(y), evaluated once by FormulaModel.TargetFrom.
        double[] x = [0, 1, 2, 3, 4, 5, 6, 7];
        var y = x.Select(v => Math.Exp(0.3 * v + 0.5) * (1 + 0.01 * Math.Sin(7 * v))).ToArray();
        var set = Dataset.Regression(["x"], x, ["y"], y, "grow.csv");
        var formula = Formula.Parse("log(y) = a*x + b");
        FormulaModel Make() => new(formula, ["x"], ["a", "b"]);
        var (fused, tape) = (Make(), Make());
        var data = new TrainingData<double>(fused.InputsFrom(set), fused.TargetFrom(set), null);
        var options = new TrainingOptions { Epochs = 300, Shuffle = false, Loss = Loss.Mse };

        new Trainer<double>(fused, new Sgd<double>(fused.Parameters, new SgdOptions { LearningRate = 0.02 }), options).Fit(data);
        new Trainer<double>(tape, new Sgd<double>(tape.Parameters, new SgdOptions { LearningRate = 0.02 }), options) { FusedSteps = false }.Fit(data);

        Assert.Equal(tape.Parameter("a").Item(), fused.Parameter("a").Item(), ParameterTolerance);
        Assert.Equal(tape.Parameter("b").Item(), fused.Parameter("b").Item(), ParameterTolerance);
        Assert.Equal(0.3, fused.Parameter("a").Item(), 0.02);
    }

    [Fact]
    public void AParameterOnlyUnderAPower0IsLeftAloneAsOnTheTape()
    {
        // The tape gives a in a^0 no gradient at all (Grad null), so the optimizer skips it; a zero
        // gradient would still shrink it by weight decay. b, with a gradient, moves.
        var formula = Formula.Parse("y = a^0*x + b");
        FormulaModel Make() => new(formula, ["x"], ["a", "b"], new Dictionary<string, double> { ["a"] = 4 });
        var (fused, tape) = (Make(), Make());
        var data = CurveData(10, seed: 3);
        var options = new TrainingOptions { Epochs = 5, Shuffle = false, Loss = Loss.Mse };
        var sgd = new SgdOptions { LearningRate = 0.1, WeightDecay = 0.1 };
        new Trainer<double>(fused, new Sgd<double>(fused.Parameters, sgd), options).Fit(data);
        new Trainer<double>(tape, new Sgd<double>(tape.Parameters, sgd), options) { FusedSteps = false }.Fit(data);
        Assert.Equal(4.0, fused.Parameter("a").Item());
        Assert.Equal(tape.Parameter("b").Item(), fused.Parameter("b").Item(), ParameterTolerance);
        Assert.NotEqual(1.0, fused.Parameter("b").Item());
    }

    [Fact]
    public void ClassificationLossesStayOnTheTapeAndFrozenParametersDoNot()
    {
        var model = CurveModel();
        Assert.NotNull(FormulaStep.For(model, Loss.Huber));
        Assert.Null(FormulaStep.For(model, Loss.BinaryCrossEntropy, out var why));
        Assert.Contains("binary-cross-entropy", why);
        model.Parameters[1].RequiresGrad = false;
        Assert.NotNull(FormulaStep.For(model, Loss.Mse));
        foreach (var p in model.Parameters) p.RequiresGrad = false;
        Assert.Null(FormulaStep.For(model, Loss.Mse, out why));
        Assert.Contains("no trainable parameter", why);
    }
}
