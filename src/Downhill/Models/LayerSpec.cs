using System.Globalization;

namespace Downhill.Models;

/// <summary>The kinds of layer a <c>conv</c> model spec lists.</summary>
public enum LayerKind
{
    /// <summary><c>conv:32x3x3</c>: filters × kernel height × kernel width, optional <c>:s2</c> (stride) and <c>:p1</c> (padding).</summary>
    Conv,
    /// <summary><c>pool:2</c> or <c>maxpool:2</c>: max over 2×2 windows.</summary>
    MaxPool,
    /// <summary><c>avgpool:2</c>: average over 2×2 windows.</summary>
    AvgPool,
    /// <summary><c>dropout:0.25</c>: inverted dropout while training.</summary>
    Dropout,
    /// <summary><c>batchnorm</c> (or <c>bn</c>): batch normalization per channel or feature.</summary>
    BatchNorm,
    /// <summary><c>dense:128</c>: a fully connected layer (the image is flattened before the first).</summary>
    Dense,
}

/// <summary>One layer of a <c>conv</c> model spec, as parsed; <see cref="ToString"/> writes it back the same way.</summary>
/// <param name="Kind">What the layer does.</param>
/// <param name="Size">Filters (conv), the window's side (pooling) or units (dense); 0 for the others.</param>
/// <param name="KernelHeight">The convolution kernel's height in pixels.</param>
/// <param name="KernelWidth">The convolution kernel's width in pixels.</param>
/// <param name="Stride">The convolution's step in pixels.</param>
/// <param name="Padding">Zero pixels added on every side before a convolution.</param>
/// <param name="Rate">Dropout's probability of zeroing an element.</param>
public sealed record LayerSpec(LayerKind Kind, int Size = 0, int KernelHeight = 0, int KernelWidth = 0, int Stride = 1, int Padding = 0, double Rate = 0)
{
    /// <summary>The layer words a spec may start with; a model text beginning with one of them is a layer list.</summary>
    internal static readonly string[] Words = ["conv", "pool", "maxpool", "avgpool", "dropout", "batchnorm", "bn", "dense"];

    /// <summary>
    /// Parses <paramref name="text"/>, e.g. <c>conv:32x3x3,pool:2,conv:64x3x3,pool:2,dense:128</c>.
    /// A fault names the 1-based column of the part at fault in the whole text.
    /// </summary>
    public static IReadOnlyList<LayerSpec> ParseList(string text)
    {
        var layers = new List<LayerSpec>();
        int column = 1;
        foreach (var raw in text.Split(','))
        {
            int lead = raw.Length - raw.TrimStart().Length;
            layers.Add(ParseOne(text, raw.Trim(), column + lead));
            column += raw.Length + 1;
        }
        return layers;
    }

