using System.Numerics;

namespace Downhill.Nn;

/// <summary>Max or average pooling over size×size windows moved by the window size (no overlap, no padding).</summary>
public sealed class Pool2d<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Max pooling when <paramref name="max"/>, else average pooling, over size×size windows.</summary>
    public Pool2d(int size, bool max)
    {
        if (size < 1) Errors.OutOfRange(nameof(size), size, "a pooling window of at least 1 pixel, e.g. 2");
        Size = size;
        Max = max;
    }

    /// <summary>The window's side in pixels (also the stride).</summary>
    public int Size { get; }

    /// <summary>True for max pooling, false for average pooling.</summary>
    public bool Max { get; }

    /// <inheritdoc/>
    public override NDArray<T> Forward(NDArray<T> x, bool training) => Max ? x.MaxPool2d(Size) : x.AvgPool2d(Size);
}

/// <summary>[N, C, H, W] to [N, C·H·W], the rows a dense layer takes (a view: no copy).</summary>
public sealed class Flatten<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public override NDArray<T> Forward(NDArray<T> x, bool training) => x.Rank == 2 ? x : x.Reshape(x.Shape[0], -1);
}

/// <summary>
/// Inverted dropout with a rate while training (<see cref="NDArray{T}.Dropout"/>), nothing at
/// evaluation. The masks come from a generator seeded once, so a seeded run repeats bit for bit.
/// </summary>
public sealed class Dropout<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Random rng;

    /// <summary>Zeroes each element with probability <paramref name="rate"/> while training, masks drawn from a generator seeded with <paramref name="seed"/>.</summary>
    public Dropout(double rate, int seed)
    {
        if (!(rate >= 0 && rate < 1)) Errors.OutOfRange(nameof(rate), rate, "a dropout rate in [0, 1), e.g. 0.25");
        Rate = rate;
        rng = new Random(seed);
    }

    /// <summary>The probability that an element is zeroed while training.</summary>
    public double Rate { get; }

    /// <inheritdoc/>
    public override NDArray<T> Forward(NDArray<T> x, bool training) => training && Rate > 0 ? x.Dropout(Rate, rng) : x;
}

/// <summary>
/// Batch normalization per channel (<see cref="NDArray{T}.BatchNorm"/>): a scale γ (ones) and a
/// shift β (zeros) trained, the running mean (zeros) and variance (ones) kept as state,
/// momentum 0.1 and ε = 1e-5 as PyTorch's <c>BatchNorm2d</c> defaults.
/// </summary>
public sealed class BatchNorm<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A layer for <paramref name="channels"/> channels (or features), its tensors named "<paramref name="name"/>.gamma" and so on.</summary>
    public BatchNorm(int channels, string name = "bn")
    {
        if (channels < 1) Errors.OutOfRange(nameof(channels), channels, "at least 1 channel");
        Gamma = Named(NDArray<T>.Ones(channels), name + ".gamma", train: true);
        Beta = Named(NDArray<T>.Zeros(channels), name + ".beta", train: true);
        RunningMean = Named(NDArray<T>.Zeros(channels), name + ".running_mean", train: false);
        RunningVariance = Named(NDArray<T>.Ones(channels), name + ".running_var", train: false);
    }

    /// <summary>The trained scale γ, one per channel.</summary>
    public NDArray<T> Gamma { get; }

    /// <summary>The trained shift β, one per channel.</summary>
    public NDArray<T> Beta { get; }

    /// <summary>The running mean the evaluation pass normalizes with.</summary>
    public NDArray<T> RunningMean { get; }

    /// <summary>The running (unbiased) variance the evaluation pass normalizes with.</summary>
    public NDArray<T> RunningVariance { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<NDArray<T>> Parameters => [Gamma, Beta];

    /// <inheritdoc/>
    public override IReadOnlyList<NDArray<T>> State => [RunningMean, RunningVariance];

    /// <summary>ε added to the variance before its square root; an exported model must use the same.</summary>
    internal const double Epsilon = 1e-5;

    /// <inheritdoc/>
    public override NDArray<T> Forward(NDArray<T> x, bool training) => x.BatchNorm(Gamma, Beta, RunningMean, RunningVariance, training, epsilon: Epsilon);
}
