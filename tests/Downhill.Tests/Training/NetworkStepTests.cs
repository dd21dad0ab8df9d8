using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Training;
using Downhill;

namespace Downhill.Tests.Training;

/// <summary>The Trainer's fused network step against the tape (loss.Backward()), the reference.</summary>
public class NetworkStepTests
{
    /// <summary>Float64 gradients from the two paths differ only by summation order: a few ulps of values near 1.</summary>
    private const double GradientTolerance = 1e-12;

    /// <summary>Float32 parameters after a dozen updates: rounding differences of 1e-7 per step, amplified by the updates.</summary>
    private const double ParameterTolerance = 1e-5;

    internal static TrainingData<T> Data<T>(Loss loss, int rows, int inputs, int outputs, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        var x = NDArray<T>.Normal(rng, 0, 1, rows, inputs);
        // Some exact zeros, as in image data: the one-row path skips them.
        for (int i = 0; i < x.Size; i += 3) x.Data[i] = T.Zero;
        if (loss.IsClassification())
            return new(x, null, Enumerable.Range(0, rows).Select(_ => rng.Next(loss == Loss.BinaryCrossEntropy ? 2 : outputs)).ToArray());
        return new(x, NDArray<T>.Normal(rng, 0, 1, rows, outputs), null);
    }

    [Theory]
    [InlineData(Activation.Sigmoid, Loss.CrossEntropy, 1)]
    [InlineData(Activation.Relu, Loss.CrossEntropy, 5)]
    [InlineData(Activation.Tanh, Loss.Mse, 1)]
    [InlineData(Activation.Relu, Loss.Mse, 9)]
    [InlineData(Activation.Tanh, Loss.Rmse, 1)]
    [InlineData(Activation.Relu, Loss.Rmse, 9)]
    [InlineData(Activation.Tanh, Loss.Mae, 1)]
    [InlineData(Activation.Sigmoid, Loss.Mae, 9)]
    [InlineData(Activation.Tanh, Loss.Huber, 1)]
    [InlineData(Activation.Relu, Loss.Huber, 9)]
    [InlineData(Activation.Tanh, Loss.BinaryCrossEntropy, 1)]
    [InlineData(Activation.Relu, Loss.BinaryCrossEntropy, 9)]
    public void GradientsEqualTheTape(Activation activation, Loss loss, int rows)
    {
        int outputs = loss == Loss.BinaryCrossEntropy ? 1 : 3; // binary: one logit per row
        var data = Data<double>(loss, rows, 6, outputs, seed: 2);
        var tape = new Network<double>(ModelKind.Mlp, 6, outputs, [5, 4], activation, seed: 7);
        var fused = new Network<double>(ModelKind.Mlp, 6, outputs, [5, 4], activation, seed: 7);

        double expected = Losses.Compute(loss, tape.Forward(data.Features), data.Targets, data.Labels).Item();
        Losses.Compute(loss, tape.Forward(data.Features), data.Targets, data.Labels).Backward();
        double actual = NetworkStep<double>.For(fused, loss)!.Run(data, null, 0, rows);

        Assert.Equal(expected, actual, GradientTolerance);
        for (int p = 0; p < tape.Parameters.Count; p++)
        {
            var want = tape.Parameters[p].Grad!.Data.ToArray();
            var got = fused.Parameters[p].Grad!.Data.ToArray();
            for (int i = 0; i < want.Length; i++) Assert.Equal(want[i], got[i], GradientTolerance);
        }
    }

    /// <summary>
    /// Layer widths around the vector widths (8 and 16 floats, 4 and 8 doubles, plus leftovers)
    /// so every branch of the one-row kernels runs, for batches of one row and of several.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void WideLayersEqualTheTapeInBothPrecisions(int rows)
    {
        CompareWithTape<double>(rows, 1e-12);
        // Float32: the same products summed in another order differ by a few float ulps.
        CompareWithTape<float>(rows, 2e-5);
    }

