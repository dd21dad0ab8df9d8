using Downhill.Models;
using Downhill.Nn;

namespace Downhill.Onnx;

public static partial class OnnxExport
{
    /// <summary>
    /// A conv model as <see cref="ConvNet{T}"/> evaluates it, layer by layer from the same plan that
    /// checked the file's shapes (<see cref="ConvNet{T}.Plan"/>): the prepared rows reshaped to
    /// [rows, channels, height, width]; <c>Conv</c> (weights already [filters, channels, kh, kw],
    /// ONNX's layout) then the activation; <c>MaxPool</c> or <c>AveragePool</c> over non-overlapping
    /// windows (no padding, the partial windows at the edge dropped, as ONNX's default floor does);
    /// <c>BatchNormalization</c> with the running statistics and Downhill's ε; no node for dropout,
    /// which is the identity outside training; <c>Flatten</c> (channel-major, the order of
    /// <see cref="Flatten{T}"/>); then dense layers and the outputs as for an mlp.
    /// <para>A float64 model writes its convolutions and average pools as <c>Gather</c> of each window's
    /// pixels then <c>MatMul</c> or <c>ReduceMean</c> (<see cref="Windows"/>): ONNX allows double
    /// <c>Conv</c> and <c>AveragePool</c>, but ONNX Runtime's CPU kernels are float only and refuse the graph.</para>
    /// </summary>
    private static OnnxGraph ConvGraph(ModelFile model)
    {
        var g = NetworkInput(model, out string x);
        var activation = HiddenActivation(model);
        var stored = model.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        int outputs = model.OutputCount;
        var plan = ConvNet<double>.Plan(ModelSpec.Parse(model.Layers!).Layers, model.StoredImage, model.Features.Length, outputs);
        bool wide = TypeOf(model) == OnnxType.Double;
        // The image flowing through, channels x height x width, while the layers are spatial.
        var (c, h, w) = model.StoredImage is { } image ? (image.Channels, image.Height, image.Width) : (0, 0, 0);
        if (model.StoredImage is not null) x = Image(g, x, c, h, w);
        foreach (var step in plan)
        {
            ParameterRecord Stored(string suffix) => stored[step.Name + suffix];
            switch (step.Spec?.Kind)
            {
                case LayerKind.Conv:
                    var s = step.Spec;
                    int ho = ConvGeometry.OutSize(h, s.KernelHeight, s.Stride, s.Padding), wo = ConvGeometry.OutSize(w, s.KernelWidth, s.Stride, s.Padding);
                    x = wide
                        ? WindowConv(g, x, (c, h, w), s, Stored(".weight"), Stored(".bias"), ho, wo)
                        : g.Node("Conv", [x, Parameter(g, Stored(".weight")), Parameter(g, Stored(".bias"))], null,
                            ("kernel_shape", new long[] { s.KernelHeight, s.KernelWidth }),
                            ("strides", new long[] { s.Stride, s.Stride }),
                            ("pads", new long[] { s.Padding, s.Padding, s.Padding, s.Padding }));
                    x = Activate(g, x, activation);
                    (c, h, w) = (s.Size, ho, wo);
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    int k = step.Spec.Size;
                    long[] window = [k, k];
                    if (step.Spec.Kind == LayerKind.AvgPool && wide)
                    {
                        // [rows, C, Ho·Wo, k·k]: each channel's windows, averaged over the last axis.
                        var pixels = Windows(c, h, w, (h - k) / k + 1, (w - k) / k + 1, k, k, k, 0, perChannel: true);
                        x = g.Node("Gather", [g.Add("Reshape", x, g.Int64s([0, -1], [2])), g.Int64s(pixels, [c, ((h - k) / k + 1) * ((w - k) / k + 1), k * k])], null, ("axis", 1));
                        x = Image(g, g.Node("ReduceMean", [x], null, ("axes", new long[] { 3 }), ("keepdims", 0)), c, (h - k) / k + 1, (w - k) / k + 1);
                    }
                    else x = g.Node(step.Spec.Kind == LayerKind.MaxPool ? "MaxPool" : "AveragePool", [x], null, ("kernel_shape", window), ("strides", window));
                    (h, w) = ((h - k) / k + 1, (w - k) / k + 1);
                    break;
                case LayerKind.BatchNorm:
                    x = g.Node("BatchNormalization",
                        [x, Parameter(g, Stored(".gamma")), Parameter(g, Stored(".beta")), Parameter(g, Stored(".running_mean")), Parameter(g, Stored(".running_var"))],
                        null, ("epsilon", (float)BatchNorm<double>.Epsilon));
                    break;
                case LayerKind.Dropout:
                    break;
                case LayerKind.Dense:
                    x = DenseLayer(g, x, Stored(".weight"), Stored(".bias"), step.Output ? Activation.Identity : activation);
                    break;
                case null:
                    x = g.Node("Flatten", [x], null, ("axis", 1));
                    break;
            }
        }
        if (model.Classes is not null) ClassifierOutputs(g, model, x, outputs);
        else PredictionOutput(g, model, x);
        return g;
    }