    private static LayerSpec ParseOne(string text, string part, int column)
    {
        var pieces = part.Split(':');
        string word = pieces[0].ToLowerInvariant();
        string Where(int piece) => $"model \"{text}\", column {column + pieces.Take(piece).Sum(p => p.Length + 1)}";
        int Whole(int piece, string what, string example, int least = 1)
        {
            if (piece >= pieces.Length || pieces[piece].Length == 0)
                throw new ArgumentException($"{Where(Math.Min(piece, pieces.Length - 1))}: '{part}' needs {what} after a colon, e.g. {example}.");
            if (!int.TryParse(pieces[piece], NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < least)
                throw new ArgumentException($"{Where(piece)}: {what} '{pieces[piece]}' is not a whole number of at least {least} (e.g. {example}).");
            return v;
        }
        void NoMore(int used, string example)
        {
            if (pieces.Length > used)
                throw new ArgumentException($"{Where(used)}: '{pieces[used]}' is not understood after '{string.Join(':', pieces.Take(used))}' (e.g. {example}).");
        }
        switch (word)
        {
            case "conv":
            {
                if (pieces.Length < 2 || pieces[1].Length == 0)
                    throw new ArgumentException($"{Where(0)}: '{part}' needs filters x kernel height x kernel width after a colon, e.g. conv:32x3x3.");
                var sizes = pieces[1].ToLowerInvariant().Split('x');
                if (sizes.Length != 3)
                    throw new ArgumentException($"{Where(1)}: '{pieces[1]}' should be filters x kernel height x kernel width, three whole numbers, e.g. conv:32x3x3.");
                var n = new int[3];
                for (int i = 0; i < 3; i++)
                    if (!int.TryParse(sizes[i], NumberStyles.None, CultureInfo.InvariantCulture, out n[i]) || n[i] < 1)
                        throw new ArgumentException($"{Where(1)}: '{sizes[i]}' in '{pieces[1]}' is not a positive whole number (e.g. conv:32x3x3).");
                int stride = 1, padding = 0;
                for (int i = 2; i < pieces.Length; i++)
                {
                    string p = pieces[i].ToLowerInvariant();
                    bool ok = p.Length > 1 && int.TryParse(p[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int v) && (p[0] == 'p' || v >= 1);
                    if (!ok || p[0] is not ('s' or 'p'))
                        throw new ArgumentException($"{Where(i)}: '{pieces[i]}' is neither a stride (s2) nor a padding (p1), e.g. conv:32x3x3:s1:p1.");
                    if (p[0] == 's') stride = int.Parse(p[1..], CultureInfo.InvariantCulture);
                    else padding = int.Parse(p[1..], CultureInfo.InvariantCulture);
                }
                return new(LayerKind.Conv, n[0], n[1], n[2], stride, padding);
            }
            case "pool" or "maxpool" or "avgpool":
            {
                int size = Whole(1, "a window size", $"{word}:2");
                NoMore(2, $"{word}:2");
                return new(word == "avgpool" ? LayerKind.AvgPool : LayerKind.MaxPool, size);
            }
            case "dense":
            {
                int units = Whole(1, "a number of units", "dense:128");
                NoMore(2, "dense:128");
                return new(LayerKind.Dense, units);
            }
            case "dropout":
            {
                if (pieces.Length < 2 || !double.TryParse(pieces[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double rate) || !(rate < 1))
                    throw new ArgumentException($"{Where(Math.Min(1, pieces.Length - 1))}: '{part}' needs a rate in [0, 1) after a colon, e.g. dropout:0.25.");
                NoMore(2, "dropout:0.25");
                return new(LayerKind.Dropout, Rate: rate);
            }
            case "batchnorm" or "bn":
                NoMore(1, "batchnorm");
                return new(LayerKind.BatchNorm);
            default:
                throw new ArgumentException($"{Where(0)}: layer '{part}' is unknown; use conv:32x3x3, pool:2, avgpool:2, dropout:0.25, batchnorm or dense:128.");
        }
    }

    /// <summary>The layer as a spec writes it: <c>conv:32x3x3:s2:p1</c>, <c>pool:2</c>, <c>dropout:0.25</c>.</summary>
    public override string ToString() => Kind switch
    {
        LayerKind.Conv => $"conv:{Size}x{KernelHeight}x{KernelWidth}" + (Stride != 1 ? $":s{Stride}" : "") + (Padding != 0 ? $":p{Padding}" : ""),
        LayerKind.MaxPool => $"pool:{Size}",
        LayerKind.AvgPool => $"avgpool:{Size}",
        LayerKind.Dropout => "dropout:" + Rate.ToString("R", CultureInfo.InvariantCulture),
        LayerKind.BatchNorm => "batchnorm",
        _ => $"dense:{Size}",
    };

    /// <summary>Whether the layer works on images ([N,C,H,W]) rather than rows.</summary>
    public bool IsSpatial => Kind is LayerKind.Conv or LayerKind.MaxPool or LayerKind.AvgPool;
}

/// <summary>The shape of one image: channels × height × width (row-major pixels, channel by channel).</summary>
/// <param name="Channels">Colour planes: 1 for grey, 3 for RGB.</param>
/// <param name="Height">Rows of pixels.</param>
/// <param name="Width">Pixels per row.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Pixels per image: the number of feature columns it takes.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>"28x28" (one channel) or "28x28x1" / "32x32x3" (height x width x channels).</summary>
    public static ImageShape Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split('x');
        var n = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out n[i]) || n[i] < 1)
                n[i] = 0;
        if (parts.Length is not (2 or 3) || n.Contains(0))
            throw new ArgumentException($"image shape '{text}' should be height x width or height x width x channels, positive whole numbers, e.g. 28x28 or 32x32x3.");
        return new(parts.Length == 3 ? n[2] : 1, n[0], n[1]);
    }

    /// <summary>
    /// The image for <paramref name="features"/> pixel columns when none was given: one channel, square
    /// (784 columns are 28x28); anything else needs the shape named.
    /// </summary>
    public static ImageShape Infer(int features)
    {
        int side = (int)Math.Round(Math.Sqrt(features));
        if (side * side != features)
            throw new ArgumentException($"the data have {features} feature columns, which is not a square image; give the image shape, e.g. ModelSpec.Image = ImageShape.Parse(\"32x32x3\").");
        return new(1, side, side);
    }

    /// <summary>[channels, height, width], as model files store it.</summary>
    public int[] ToArray() => [Channels, Height, Width];

    /// <summary>height x width x channels, as <see cref="Parse"/> reads it.</summary>
    public override string ToString() => $"{Height}x{Width}x{Channels}";
}
