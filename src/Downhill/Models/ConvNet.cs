using System.Globalization;
using System.Numerics;
using Downhill.Nn;

namespace Downhill.Models;

/// <summary>
/// A network of listed layers (<c>conv:32x3x3,pool:2,conv:64x3x3,pool:2,dense:128</c>): the
/// feature columns of a row are one image, channel by channel and row by row; convolutions
/// and hidden dense layers apply the activation; the image is flattened before the first dense
/// layer; a linear output layer ends the network, as in <c>mlp</c>.
/// </summary>
/// <remarks>
/// A forward pass that records the tape is a training pass (dropout draws its mask, batch
/// normalization uses and updates the batch statistics); one under <see cref="Autograd.NoGrad"/>,
/// as every evaluation and prediction runs, is an evaluation pass. <see cref="Forward(NDArray{T}, bool)"/>
/// says which explicitly.
/// </remarks>
public sealed class ConvNet<T> : Model<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Layer<T>[] layers;
    private readonly NDArray<T>[] parameters;
    private readonly NDArray<T>[] state;

    /// <summary>
    /// Builds the layers for rows of <paramref name="inputs"/> columns and <paramref name="outputs"/>
    /// outputs, initialized from <paramref name="seed"/>. <paramref name="image"/> is needed only when
    /// a convolution or pooling layer is listed; null infers a square one-channel image.
    /// </summary>
    public ConvNet(IReadOnlyList<LayerSpec> specs, ImageShape? image, int inputs, int outputs, Activation activation, int seed)
    {
        if (specs.Count == 0) Errors.Argument("ConvNet: no layers; list them, e.g. conv:32x3x3,pool:2,dense:128.");
        if (outputs < 1) Errors.OutOfRange(nameof(outputs), outputs, "at least 1 output");
        Specs = specs.ToArray();
        Activation = activation;
        Inputs = inputs;
        bool spatial = specs.Any(s => s.IsSpatial);
        if (spatial)
        {
            Image = image ?? ImageShape.Infer(inputs);
            if (Image.Value.Size != inputs)
                Errors.Argument($"ConvNet: the image {Image} has {Image.Value.Size} pixels but the data have {inputs} feature columns; give the image shape that fits, e.g. ModelSpec.Image = ImageShape.Parse(\"28x28\").");
        }
        var plan = Plan(Specs, Image, inputs, outputs);
        // Counted from the plan, in double, before anything is allocated (Network's reason: a typo such as dense:40000 must not exhaust memory).
        double count = plan.SelectMany(s => s.Parameters()).Sum(p => p.Shape.Aggregate(1.0, (a, d) => a * d));
        if (count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() * Network<T>.TrainingCopies > Network<T>.MaxTrainingBytes)
            Errors.Argument($"ConvNet: {string.Join(",", Specs)} has {count.ToString("N0", CultureInfo.InvariantCulture)} parameters, more than the {Network<T>.MaxTrainingBytes >> 30} GiB training limit allows; use fewer filters or units, or pool before the first dense layer.");
        var rng = new Random(seed);
        var list = new List<Layer<T>>();
        foreach (var step in plan)
            list.Add(step.Spec?.Kind switch
            {
                LayerKind.Conv => new Conv2d<T>(step.In, step.Out, step.Spec.KernelHeight, step.Spec.KernelWidth, step.Spec.Stride, step.Spec.Padding, activation, rng, step.Name),
                LayerKind.MaxPool or LayerKind.AvgPool => new Pool2d<T>(step.Spec.Size, step.Spec.Kind == LayerKind.MaxPool),
                // Each dropout layer draws from its own generator, seeded from the network's.
                LayerKind.Dropout => new Dropout<T>(step.Spec.Rate, rng.Next()),
                LayerKind.BatchNorm => new BatchNorm<T>(step.In, step.Name),
                LayerKind.Dense => new Dense<T>(step.In, step.Out, step.Output ? Nn.Activation.Identity : activation, rng, step.Name + ".weight", step.Name + ".bias"),
                _ => new Flatten<T>(),
            });
        layers = list.ToArray();
        parameters = layers.SelectMany(l => l.Parameters).ToArray();
        state = layers.SelectMany(l => l.State).ToArray();
    }

    /// <summary>One layer as planned: its spec (null for the flattening), name, and input and output width (channels or features).</summary>
    internal readonly record struct Step(LayerSpec? Spec, string Name, int In, int Out, bool Output)
    {
        /// <summary>The trained parameters' names and shapes, in the order the layer lists them.</summary>
        public IEnumerable<(string Name, int[] Shape)> Parameters() => Spec?.Kind switch
        {
            LayerKind.Conv => [(Name + ".weight", [Out, In, Spec.KernelHeight, Spec.KernelWidth]), (Name + ".bias", [Out])],
            LayerKind.Dense => [(Name + ".weight", [In, Out]), (Name + ".bias", [Out])],
            LayerKind.BatchNorm => [(Name + ".gamma", [In]), (Name + ".beta", [In])],
            _ => [],
        };

        /// <summary>The kept state's names and shapes.</summary>
        public IEnumerable<(string Name, int[] Shape)> State() => Spec?.Kind == LayerKind.BatchNorm
            ? [(Name + ".running_mean", [In]), (Name + ".running_var", [In])] : [];
    }

    /// <summary>
    /// The layers the specs make for rows of <paramref name="inputs"/> columns (an <paramref name="image"/>
    /// when a layer works on images), checked for fit, flattening and output layer included: the one
    /// walk that both builds the network and checks a model file's stored shapes.
    /// </summary>
    internal static List<Step> Plan(IReadOnlyList<LayerSpec> specs, ImageShape? image, int inputs, int outputs)
    {
        var steps = new List<Step>();
        // The shape flowing through: channels x height x width while spatial, else w = features.
        bool flat = image is null;
        int c = image?.Channels ?? 1, h = image?.Height ?? 1, w = image?.Width ?? inputs;
        var counts = new Dictionary<LayerKind, int>();
        for (int i = 0; i < specs.Count; i++)
        {
            var s = specs[i];
            int k = counts[s.Kind] = counts.GetValueOrDefault(s.Kind) + 1;
            string at = $"ConvNet: layer {i + 1} ({s})";
            if (s.IsSpatial && flat)
                Errors.Argument($"{at} works on images, but the image was flattened by an earlier dense layer; put convolution and pooling layers before the dense ones.");
            switch (s.Kind)
            {
                case LayerKind.Conv:
                    if (h + 2 * s.Padding < s.KernelHeight || w + 2 * s.Padding < s.KernelWidth)
                        Errors.Argument($"{at}: a {s.KernelHeight}x{s.KernelWidth} kernel does not fit the {h}x{w} image that reaches it; use a smaller kernel, padding (:p1) or fewer pooling layers.");
                    steps.Add(new(s, $"conv{k}", c, s.Size, false));
                    (c, h, w) = (s.Size, ConvGeometry.OutSize(h, s.KernelHeight, s.Stride, s.Padding), ConvGeometry.OutSize(w, s.KernelWidth, s.Stride, s.Padding));
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    if (h < s.Size || w < s.Size)
                        Errors.Argument($"{at}: a {s.Size}x{s.Size} window does not fit the {h}x{w} image that reaches it; use a smaller window or fewer pooling layers.");
                    steps.Add(new(s, $"pool{k}", c, c, false));
                    (h, w) = ((h - s.Size) / s.Size + 1, (w - s.Size) / s.Size + 1);
                    break;
                case LayerKind.Dropout:
                    steps.Add(new(s, $"dropout{k}", 0, 0, false));
                    break;
                case LayerKind.BatchNorm:
                    steps.Add(new(s, $"bn{k}", flat ? w : c, flat ? w : c, false));
                    break;
                case LayerKind.Dense:
                    if (!flat) { steps.Add(new(null, "flatten", c * h * w, c * h * w, false)); (w, flat) = (c * h * w, true); }
                    steps.Add(new(s, $"dense{k}", w, s.Size, false));
                    w = s.Size;
                    break;
            }
        }
        if (!flat) { steps.Add(new(null, "flatten", c * h * w, c * h * w, false)); w = c * h * w; }
        int last = counts.GetValueOrDefault(LayerKind.Dense) + 1;
        steps.Add(new(new LayerSpec(LayerKind.Dense, outputs), $"dense{last}", w, outputs, true));
        return steps;
    }

    /// <summary>The layers as listed in the spec.</summary>
    public IReadOnlyList<LayerSpec> Specs { get; }

    /// <summary>The image each row holds; null when no layer works on images.</summary>
    public ImageShape? Image { get; }

    /// <summary>The activation of convolutions and hidden dense layers.</summary>
    public Activation Activation { get; }

    /// <summary>The layers as built, the flattening and the output layer included.</summary>
    public IReadOnlyList<Layer<T>> Layers => layers;

    /// <inheritdoc/>
    public override ModelKind Kind => ModelKind.Conv;

    /// <inheritdoc/>
    public override IReadOnlyList<NDArray<T>> Parameters => parameters;

    /// <inheritdoc/>
    public override IReadOnlyList<NDArray<T>> State => state;

    /// <inheritdoc/>
    public override int Inputs { get; }

    /// <inheritdoc/>
    public override int Outputs => ((Dense<T>)layers[^1]).Outputs;

    /// <summary>A training pass when the tape records, an evaluation pass under <see cref="Autograd.NoGrad"/>.</summary>
    public override NDArray<T> Forward(NDArray<T> features) => Forward(features, training: Autograd.IsEnabled);

    /// <summary>The outputs [rows, outputs] for features [rows, inputs], training or evaluating as told.</summary>
    public NDArray<T> Forward(NDArray<T> features, bool training)
    {
        if (features.Rank != 2 || features.Shape[1] != Inputs)
            Errors.Shape($"ConvNet: input {features.Shape} does not fit (expected [rows,{Inputs}]{(Image is { } im ? $", each row a {im} image" : "")}).");
        int rows = features.Shape[0];
        if (training || Autograd.IsEnabled || rows <= EvaluationChunk) return Pass(features, training);
        // Evaluation rows are independent (batch normalization reads its running statistics), so a
        // large set goes through in chunks: 60,000 Fashion-MNIST rows at once would need im2col and
        // product buffers of about 7 GB for the first convolution alone.
        var output = NDArray<T>.Zeros(rows, Outputs);
        for (int start = 0; start < rows; start += EvaluationChunk)
        {
            int count = Math.Min(EvaluationChunk, rows - start);
            var chunk = NDArray<T>.Wrap(features.Data.Slice(start * Inputs, count * Inputs).ToArray(), count, Inputs);
            Pass(chunk, training: false).Data.CopyTo(output.Data.Slice(start * Outputs, count * Outputs));
        }
        return output;
    }

    /// <summary>Rows per pass when evaluating without the tape: the buffers of one pass stay in the tens of megabytes.</summary>
    public const int EvaluationChunk = 256;

    private NDArray<T> Pass(NDArray<T> features, bool training)
    {
        var x = Image is { } image ? features.Reshape(features.Shape[0], image.Channels, image.Height, image.Width) : features;
        foreach (var layer in layers) x = layer.Forward(x, training);
        return x;
    }
}
