using System.Diagnostics;
using System.Globalization;
using Downhill.Data;
using Downhill.Distributed;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Bench;

/// <summary>
/// <c>mpirun -np N dotnet Downhill.Bench.dll data-parallel [--batch B] [--rows R]</c> (or without mpirun
/// for one process): an MLP trained data-parallel on generated data until the training loss reaches a
/// target; rank 0 prints samples/s, seconds to the target, and the share of each step spent in the
/// allreduce (timed around every <see cref="IGradientReducer.Sum(Span{float})"/>). bench/README.mpi.md.
/// </summary>
internal static class DataParallelBench
{
    private const int Features = 64, Hidden = 128, Classes = 10, MaxEpochs = 30;
    private const double TargetLoss = 0.35;

    public static int Run(string[] args)
    {
        int batch = Option(args, "--batch", 256), rows = Option(args, "--rows", 32_768);
        using var mpi = MpiReducer.FromLaunch();
        var reducer = new TimedReducer(mpi is null ? SingleProcess.Instance : mpi);
        var data = Teacher(rows);
        var model = new Network<float>(ModelKind.Mlp, Features, Classes, [Hidden], Activation.Relu, seed: 1);
        var optimizer = Optimizers.Create("adam", model.Parameters, new OptimizerSettings { LearningRate = 0.003 });
        var trainer = new Trainer<float>(model, optimizer, new TrainingOptions { Epochs = MaxEpochs, BatchSize = batch, Loss = Loss.CrossEntropy, Seed = 2 })
        {
            Reducer = reducer,
        };
        var clock = Stopwatch.StartNew();
        double? toTarget = null;
        var session = trainer.Start(data);
        long steps = 0;
        while (!session.IsFinished)
        {
            var epoch = session.RunEpoch();
            steps += session.BatchesPerEpoch;
            if (epoch is not null && epoch.TrainLoss <= TargetLoss) { toTarget = clock.Elapsed.TotalSeconds; break; }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long samples = session.Result.SamplesSeen;
        if (reducer.Rank == 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ranks {reducer.Size}  batch {batch}  rows {rows}  parameters {model.ParameterCount}  epochs {session.History.Count}  " +
                $"final loss {session.History[^1].TrainLoss:F4}  seconds {seconds:F2}  samples/s {samples / seconds:F0}  " +
                $"to loss {TargetLoss}: {(toTarget is { } t ? $"{t:F2} s" : "not reached")}  " +
                $"allreduce share {reducer.Seconds / seconds:P1}  allreduce bytes/step {reducer.Bytes / Math.Max(1, reducer.Calls):F0}  " +
                $"allreduce us/call {1e6 * reducer.Seconds / Math.Max(1, reducer.Calls):F0}"));
        return 0;
    }

    /// <summary>Rows labelled by a random linear teacher (argmax of x W), so the loss can fall far; the same on every rank.</summary>
    private static TrainingData<float> Teacher(int rows)
    {
        var rng = new Random(7);
        var x = NDArray<float>.Normal(rng, 0, 1, rows, Features);
        var w = NDArray<float>.Normal(rng, 0, 1, Features, Classes);
        var labels = new int[rows];
        for (int i = 0; i < rows; i++)
        {
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int c = 0; c < Classes; c++)
            {
                float s = 0;
                for (int f = 0; f < Features; f++) s += x.Data[i * Features + f] * w.Data[f * Classes + c];
                if (s > bestScore) (best, bestScore) = (c, s);
            }
            labels[i] = best;
        }
        return new TrainingData<float>(x, null, labels);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Times every sum (the allreduce of each step) of the reducer it wraps.</summary>
    private sealed class TimedReducer(IGradientReducer inner) : IGradientReducer
    {
        public double Seconds { get; private set; }
        public long Calls { get; private set; }
        public long Bytes { get; private set; }
        public int Rank => inner.Rank;
        public int Size => inner.Size;
        public void Sum(Span<float> values) { long t = Stopwatch.GetTimestamp(); inner.Sum(values); Count(t, values.Length * sizeof(float)); }
        public void Sum(Span<double> values) { long t = Stopwatch.GetTimestamp(); inner.Sum(values); Count(t, values.Length * sizeof(double)); }
        public void Broadcast(Span<float> values, int root) => inner.Broadcast(values, root);
        public void Broadcast(Span<double> values, int root) => inner.Broadcast(values, root);
        public void Barrier() => inner.Barrier();

        private void Count(long start, long bytes)
        {
            Seconds += Stopwatch.GetElapsedTime(start).TotalSeconds;
            Calls++;
            Bytes += bytes;
        }
    }
}
