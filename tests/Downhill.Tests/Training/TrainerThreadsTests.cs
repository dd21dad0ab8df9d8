using Downhill;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>
/// Tests that set the process-wide <see cref="Parallelism.Threads"/>. xunit runs test classes in
/// parallel; a collection with parallelization disabled runs alone, after the others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalThreadsCollection
{
    public const string Name = "Parallelism.Threads";
}

[Collection(GlobalThreadsCollection.Name)]
public class TrainerThreadsTests
{
    /// <summary>
    /// A whole fit on 1, 2 and 3 threads ends with the same bits: the batch split changes no
    /// rounding (NetworkStep.Split.cs), and neither do the GEMM's own strips.
    /// </summary>
    [Theory]
    [InlineData(Loss.CrossEntropy, "sgd", Activation.Relu)]
    [InlineData(Loss.Mse, "adam", Activation.Tanh)]
    public void FitOnMoreThreadsEndsWithTheOneThreadModel(Loss loss, string optimizerName, Activation activation)
    {
        // 400 rows in batches of 160: two batches large enough to split in 2 or 3 parts (at 40k
        // multiply-adds a row), then 80 rows that stay whole. 8 epochs give 16 steps that could
        // split: the step times 6 whole and 6 split (NetworkStep.Split.cs, SplitChoice) and
        // then keeps the faster, so both ways run whatever the timing.
        var data = NetworkStepTests.Data<float>(loss, 400, 64, 10, seed: 4);
        Network<float> Model() => new(ModelKind.Mlp, 64, 10, [256], activation, seed: 9);
        Assert.Equal(2, NetworkStep<float>.For(Model(), loss, threads: 2)!.Parts(160));
        Assert.Equal(3, NetworkStep<float>.For(Model(), loss, threads: 3)!.Parts(160));
        Assert.Equal(1, NetworkStep<float>.For(Model(), loss, threads: 3)!.Parts(80));

        (float[][] Parameters, double[] Losses) Fit(int threads)
        {
            int saved = Parallelism.Threads;
            Parallelism.Threads = threads;
            try
            {
                var network = Model();
                var optimizer = Optimizers.Create(optimizerName, network.Parameters, new OptimizerSettings { LearningRate = 0.01 });
                var options = new TrainingOptions { Epochs = 8, BatchSize = 160, Shuffle = true, Seed = 2, Loss = loss };
                var result = new Trainer<float>(network, optimizer, options).Fit(data);
                return ([.. network.Parameters.Select(p => p.Data.ToArray())], [.. result.History.Select(e => e.TrainLoss)]);
            }
            finally
            {
                Parallelism.Threads = saved;
            }
        }

        var one = Fit(1);
        foreach (int threads in new[] { 2, 3 })
        {
            var other = Fit(threads);
            Assert.Equal(one.Losses, other.Losses);
            for (int p = 0; p < one.Parameters.Length; p++) Assert.Equal(one.Parameters[p], other.Parameters[p]);
        }
    }
}
