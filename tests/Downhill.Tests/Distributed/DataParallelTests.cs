using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Tests.Training;
using Downhill.Training;

namespace Downhill.Tests.Distributed;

/// <summary>
/// Data-parallel training on ranks that are threads (<see cref="ThreadReducer"/>) against one
/// process on the same data, seed and global batch: the maths of sharding and summing, without MPI.
/// </summary>
public class DataParallelTests
{
    /// <summary>
    /// How far N ranks may drift from one process with analytic gradients. Each rank sums its rows'
    /// gradients and the ranks' sums are added: the same terms in another order, a few float32
    /// ulps per update, which Adam's division by a running root-mean-square carries into the
    /// weights. Measured over 36 updates: at most 9e-8; the bound leaves 100 times that.
    /// </summary>
    private const float AnalyticTolerance = 1e-5f;

    /// <summary>
    /// Finite differences divide a difference of two float32 losses by the nudge (0.01), which
    /// magnifies the same reordering about 100 times. Measured: 6e-5.
    /// </summary>
    private const float FiniteDifferenceTolerance = 1e-3f;

    private sealed record Run(float[][] Weights, TrainingResult Result);

    private static Run Train(IGradientReducer? reducer, Loss loss = Loss.CrossEntropy, int? batch = 8, double rate = 0.05, string optimizer = "adam",
        GradientMode gradient = GradientMode.Analytic, bool fused = true, int? patience = null, int rows = 47,
        Func<TrainingSession<float>, CancellationToken, TrainingResult>? drive = null)
    {
        var all = NetworkStepTests.Data<float>(loss, rows + 10, 5, 3, seed: 4);
        var train = all.Rows(Enumerable.Range(0, rows).ToArray());
        var validation = all.Rows(Enumerable.Range(rows, 10).ToArray());
        var model = new Network<float>(ModelKind.Mlp, 5, 3, [4], Activation.Tanh, seed: 9);
        var opt = Optimizers.Create(optimizer, model.Parameters, new OptimizerSettings { LearningRate = rate });
        var options = new TrainingOptions { Epochs = 6, BatchSize = batch, Loss = loss, Seed = 3, Gradient = gradient, EarlyStoppingPatience = patience };
        var trainer = new Trainer<float>(model, opt, options) { Reducer = reducer, FusedSteps = fused };
        var session = trainer.Start(train, validation);
        var result = drive is null ? session.Run() : drive(session, default);
        return new Run(model.Parameters.Select(p => p.ToArray()).ToArray(), result);
    }

