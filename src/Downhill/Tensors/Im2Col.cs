using System.Numerics;

namespace Downhill;

/// <summary>
/// im2col: the patches a convolution reads, laid out as the columns of one matrix so that the
/// convolution of a whole batch is one GEMM (weight [O, C·kh·kw] times columns [C·kh·kw, N·Ho·Wo]),
/// and its adjoint col2im for the input's gradient.
/// </summary>
internal static class Im2Col
{
    /// <summary>columns[(c,i,j), n·P + p] = x[n, c, oy·s - pad + i, ox·s - pad + j], or 0 outside the image.</summary>
    public static void Forward<T>(Span<T> x, Span<T> columns, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Sweep(x, columns, g, gather: true);

    /// <summary>The adjoint of <see cref="Forward"/> (col2im): every column entry added back into the pixel it was copied from.</summary>
    public static void Backward<T>(Span<T> columns, Span<T> x, ConvGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Sweep(x, columns, g, gather: false);

    /// <summary>The one walk over (channel, kernel row, kernel column, image, output row, output column) that both directions share.</summary>
    private static void Sweep<T>(Span<T> x, Span<T> columns, ConvGeometry g, bool gather) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cols = g.Batch * g.Pixels;
        for (int c = 0; c < g.Channels; c++)
            for (int i = 0; i < g.KernelHeight; i++)
                for (int j = 0; j < g.KernelWidth; j++)
                {
                    var row = columns.Slice(((c * g.KernelHeight + i) * g.KernelWidth + j) * cols, cols);
                    for (int n = 0; n < g.Batch; n++)
                    {
                        var image = x.Slice((n * g.Channels + c) * g.Height * g.Width, g.Height * g.Width);
                        for (int oy = 0; oy < g.OutHeight; oy++)
                        {
                            int iy = oy * g.Stride - g.Padding + i;
                            var part = row.Slice(n * g.Pixels + oy * g.OutWidth, g.OutWidth);
                            if ((uint)iy >= (uint)g.Height)
                            {
                                if (gather) part.Clear();
                                continue;
                            }
                            var line = image.Slice(iy * g.Width, g.Width);
                            // The direction is tested per line, not per pixel, to keep the pixel loops branch-light.
                            if (gather)
                                for (int ox = 0; ox < g.OutWidth; ox++)
                                {
                                    int ix = ox * g.Stride - g.Padding + j;
                                    part[ox] = (uint)ix < (uint)g.Width ? line[ix] : T.Zero;
                                }
                            else
                                for (int ox = 0; ox < g.OutWidth; ox++)
                                {
                                    int ix = ox * g.Stride - g.Padding + j;
                                    if ((uint)ix < (uint)g.Width) line[ix] += part[ox];
                                }
                        }
                    }
                }
    }
}

/// <summary>The sizes of one convolution, checked once: input [N,C,H,W], weight [O,C,kh,kw], stride and padding.</summary>
internal readonly record struct ConvGeometry(int Batch, int Channels, int Height, int Width, int Out,
    int KernelHeight, int KernelWidth, int Stride, int Padding, int OutHeight, int OutWidth)
{
    public int Pixels => OutHeight * OutWidth;
    public int ColumnRows => Channels * KernelHeight * KernelWidth;

    /// <summary>The output's height or width: (size + 2·padding - kernel) / stride + 1, or 0 or less when the kernel does not fit.</summary>
    public static int OutSize(int size, int kernel, int stride, int padding) => (size + 2 * padding - kernel) / stride + 1;

    public static ConvGeometry Of(Shape x, Shape w, int stride, int padding, string op)
    {
        if (stride < 1) Errors.OutOfRange(nameof(stride), stride, $"{op}: a stride of at least 1 pixel");
        if (padding < 0) Errors.OutOfRange(nameof(padding), padding, $"{op}: a padding of 0 or more pixels");
        if (x.Rank != 4) Errors.Shape($"{op}: input {x} has rank {x.Rank}; expected [batch, channels, height, width].");
        if (w.Rank != 4 || w[1] != x[1])
            Errors.Shape($"{op}: weight {w} does not fit input {x} (expected [out channels, {x[1]}, kernel height, kernel width]).");
                if (x[2] + 2 * padding < w[2] || x[3] + 2 * padding < w[3])
            Errors.Shape($"{op}: a {w[2]}x{w[3]} kernel does not fit in the {x[2]}x{x[3]} image (padding {padding}); use a smaller kernel, padding, or fewer pooling layers before it.");
        return new(x[0], x[1], x[2], x[3], w[0], w[2], w[3], stride, padding, OutSize(x[2], w[2], stride, padding), OutSize(x[3], w[3], stride, padding));
    }
}