    private static void CompareWithTape<T>(int rows, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int[] hidden = [16, 33, 17];
        var data = Data<T>(Loss.CrossEntropy, rows, 40, 10, seed: 4);
        var tape = new Network<T>(ModelKind.Mlp, 40, 10, hidden, Activation.Sigmoid, seed: 3);
        var fused = new Network<T>(ModelKind.Mlp, 40, 10, hidden, Activation.Sigmoid, seed: 3);

        Losses.Compute(Loss.CrossEntropy, tape.Forward(data.Features), null, data.Labels).Backward();
        NetworkStep<T>.For(fused, Loss.CrossEntropy)!.Run(data, null, 0, rows);

        for (int p = 0; p < tape.Parameters.Count; p++)
        {
            var want = tape.Parameters[p].Grad!.Data.ToArray();
            var got = fused.Parameters[p].Grad!.Data.ToArray();
            for (int i = 0; i < want.Length; i++)
                Assert.True(Math.Abs(double.CreateTruncating(want[i] - got[i])) <= tolerance,
                    $"{typeof(T).Name} parameter {p} element {i}: tape {want[i]}, fused {got[i]}");
        }
    }

    [Fact]
    public void GathersTheRowsOfAnOrder()
    {
        var data = Data<double>(Loss.CrossEntropy, 10, 4, 3, seed: 4);
        int[] order = [9, 2, 5, 0, 7, 1, 3, 8, 6, 4];
        var tape = new Network<double>(ModelKind.Mlp, 4, 3, [6], Activation.Relu, seed: 1);
        var fused = new Network<double>(ModelKind.Mlp, 4, 3, [6], Activation.Relu, seed: 1);
        var batch = data.Rows(order[3..7]);
        Losses.Compute(Loss.CrossEntropy, tape.Forward(batch.Features), null, batch.Labels).Backward();
        NetworkStep<double>.For(fused, Loss.CrossEntropy)!.Run(data, order, 3, 4);
        for (int p = 0; p < tape.Parameters.Count; p++)
            for (int i = 0; i < tape.Parameters[p].Size; i++)
                Assert.Equal(tape.Parameters[p].Grad!.Data[i], fused.Parameters[p].Grad!.Data[i], GradientTolerance);
    }

    [Theory]
    [InlineData(Activation.Sigmoid, Loss.CrossEntropy, "sgd", 1)]
    [InlineData(Activation.Relu, Loss.CrossEntropy, "adam", 7)]
    [InlineData(Activation.Tanh, Loss.Mse, "sgd", 4)]
    [InlineData(Activation.Relu, Loss.Mse, "adam", 30)]
    [InlineData(Activation.Tanh, Loss.Huber, "adam", 7)]
    [InlineData(Activation.Relu, Loss.Mae, "sgd", 4)]
    [InlineData(Activation.Sigmoid, Loss.Rmse, "sgd", 7)]
    [InlineData(Activation.Relu, Loss.BinaryCrossEntropy, "adam", 4)]
    public void TrainerEndsWithTheTapesParameters(Activation activation, Loss loss, string optimizerName, int batch)
    {
        // 30 rows: batches of 7 and 4 end with a partial batch; 30 is the full batch.
        int outputs = loss == Loss.BinaryCrossEntropy ? 1 : 3;
        var data = Data<float>(loss, 30, 8, outputs, seed: 3);
        var settings = new OptimizerSettings { LearningRate = 0.05 };
        var options = new TrainingOptions { Epochs = 2, BatchSize = batch, Shuffle = false, Loss = loss };

        var trained = new Network<float>(ModelKind.Mlp, 8, outputs, [6, 5], activation, seed: 11);
        new Trainer<float>(trained, Optimizers.Create(optimizerName, trained.Parameters, settings), options).Fit(data);

        var reference = new Network<float>(ModelKind.Mlp, 8, outputs, [6, 5], activation, seed: 11);
        var optimizer = Optimizers.Create(optimizerName, reference.Parameters, settings);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
            for (int start = 0; start < data.Count; start += batch)
            {
                var rows = Enumerable.Range(start, Math.Min(batch, data.Count - start)).ToArray();
                var b = data.Rows(rows);
                optimizer.ZeroGrad();
                Losses.Compute(loss, reference.Forward(b.Features), b.Targets, b.Labels).Backward();
                optimizer.Step();
            }

        for (int p = 0; p < reference.Parameters.Count; p++)
            for (int i = 0; i < reference.Parameters[p].Size; i++)
                Assert.Equal(reference.Parameters[p].Data[i], trained.Parameters[p].Data[i], ParameterTolerance);
    }