    private static void AssertClose(float[][] expected, float[][] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int p = 0; p < expected.Length; p++)
            for (int i = 0; i < expected[p].Length; i++)
                Assert.True(Math.Abs(expected[p][i] - actual[p][i]) <= tolerance,
                    $"parameter {p} element {i}: one process {expected[p][i]}, ranks {actual[p][i]}, beyond {tolerance}");
    }

    [Theory]
    [InlineData(Loss.CrossEntropy, true, GradientMode.Analytic)]
    [InlineData(Loss.Mse, true, GradientMode.Analytic)]
    [InlineData(Loss.Mse, false, GradientMode.Analytic)] // the tape
    [InlineData(Loss.Huber, false, GradientMode.Central)] // finite differences
    public void RanksFollowOneProcessUpToTheOrderOfSums(Loss loss, bool fused, GradientMode gradient)
    {
        var one = Train(null, loss, fused: fused, gradient: gradient, patience: 10);
        float tolerance = gradient == GradientMode.Analytic ? AnalyticTolerance : FiniteDifferenceTolerance;
        foreach (int size in new[] { 1, 2, 3 })
        {
            var ranks = ThreadReducer.Run(size, r => Train(r, loss, fused: fused, gradient: gradient, patience: 10));
            foreach (var rank in ranks)
            {
                AssertClose(one.Weights, rank.Weights, tolerance);
                Assert.Equal(one.Result.History.Count, rank.Result.History.Count);
                for (int e = 0; e < one.Result.History.Count; e++)
                {
                    Assert.Equal(one.Result.History[e].TrainLoss, rank.Result.History[e].TrainLoss, 1e-5);
                    Assert.Equal(one.Result.History[e].ValidationLoss!.Value, rank.Result.History[e].ValidationLoss!.Value, 1e-5);
                }
                Assert.Equal(one.Result.SamplesSeen, rank.Result.SamplesSeen); // samples count the whole batch on every rank
            }
            // Every rank takes the same update from the same sum: identical bits across ranks.
            Assert.All(ranks, r => Assert.Equal(ranks[0].Weights, r.Weights));
        }
    }

    [Fact]
    public void OneRankIsBitForBitOneProcess()
    {
        var one = Train(null);
        var rank = ThreadReducer.Run(1, r => Train(r)).Single();
        Assert.Equal(one.Weights, rank.Weights);
        Assert.Equal(one.Result.History.Select(h => h.TrainLoss), rank.Result.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void TheSameNumberOfRanksTwiceGivesTheSameBits()
    {
        var first = ThreadReducer.Run(3, r => Train(r));
        var second = ThreadReducer.Run(3, r => Train(r));
        Assert.Equal(first[0].Weights, second[0].Weights);
        Assert.Equal(first[0].Result.History.Select(h => h.TrainLoss), second[0].Result.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void RanksWithoutRowsInABatchAddNothing()
    {
        // One row a batch: two of three ranks have none in each update, and the third's gradient
        // passes through the sum unchanged (x + 0 + 0 = x), so even the bits match one process.
        var one = Train(null, batch: 1, optimizer: "sgd", rows: 20);
        var ranks = ThreadReducer.Run(3, r => Train(r, batch: 1, optimizer: "sgd", rows: 20));
        Assert.All(ranks, r => Assert.Equal(one.Weights, r.Weights));
    }

    [Fact]
    public void ACancelOnOneRankStopsEveryRankAfterTheSameBatch()
    {
        var cancel = new CancellationTokenSource();
        var ranks = ThreadReducer.Run(3, r => Train(r, drive: (session, _) =>
        {
            // Only rank 2 is told (as one process of a job might get Ctrl-C), after its 9th update.
            var token = r.Rank == 2 ? cancel.Token : CancellationToken.None;
            while (!session.IsFinished)
            {
                session.Step(token);
                if (r.Rank == 2 && session.Updates == 9) cancel.Cancel();
            }
            return session.Result;
        }));
        Assert.All(ranks, r => Assert.Equal(StopReason.Cancelled, r.Result.StoppedBecause));
        Assert.All(ranks, r => Assert.Equal(ranks[0].Weights, r.Weights));
        Assert.All(ranks, r => Assert.Equal(2, r.Result.History.Count)); // the 10th update ends epoch 2 (6 batches an epoch)
    }

    [Fact]
    public void DivergenceStopsEveryRankAtTheBatchOneProcessStopsAt()
    {
        var one = Train(null, Loss.Mse, rate: 1e6, optimizer: "sgd");
        Assert.NotNull(one.Result.Divergence);
        var ranks = ThreadReducer.Run(2, r => Train(r, Loss.Mse, rate: 1e6, optimizer: "sgd"));
        Assert.All(ranks, r =>
        {
            Assert.Equal(StopReason.Diverged, r.Result.StoppedBecause);
            Assert.Equal((one.Result.Divergence!.Epoch, one.Result.Divergence.Batch), (r.Result.Divergence!.Epoch, r.Result.Divergence.Batch));
        });
    }

    [Fact]
    public void RanksHoldingDifferentDataAllRefuseToStart()
    {
        var errors = ThreadReducer.Run(2, r => Record.Exception(() => Train(r, rows: 40 + r.Rank)));
        Assert.All(errors, e => Assert.IsType<ArgumentException>(e));
        Assert.StartsWith("rank 0 of 2 holds 40 training rows and 39 parameter values, but the ranks' totals are 81 and 78:", errors[0]!.Message);
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(10, 3)]
    [InlineData(7, 4)]
    [InlineData(2, 3)]
    public void ShardsCoverEveryRowOnce(int rows, int size)
    {
        var covered = Enumerable.Range(0, size).SelectMany(r =>
        {
            var (start, end) = DataParallel<float>.Shard(rows, r, size);
            return Enumerable.Range(start, end - start);
        });
        Assert.Equal(Enumerable.Range(0, rows), covered);
    }
}
