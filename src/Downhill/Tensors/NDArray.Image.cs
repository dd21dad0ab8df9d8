using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill;

/// <summary>
/// The image ops of a convolutional network besides the convolution itself (Nn/Conv2d.cs, which
/// fuses the activation): max and average pooling, dropout and batch normalization, each with
/// its backward rule beside its forward. They compute as PyTorch's <c>max_pool2d</c>,
/// <c>avg_pool2d</c>, <c>dropout</c> and <c>batch_norm</c> do (tests/reference/conv_reference.py).
/// </summary>
public sealed partial class NDArray<T>
{
    /// <summary>
    /// Max pooling over size×size windows moved by <paramref name="stride"/> (the window size when
    /// 0, as PyTorch's default), no padding: [N,C,H,W] to [N,C,(H-size)/stride+1,(W-size)/stride+1].
    /// The gradient goes to the first largest element of each window (PyTorch's choice on ties).
    /// </summary>
    public NDArray<T> MaxPool2d(int size, int stride = 0) => Pool2d(size, stride, max: true);

    /// <summary>Average pooling over size×size windows, stride as <see cref="MaxPool2d"/>; the gradient is shared equally by the window.</summary>
    public NDArray<T> AvgPool2d(int size, int stride = 0) => Pool2d(size, stride, max: false);