    /// <summary>[rows, ...] to [rows, channels, height, width] (the 0 keeps the row count).</summary>
    private static string Image(OnnxGraph g, string x, int c, int h, int w) =>
        g.Add("Reshape", x, g.Int64s([0, c, h, w], [4]));

    /// <summary>
    /// A convolution as ONNX Runtime computes in double: the image flattened with one zero appended,
    /// each output pixel's window gathered from it ([rows, Ho·Wo, C·kh·kw], a pixel outside the image
    /// reading the zero), times the weights as [C·kh·kw, filters], plus the bias, back to [rows, filters, Ho, Wo].
    /// </summary>
    private static string WindowConv(OnnxGraph g, string x, (int C, int H, int W) image, LayerSpec s, ParameterRecord weight, ParameterRecord bias, int ho, int wo)
    {
        var (c, h, w) = image;
        int taps = c * s.KernelHeight * s.KernelWidth, filters = s.Size;
        var flat = g.Add("Reshape", x, g.Int64s([0, -1], [2]));
        var padded = g.Add("Pad", flat, g.Int64s([0, 0, 0, 1], [4])); // [rows, C·H·W + 1], the last a zero
        var columns = g.Node("Gather", [padded, g.Int64s(Windows(c, h, w, ho, wo, s.KernelHeight, s.KernelWidth, s.Stride, s.Padding, perChannel: false), [ho * wo, taps])], null, ("axis", 1));
        // Downhill's weight [filters, taps] transposed to [taps, filters].
        var transposed = new double[taps * filters];
        for (int f = 0; f < filters; f++)
            for (int t = 0; t < taps; t++) transposed[t * filters + f] = weight.Values[f * taps + t];
        var y = g.Add("MatMul", columns, g.NDArray(weight.Name, transposed, [taps, filters]));
        y = g.Add("Add", y, Parameter(g, bias));
        y = g.Node("Transpose", [y], null, ("perm", new long[] { 0, 2, 1 }));
        return Image(g, y, filters, ho, wo);
    }

    /// <summary>
    /// The flat indices (channel, row, column of a C×H×W image) each window reads, window by window
    /// in row-major order of the output, each window channel by channel then row by row, as the
    /// weights are laid out; a pixel in the padding reads index C·H·W. With <paramref name="perChannel"/>
    /// the channel is outermost instead ([C, windows, kh·kw], for pooling each channel alone).
    /// </summary>
    private static long[] Windows(int c, int h, int w, int ho, int wo, int kh, int kw, int stride, int padding, bool perChannel)
    {
        var indices = new long[c * ho * wo * kh * kw];
        int at = 0;
        long outside = (long)c * h * w;
        for (int outer = 0; outer < (perChannel ? c : 1); outer++)
            for (int oy = 0; oy < ho; oy++)
                for (int ox = 0; ox < wo; ox++)
                    for (int ch = perChannel ? outer : 0; ch < (perChannel ? outer + 1 : c); ch++)
                        for (int i = 0; i < kh; i++)
                            for (int j = 0; j < kw; j++)
                            {
                                int y = oy * stride - padding + i, x = ox * stride - padding + j;
                                indices[at++] = y >= 0 && y < h && x >= 0 && x < w ? ((long)ch * h + y) * w + x : outside;
                            }
        return indices;
    }
}
