using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Training;
using Downhill;

namespace Downhill.Tests.Training;

public class TrainerTests
{
    /// <summary>y1 = 2 x1 - 3 x2 + 1, y2 = -x1 + 0.5 x2 + 4 on 200 seeded points: two outputs, exact targets.</summary>
    private static TrainingData<double> TwoOutputLinear()
    {
        var rng = new Random(1);
        int n = 200;
        var x = new double[n * 2];
        var y = new double[n * 2];
        for (int i = 0; i < n; i++)
        {
            double a = rng.NextDouble() * 2 - 1, b = rng.NextDouble() * 2 - 1;
            x[2 * i] = a; x[2 * i + 1] = b;
            y[2 * i] = 2 * a - 3 * b + 1;
            y[2 * i + 1] = -a + 0.5 * b + 4;
        }
        return new(NDArray.FromArray(x, n, 2), NDArray.FromArray(y, n, 2), null);
    }

    [Fact]
    public void LinearModelRecoversKnownCoefficientsForSeveralOutputs()
    {
        var data = TwoOutputLinear();
        var model = new Network<double>(ModelKind.Linear, 2, 2, [], Activation.Identity, seed: 3);
        var optimizer = Optimizers.Create("adam", model.Parameters, new OptimizerSettings { LearningRate = 0.05 });
        var result = new Trainer<double>(model, optimizer, new TrainingOptions { Epochs = 400, BatchSize = 50 }).Fit(data);
        Assert.Equal(StopReason.Completed, result.StoppedBecause);
        // weight is [inputs, outputs]: column j holds output j's coefficients
        double[] expected = [2, -1, -3, 0.5];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], model.Parameter("weight").Data[i], 3);
        Assert.Equal(1, model.Parameter("bias").Data[0], 3);
        Assert.Equal(4, model.Parameter("bias").Data[1], 3);
    }

    [Fact]
    public void SoftmaxSeparatesThreeClustersAndMlpLearnsXor()
    {
        var rng = new Random(5);
        int n = 300;
        var x = new float[n * 2];
        var labels = new int[n];
        (float, float)[] centres = [(0, 3), (3, -2), (-3, -2)];
        for (int i = 0; i < n; i++)
        {
            labels[i] = i % 3;
            x[2 * i] = centres[i % 3].Item1 + (float)(rng.NextDouble() - 0.5);
            x[2 * i + 1] = centres[i % 3].Item2 + (float)(rng.NextDouble() - 0.5);
        }
        var data = new TrainingData<float>(NDArray.FromArray(x, n, 2), null, labels);
        var softmax = new Network<float>(ModelKind.Softmax, 2, 3, [], Activation.Identity, 1);
        var sgd = Optimizers.Create("sgd", softmax.Parameters, new OptimizerSettings { LearningRate = 0.1 });
        var trainer = new Trainer<float>(softmax, sgd, new TrainingOptions { Epochs = 20, BatchSize = 10, Loss = Loss.CrossEntropy });
        trainer.Fit(data);
        Assert.Equal(1.0, Metrics.Accuracy(Metrics.PredictedClasses(Loss.CrossEntropy, trainer.Predict(data.Features)), labels));

        var xor = new TrainingData<float>(NDArray.FromArray(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, 4, 2), null, [0, 1, 1, 0]);
        var mlp = new Network<float>(ModelKind.Mlp, 2, 2, [8], Activation.Tanh, 2);
        var adam = Optimizers.Create("adam", mlp.Parameters, new OptimizerSettings { LearningRate = 0.05 });
        var xorTrainer = new Trainer<float>(mlp, adam, new TrainingOptions { Epochs = 300, Loss = Loss.CrossEntropy });
        xorTrainer.Fit(xor);
        Assert.Equal([0, 1, 1, 0], Metrics.PredictedClasses(Loss.CrossEntropy, xorTrainer.Predict(xor.Features)));
    }

    [Fact]
    public void NumericalGradientTrainingTracksAnalyticTraining()
    {
        var data = TwoOutputLinear();
        double[] Run(GradientMode mode)
        {
            var model = new Network<double>(ModelKind.Linear, 2, 2, [], Activation.Identity, seed: 3);
            var sgd = Optimizers.Create("sgd", model.Parameters, new OptimizerSettings { LearningRate = 0.1 });
            new Trainer<double>(model, sgd, new TrainingOptions { Epochs = 5, BatchSize = 20, Gradient = mode, Nudge = 1e-5 }).Fit(data);
            return model.Parameters.SelectMany(p => p.ToArray()).ToArray();
        }
        var analytic = Run(GradientMode.Analytic);
        var central = Run(GradientMode.Central);
        var forward = Run(GradientMode.Forward);
        for (int i = 0; i < analytic.Length; i++)
        {
            // Central differences of a quadratic loss are exact up to round-off; forward ones are off by O(nudge).
            Assert.InRange(Math.Abs(analytic[i] - central[i]), 0, 1e-6);
            Assert.InRange(Math.Abs(analytic[i] - forward[i]), 0, 1e-3);
        }
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestEpochAndDivergenceIsCaught()
    {
        var data = TwoOutputLinear();
        // Validation targets shifted by +5 on output 0: the better the fit to train, the worse on
        // validation after the first epochs, so the best validation epoch comes early.
        var shifted = data.Targets!.ToArray();
        for (int i = 0; i < shifted.Length; i += 2) shifted[i] += 5;
        var validation = new TrainingData<double>(data.Features, NDArray.FromArray(shifted, data.Count, 2), null);
        var model = new Network<double>(ModelKind.Linear, 2, 2, [], Activation.Identity, seed: 3);
        var sgd = Optimizers.Create("sgd", model.Parameters, new OptimizerSettings { LearningRate = 0.01 });
        var trainer = new Trainer<double>(model, sgd, new TrainingOptions { Epochs = 200, BatchSize = 20, EarlyStoppingPatience = 3 });
        var snapshots = new List<double[]>();
        var result = trainer.Fit(data, validation, new TrainingCallbacks { EpochEnd = _ => snapshots.Add(model.Parameters.SelectMany(p => p.ToArray()).ToArray()) });
        Assert.Equal(StopReason.EarlyStopping, result.StoppedBecause);
        int best = result.BestEpoch!.Value;
        Assert.Equal(result.History.Count - 3, best);
        Assert.Equal(result.History.Min(h => h.ValidationLoss!.Value), result.History[best - 1].ValidationLoss);
        Assert.Equal(snapshots[best - 1], model.Parameters.SelectMany(p => p.ToArray()).ToArray());

        var blowUp = new Network<double>(ModelKind.Linear, 2, 2, [], Activation.Identity, seed: 3);
        var huge = Optimizers.Create("sgd", blowUp.Parameters, new OptimizerSettings { LearningRate = 50 });
        var diverged = new Trainer<double>(blowUp, huge, new TrainingOptions { Epochs = 50, BatchSize = 20 }).Fit(data);
        Assert.Equal(StopReason.Diverged, diverged.StoppedBecause);
        Assert.Equal(1, diverged.Divergence!.Epoch);
        Assert.StartsWith("training diverged at epoch 1, batch ", diverged.Divergence.Describe());
        Assert.All(blowUp.Parameters, p => Assert.All(p.ToArray(), v => Assert.True(double.IsFinite(v))));
    }

    [Fact]
    public void ResumingFromExportedStateContinuesBitForBit()
    {
        var data = TwoOutputLinear();
        var options = new TrainingOptions { Epochs = 3, BatchSize = 16 };
        (Network<double>, Optimizer<double>, Trainer<double>) Make()
        {
            var m = new Network<double>(ModelKind.Mlp, 2, 2, [4], Activation.Tanh, seed: 9);
            var o = Optimizers.Create("adam", m.Parameters, new OptimizerSettings { LearningRate = 0.01 });
            return (m, o, new Trainer<double>(m, o, options));
        }
        var (full, _, fullTrainer) = Make();
        fullTrainer.Fit(data);
        fullTrainer.Fit(data);

        var (first, firstOpt, firstTrainer) = Make();
        firstTrainer.Fit(data);
        var weights = first.Snapshot();
        var optState = firstOpt.ExportState();
        var trainerState = firstTrainer.ExportState();

        var (resumed, resumedOpt, resumedTrainer) = Make();
        resumed.Restore(weights);
        resumedOpt.ImportState(optState);
        resumedTrainer.ImportState(trainerState);
        var result = resumedTrainer.Fit(data);
        Assert.Equal(6, result.History[^1].Epoch);
        for (int i = 0; i < full.Parameters.Count; i++)
            Assert.Equal(full.Parameters[i].ToArray(), resumed.Parameters[i].ToArray());
    }
}
