using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Nn;

/// <summary>
/// A 2-D convolution layer y = act(conv(x, W) + b) on [batch, channels, height, width]:
/// W [filters, channels, kh, kw] and one bias per filter, zeros outside the image. As in
/// <see cref="Dense{T}"/>, forward records ONE fused node: im2col, one packed GEMM for the
/// whole batch, bias and activation; the backward is dZ = g·act'(y), dW = dZ colsᵀ,
/// db = sums of dZ, dx = col2im(Wᵀ dZ), each a single GEMM or pass.
/// </summary>
public sealed class Conv2d<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>He (ReLU) or Xavier initialization over fan-in channels·kh·kw, from <paramref name="rng"/>.</summary>
    public Conv2d(int channels, int filters, int kernelHeight, int kernelWidth, int stride, int padding,
        Activation activation, Random rng, string name = "conv")
    {
        if (channels < 1) Errors.OutOfRange(nameof(channels), channels, "at least 1 input channel");
        if (filters < 1) Errors.OutOfRange(nameof(filters), filters, "at least 1 filter");
        if (kernelHeight < 1) Errors.OutOfRange(nameof(kernelHeight), kernelHeight, "a kernel at least 1 pixel high");
        if (kernelWidth < 1) Errors.OutOfRange(nameof(kernelWidth), kernelWidth, "a kernel at least 1 pixel wide");
        if (stride < 1) Errors.OutOfRange(nameof(stride), stride, "a stride of at least 1 pixel");
        if (padding < 0) Errors.OutOfRange(nameof(padding), padding, "a padding of 0 or more pixels");
        Stride = stride;
        Padding = padding;
        Activation = activation;
        int fanIn = channels * kernelHeight * kernelWidth;
        // Drawn as [fanIn, filters] like a dense layer's weight, then laid out filter-major.
        var drawn = Initializers.For<T>(activation, fanIn, filters, rng);
        Weight = Named(NDArray<T>.Wrap(Gemm.Transposed<T>(drawn.Data, fanIn, filters), filters, channels, kernelHeight, kernelWidth), name + ".weight");
        Bias = Named(NDArray<T>.Zeros(filters), name + ".bias");
    }

    /// <summary>The step between windows, in pixels.</summary>
    public int Stride { get; }

    /// <summary>Zero pixels added on every side.</summary>
    public int Padding { get; }

    /// <summary>The non-linearity applied to each output.</summary>
    public Activation Activation { get; }

    /// <summary>The filters, [filters, channels, kernel height, kernel width].</summary>
    public NDArray<T> Weight { get; }

    /// <summary>One bias per filter.</summary>
    public NDArray<T> Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<NDArray<T>> Parameters => [Weight, Bias];

    /// <inheritdoc/>
    public override NDArray<T> Forward(NDArray<T> x, bool training) => Forward(x);

    /// <summary>act(conv(x) + b) for x [N, channels, H, W]: [N, filters, Ho, Wo].</summary>
    public NDArray<T> Forward(NDArray<T> x)
    {
        var g = ConvGeometry.Of(x.Shape, Weight.Shape, Stride, Padding, $"Conv2d {Weight.Name}");
        var weight = Weight; var bias = Bias; var act = Activation;
        int rows = g.ColumnRows, cols = g.Batch * g.Pixels;
        // One im2col matrix for the whole batch, [C·kh·kw, N·Ho·Wo], so the product is one large
        // GEMM (filters × batch pixels) rather than N small ones.
        var columns = new T[rows * cols];
        Im2Col.Forward<T>(x.Data, columns, g);
        var product = new T[g.Out * cols];
        Gemm.Multiply<T>(weight.Data, columns, product, g.Out, rows, cols, false, false, false);
        var y = NDArray<T>.Zeros(g.Batch, g.Out, g.OutHeight, g.OutWidth);
        var yb = y.Data;
        // [O, N·P] to [N, O, P] with the bias added in the same pass.
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.Out; o++)
                TP.Add(product.AsSpan(o * cols + n * g.Pixels, g.Pixels), bias.Data[o], yb.Slice((n * g.Out + o) * g.Pixels, g.Pixels));
        Dense<T>.ApplyActivation(act, yb);
        return NDArray<T>.Record(y, "Conv2d", grad =>
        {
            var dz = new T[y.Size];
            Dense<T>.ActivationGradient(act, grad.Data, y.Data, dz);
            // Back to the GEMM's [O, N·P] layout (reusing the product's buffer).
            var dzRows = product;
            for (int n = 0; n < g.Batch; n++)
                for (int o = 0; o < g.Out; o++)
                    dz.AsSpan((n * g.Out + o) * g.Pixels, g.Pixels).CopyTo(dzRows.AsSpan(o * cols + n * g.Pixels, g.Pixels));
            if (weight.NeedsGrad)
            {
                var gw = NDArray<T>.Zeros(weight.Shape.ToArray());
                Gemm.Multiply<T>(dzRows, columns, gw.Data, g.Out, cols, rows, false, true, false);
                weight.AccumulateOwnedGrad(gw);
            }
            if (bias.NeedsGrad)
            {
                var gb = NDArray<T>.Zeros(g.Out);
                for (int o = 0; o < g.Out; o++) gb.Data[o] = TP.Sum<T>(dzRows.AsSpan(o * cols, cols));
                bias.AccumulateOwnedGrad(gb);
            }
            if (x.NeedsGrad)
            {
                var gcols = new T[rows * cols];
                Gemm.Multiply<T>(weight.Data, dzRows, gcols, rows, g.Out, cols, true, false, false);
                var gx = NDArray<T>.Zeros(x.Shape.ToArray());
                Im2Col.Backward<T>(gcols, gx.Data, g);
                x.AccumulateOwnedGrad(gx);
            }
        }, x, weight, bias);
    }
}
