using System.Numerics;
using Downhill;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>
/// The fused step with the batch split across threads against the same step run whole. The
/// split is built to change no rounding (NetworkStep.Split.cs: the same GEMM row tiles, each
/// gradient value summed over the rows in the same order, the loss summed row by row), so
/// these tests ask for the same bits, not for closeness. The thread count goes in as an
/// argument; nothing in this class touches Parallelism.Threads.
/// </summary>
public class NetworkStepSplitTests
{
    public static TheoryData<Loss, int, int[], Activation, int> Cases()
    {
        var cases = new TheoryData<Loss, int, int[], Activation, int>();
        foreach (var loss in new[] { Loss.CrossEntropy, Loss.Mse })
        {
            // 1, 2 and 17 rows are too few to split (a part is at least two row tiles of 8); 25
            // splits 16 + 9, 33 into 16 + 17, 127 into 64 + 63 (the last tile short).
            foreach (int rows in new[] { 1, 2, 17, 25, 33, 127 })
            {
                cases.Add(loss, rows, [], Activation.Identity, 2);
                cases.Add(loss, rows, [12], Activation.Relu, 2);
                cases.Add(loss, rows, [16, 9], Activation.Tanh, 2);
            }
            cases.Add(loss, 57, [16, 9], Activation.Sigmoid, 3);
            cases.Add(loss, 127, [40], Activation.Relu, 4);
        }
        // The other losses' rows run in the same parts: a split batch and a whole one.
        foreach (var loss in new[] { Loss.Rmse, Loss.Mae, Loss.Huber, Loss.BinaryCrossEntropy })
        {
            cases.Add(loss, 17, [12], Activation.Relu, 2);
            cases.Add(loss, 33, [16, 9], Activation.Tanh, 2);
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SplitGivesTheWholeBatchsLossAndGradientsInDouble(Loss loss, int rows, int[] hidden, Activation activation, int threads) =>
        CheckSplitAgainstWhole<double>(loss, rows, hidden, activation, threads);

    [Theory]
    [MemberData(nameof(Cases))]
    public void SplitGivesTheWholeBatchsLossAndGradientsInFloat(Loss loss, int rows, int[] hidden, Activation activation, int threads) =>
        CheckSplitAgainstWhole<float>(loss, rows, hidden, activation, threads);

    private static void CheckSplitAgainstWhole<T>(Loss loss, int rows, int[] hidden, Activation activation, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // More data rows than the batch and a shuffled order, so the parts gather through it.
        int outputs = loss == Loss.BinaryCrossEntropy ? 1 : 4;
        var data = NetworkStepTests.Data<T>(loss, rows + 5, 7, outputs, seed: rows);
        int[] order = [.. Enumerable.Range(0, rows + 5).Reverse()];
        var kind = hidden.Length == 0 ? ModelKind.Linear : ModelKind.Mlp;
        var whole = new Network<T>(kind, 7, outputs, hidden, activation, seed: 5);
        var split = new Network<T>(kind, 7, outputs, hidden, activation, seed: 5);

        T expected = NetworkStep<T>.For(whole, loss, threads: 1)!.Run(data, order, 3, rows);
        var step = NetworkStep<T>.For(split, loss, threads)!;
        step.AlwaysSplit = true;
        Assert.Equal(rows < 25 ? 1 : threads, step.Parts(rows));
        T actual = step.Run(data, order, 3, rows);

        Assert.Equal(expected, actual);
        for (int p = 0; p < whole.Parameters.Count; p++)
            Assert.Equal(whole.Parameters[p].Grad!.Data.ToArray(), split.Parameters[p].Grad!.Data.ToArray());
    }

    [Fact]
    public void TheBitsDoNotDependOnWhoRunsTheParts()
    {
        var data = NetworkStepTests.Data<float>(Loss.CrossEntropy, 100, 20, 5, seed: 8);
        float[][] Gradients(int threads, out float loss)
        {
            var network = new Network<float>(ModelKind.Mlp, 20, 5, [24, 12], Activation.Relu, seed: 3);
            var step = NetworkStep<float>.For(network, Loss.CrossEntropy, threads)!;
            step.AlwaysSplit = true;
            loss = step.Run(data, null, 0, 100);
            return [.. network.Parameters.Select(p => p.Grad!.Data.ToArray())];
        }
        var whole = Gradients(1, out float wholeLoss);
        var split = Gradients(3, out float splitLoss);
        // While another caller holds the worker threads the parts run one after another on
        // this thread, with the same partition.
        float[][] queued = [];
        float queuedLoss = 0;
        ForkJoin.Run(2, part => { if (part == 1) queued = Gradients(3, out queuedLoss); });

        Assert.Equal(wholeLoss, splitLoss);
        Assert.Equal(wholeLoss, queuedLoss);
        for (int p = 0; p < whole.Length; p++)
        {
            Assert.Equal(whole[p], split[p]);
            Assert.Equal(whole[p], queued[p]);
        }
    }

    [Fact]
    public void ABadLabelInAnyPartIsReportedWithItsRowInTheBatch()
    {
        var data = NetworkStepTests.Data<float>(Loss.CrossEntropy, 40, 6, 3, seed: 1);
        data.Labels![37] = 3; // in the second part
        var network = new Network<float>(ModelKind.Mlp, 6, 3, [5], Activation.Relu, seed: 1);
        var step = NetworkStep<float>.For(network, Loss.CrossEntropy, threads: 2)!;
        step.AlwaysSplit = true;
        var e = Assert.Throws<ArgumentException>(() => step.Run(data, null, 4, 36));
        Assert.Equal("SoftmaxCrossEntropy: label 3 at row 33 is out of range for 3 classes (0..2).", e.Message);
    }

    [Fact]
    public void ANonFiniteLossLeavesTheGradientsUnset()
    {
        var data = NetworkStepTests.Data<float>(Loss.Mse, 32, 4, 2, seed: 6);
        data.Targets!.Data[50] = float.PositiveInfinity; // row 25: the second part
        var network = new Network<float>(ModelKind.Mlp, 4, 2, [3], Activation.Tanh, seed: 2);
        var step = NetworkStep<float>.For(network, Loss.Mse, threads: 2)!;
        step.AlwaysSplit = true;
        Assert.Equal(2, step.Parts(32));
        Assert.False(float.IsFinite(step.Run(data, null, 0, 32)));
        Assert.All(network.Parameters, p => Assert.Null(p.Grad));
    }

    [Theory]
    // The last figure is for 6-row tiles (AVX2 and 128-bit kernels) where it differs from 8-row ones (AVX-512).
    // W1 (784-16-16-10): 26k multiply-adds a row, 3.4M at batch 128, too little for two parts of 2M.
    [InlineData(new[] { 16, 16 }, 128, 2, 1, 1)]
    // W2 (784-128-10): 205k a row; batch 16 is 3.3M, batch 32 6.5M.
    [InlineData(new[] { 128 }, 16, 2, 1, 1)]
    [InlineData(new[] { 128 }, 32, 2, 2, 2)]
    [InlineData(new[] { 128 }, 32, 4, 2, 3)] // 4 row tiles of 8: two parts at most; 6 tiles of 6: three
    [InlineData(new[] { 128 }, 128, 1, 1, 1)]
    // W3 (784-256-128-10): 504k a row, 64M at batch 128.
    [InlineData(new[] { 256, 128 }, 128, 2, 2, 2)]
    [InlineData(new[] { 256, 128 }, 128, 4, 4, 4)]
    [InlineData(new[] { 256, 128 }, 1, 2, 1, 1)]
    public void SplitsWhenEachPartHasEnoughWork(int[] hidden, int batch, int threads, int partsWith8RowTiles, int partsWith6RowTiles)
    {
        var network = new Network<float>(ModelKind.Mlp, 784, 10, hidden, Activation.Relu, seed: 0);
        int parts = Gemm.MR == 8 ? partsWith8RowTiles : partsWith6RowTiles;
        Assert.Equal(parts, NetworkStep<float>.For(network, Loss.CrossEntropy, threads)!.Parts(batch));
    }
}