    private NDArray<T> Pool2d(int size, int stride, bool max)
    {
        string op = max ? "MaxPool2d" : "AvgPool2d";
        if (stride == 0) stride = size;
        if (size < 1) Errors.OutOfRange(nameof(size), size, $"{op}: a window of at least 1 pixel");
        if (stride < 1) Errors.OutOfRange(nameof(stride), stride, $"{op}: a stride of at least 1 pixel (0 for the window size)");
        if (Rank != 4) Errors.Shape($"{op}: input {Describe()} has rank {Rank}; expected [batch, channels, height, width].");
        int n = Shape[0], c = Shape[1], h = Shape[2], w = Shape[3];
        if (h < size || w < size)
            Errors.Shape($"{op}: a {size}x{size} window does not fit in the {h}x{w} image of {Describe()}; use a smaller window or fewer pooling layers.");
        int oh = (h - size) / stride + 1, ow = (w - size) / stride + 1;
        var x = this;
        var y = new NDArray<T>(new Shape(n, c, oh, ow));
        // Max: the flat input index of each output's winner, for the backward.
        var winners = max ? new int[y.Size] : null;
        T area = T.CreateTruncating(size * size);
        int o = 0;
        for (int plane = 0; plane < n * c; plane++)
        {
            int basis = plane * h * w;
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++, o++)
                {
                    int first = basis + oy * stride * w + ox * stride;
                    T best = Buffer[first], sum = T.Zero;
                    int at = first;
                    for (int i = 0; i < size; i++)
                        for (int j = 0; j < size; j++)
                        {
                            int k = first + i * w + j;
                            T v = Buffer[k];
                            sum += v;
                            // NOTE: NaN wins, as in PyTorch, so a NaN input is not hidden by pooling.
                            if (v > best || T.IsNaN(v) && !T.IsNaN(best)) { best = v; at = k; }
                        }
                    if (max) { y.Buffer[o] = best; winners![o] = at; }
                    else y.Buffer[o] = sum / area;
                }
        }
        return Record(y, op, g =>
        {
            var gx = new NDArray<T>(x.Shape);
            if (max)
            {
                for (int k = 0; k < winners!.Length; k++) gx.Buffer[winners[k]] += g.Buffer[k];
            }
            else
            {
                int k = 0;
                for (int plane = 0; plane < n * c; plane++)
                    for (int oy = 0; oy < oh; oy++)
                        for (int ox = 0; ox < ow; ox++, k++)
                        {
                            T share = g.Buffer[k] / area;
                            int first = plane * h * w + oy * stride * w + ox * stride;
                            for (int i = 0; i < size; i++)
                                for (int j = 0; j < size; j++) gx.Buffer[first + i * w + j] += share;
                        }
            }
            x.AccumulateOwnedGrad(gx);
        }, x);
    }

    /// <summary>
    /// Inverted dropout: each element is zeroed with probability <paramref name="rate"/> and the
    /// survivors are scaled by 1/(1 - rate), so the expected value is unchanged and evaluation
    /// needs no rescaling. The draws come from <paramref name="rng"/> (one NextDouble per element),
    /// so a seeded generator gives the same mask every run. The gradient passes through the same mask.
    /// </summary>
    public NDArray<T> Dropout(double rate, Random rng)
    {
        if (!(rate >= 0 && rate < 1)) Errors.OutOfRange(nameof(rate), rate, "a dropout rate in [0, 1), e.g. 0.25");
        var x = this;
        var mask = new T[Size];
        T keep = T.One / T.CreateTruncating(1 - rate);
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < rate ? T.Zero : keep;
        var y = new NDArray<T>(Shape);
        TP.Multiply<T>(Buffer, mask, y.Buffer);
        return Record(y, "Dropout", g =>
        {
            var gx = new NDArray<T>(x.Shape);
            TP.Multiply<T>(g.Buffer, mask, gx.Buffer);
            x.AccumulateOwnedGrad(gx);
        }, x);
    }

    /// <summary>
    /// Batch normalization over every axis but the channel axis 1 of [N,C] or [N,C,H,W]:
    /// y = γ (x - μ) / sqrt(σ² + ε) + β. In training μ and σ² are the batch's (σ² biased, divided
    /// by the count m) and the running statistics move toward them by <paramref name="momentum"/>,
    /// the running variance with the unbiased σ²·m/(m-1), as PyTorch does; in evaluation the
    /// running statistics are used and left alone. Training backward (the batch statistics depend
    /// on x): dx = γ/(m·sqrt(σ²+ε)) · (m·g - Σg - x̂·Σ(g·x̂)), dγ = Σ g·x̂, dβ = Σ g.
    /// </summary>
    public NDArray<T> BatchNorm(NDArray<T> gamma, NDArray<T> beta, NDArray<T> runningMean, NDArray<T> runningVar,
        bool training, double momentum = 0.1, double epsilon = 1e-5)
    {
        if (Rank is not (2 or 4)) Errors.Shape($"BatchNorm: input {Describe()} has rank {Rank}; expected [batch, features] or [batch, channels, height, width].");
        int n = Shape[0], c = Shape[1], spatial = Rank == 4 ? Shape[2] * Shape[3] : 1;
        foreach (var (t, name) in new[] { (gamma, "gamma"), (beta, "beta"), (runningMean, "running mean"), (runningVar, "running variance") })
            if (t.Rank != 1 || t.Shape[0] != c)
                Errors.Shape($"BatchNorm: {name} {t.Shape} does not fit input {Shape} (expected [{c}], one per channel).");
        int m = n * spatial;
        if (training && m < 2)
            Errors.Shape($"BatchNorm: a training batch of {Describe()} has {m} value per channel; the batch variance needs at least 2 (use a larger batch).");
        var x = this;
        var y = new NDArray<T>(Shape);
        var xhat = new T[Size];
        var invStd = new T[c];
        T eps = T.CreateTruncating(epsilon), mom = T.CreateTruncating(momentum), count = T.CreateTruncating(m);
        for (int ch = 0; ch < c; ch++)
        {
            T mean, variance;
            if (training)
            {
                T sum = T.Zero;
                for (int b = 0; b < n; b++) sum += TP.Sum<T>(Buffer.AsSpan((b * c + ch) * spatial, spatial));
                mean = sum / count;
                T squares = T.Zero;
                for (int b = 0; b < n; b++)
                    foreach (var v in Buffer.AsSpan((b * c + ch) * spatial, spatial)) squares += (v - mean) * (v - mean);
                variance = squares / count;
                runningMean.Buffer[ch] = (T.One - mom) * runningMean.Buffer[ch] + mom * mean;
                runningVar.Buffer[ch] = (T.One - mom) * runningVar.Buffer[ch] + mom * (squares / (count - T.One));
            }
            else
            {
                mean = runningMean.Buffer[ch];
                variance = runningVar.Buffer[ch];
            }
            T inv = T.One / T.Sqrt(variance + eps);
            invStd[ch] = inv;
            for (int b = 0; b < n; b++)
            {
                int at = (b * c + ch) * spatial;
                for (int k = at; k < at + spatial; k++)
                {
                    xhat[k] = (Buffer[k] - mean) * inv;
                    y.Buffer[k] = gamma.Buffer[ch] * xhat[k] + beta.Buffer[ch];
                }
            }
        }
        return Record(y, "BatchNorm", g =>
        {
            var gg = new NDArray<T>(gamma.Shape);
            var gb = new NDArray<T>(beta.Shape);
            var gx = new NDArray<T>(x.Shape);
            for (int ch = 0; ch < c; ch++)
            {
                T sumG = T.Zero, sumGx = T.Zero;
                for (int b = 0; b < n; b++)
                {
                    int at = (b * c + ch) * spatial;
                    for (int k = at; k < at + spatial; k++) { sumG += g.Buffer[k]; sumGx += g.Buffer[k] * xhat[k]; }
                }
                gg.Buffer[ch] = sumGx;
                gb.Buffer[ch] = sumG;
                T scale = gamma.Buffer[ch] * invStd[ch];
                for (int b = 0; b < n; b++)
                {
                    int at = (b * c + ch) * spatial;
                    for (int k = at; k < at + spatial; k++)
                        gx.Buffer[k] = training
                            ? scale / count * (count * g.Buffer[k] - sumG - xhat[k] * sumGx)
                            : scale * g.Buffer[k];
                }
            }
            gamma.AccumulateOwnedGrad(gg);
            beta.AccumulateOwnedGrad(gb);
            x.AccumulateOwnedGrad(gx);
        }, x, gamma, beta);
    }
}