    [Fact]
    public void BinaryCrossEntropyOnSeveralOutputsStaysOnTheTapeAndSaysWhy()
    {
        var network = new Network<float>(ModelKind.Mlp, 3, 2, [2], Activation.Relu, seed: 1);
        Assert.Null(NetworkStep<float>.For(network, Loss.BinaryCrossEntropy, out var why));
        Assert.Contains("binary-cross-entropy", why);
        Assert.Contains("2 outputs", why);
        foreach (var loss in Enum.GetValues<Loss>().Where(l => l != Loss.BinaryCrossEntropy))
            Assert.NotNull(NetworkStep<float>.For(network, loss));
    }

    /// <summary>A label other than 0 or 1 is the tape's error, with its row in the batch, before any pass.</summary>
    [Fact]
    public void ABinaryLabelOtherThanZeroOrOneIsReportedWithItsRow()
    {
        var data = Data<float>(Loss.BinaryCrossEntropy, 6, 3, 1, seed: 2);
        data.Labels![4] = 2;
        var network = new Network<float>(ModelKind.Mlp, 3, 1, [2], Activation.Relu, seed: 1);
        var tape = Assert.ThrowsAny<Exception>(() => Losses.Compute(Loss.BinaryCrossEntropy, network.Forward(data.Features), null, data.Labels));
        var fused = Assert.ThrowsAny<Exception>(() => NetworkStep<float>.For(network, Loss.BinaryCrossEntropy)!.Run(data, null, 0, 6));
        Assert.Equal(tape.Message, fused.Message);
        Assert.Contains("label 2 at row 4", fused.Message);
    }

    /// <summary>A frozen parameter takes the fused step too: it gets no gradient and does not move, and the rest moves as on the tape.</summary>
    [Fact]
    public void FrozenParametersTakeTheFusedStepAndMatchTheTape()
    {
        var data = Data<double>(Loss.Mse, 12, 4, 2, seed: 3);
        var tape = new Network<double>(ModelKind.Mlp, 4, 2, [3], Activation.Tanh, seed: 5);
        var fused = new Network<double>(ModelKind.Mlp, 4, 2, [3], Activation.Tanh, seed: 5);
        tape.Parameters[1].RequiresGrad = false;
        fused.Parameters[1].RequiresGrad = false;
        var frozenStart = fused.Parameters[1].ToArray();
        var options = new TrainingOptions { Epochs = 4, BatchSize = 5, Loss = Loss.Mse, ClipNorm = 0.5 };
        var tapeResult = new Trainer<double>(tape, new Sgd<double>(tape.Parameters, new SgdOptions { LearningRate = 0.1 }), options) { FusedSteps = false }.Fit(data);
        var fusedResult = new Trainer<double>(fused, new Sgd<double>(fused.Parameters, new SgdOptions { LearningRate = 0.1 }), options).Fit(data);

        Assert.Equal(TrainingPath.Tape, tapeResult.Path);
        Assert.Equal(TrainingPath.FusedNetwork, fusedResult.Path);
        Assert.Equal(frozenStart, fused.Parameters[1].ToArray());
        for (int p = 0; p < tape.Parameters.Count; p++)
            for (int i = 0; i < tape.Parameters[p].Size; i++)
                Assert.Equal(tape.Parameters[p].Data[i], fused.Parameters[p].Data[i], GradientTolerance);
    }
}
