using System.Diagnostics;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;

namespace Downhill.Bench;

/// <summary>
/// Downhill's side of bench/conv/run: the example conv network, as bench/conv/pytorch_conv.py
/// builds it (conv:32x3x3,pool:2,conv:64x3x3,pool:2,dense:128, ReLU, 10 outputs, float32, Adam
/// lr 1e-3, cross-entropy, batch 64, random 28x28 images), stepped for a number of seconds.
/// </summary>
internal static class ConvQuick
{
    public static int Run(string[] args)
    {
        int threads = Option(args, "--threads", 1), batch = Option(args, "--batch", 64), seconds = Option(args, "--seconds", 20);
        Parallelism.Threads = threads;
        var spec = ModelSpec.Parse("conv:32x3x3,pool:2,conv:64x3x3,pool:2,dense:128");
        var net = new ConvNet<float>(spec.Layers, new ImageShape(1, 28, 28), 784, 10, Activation.Relu, seed: 0);
        var optimizer = new Adam<float>(net.Parameters);
        var x = NDArray<float>.Uniform(new Random(1), 0, 1, batch, 784);
        var rng = new Random(2);
        var labels = Enumerable.Range(0, batch).Select(_ => rng.Next(10)).ToArray();
        float Step() => optimizer.Step(() =>
        {
            optimizer.ZeroGrad();
            var loss = Losses.Compute(Loss.CrossEntropy, net.Forward(x), null, labels);
            loss.Backward();
            return loss.Item();
        });
        for (int i = 0; i < 3; i++) Step();
        long steps = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds) { Step(); steps++; }
        Console.WriteLine($"downhill threads={threads} batch={batch} steps={steps} samples/s={steps * batch / clock.Elapsed.TotalSeconds:F0}");
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
