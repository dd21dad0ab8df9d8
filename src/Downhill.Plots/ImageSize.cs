namespace Downhill.Plots;

/// <summary>The pixel size of a picture. 800x600 is the size the fonts and line widths are designed for;
/// other sizes scale them so a 1600x1200 picture looks like a sharper 800x600 one.</summary>
public readonly record struct ImageSize
{
    /// <summary>The smallest width or height in pixels; smaller pictures have no room for titles and tick labels.</summary>
    public const int MinSide = 100;
    /// <summary>The largest width or height in pixels: 10,000 x 10,000 is already 400 MB of pixels in memory.</summary>
    public const int MaxSide = 10_000;

    /// <summary>800x600 pixels, the size fonts and line widths are designed for.</summary>
    public static ImageSize Default { get; } = new(800, 600);

    /// <summary>A size of <paramref name="width"/> by <paramref name="height"/> pixels, each between <see cref="MinSide"/> and <see cref="MaxSide"/>.</summary>
    public ImageSize(int width, int height)
    {
        if (width < MinSide || width > MaxSide || height < MinSide || height > MaxSide)
            Throw.SizeOutOfRange(width, height);
        Width = width;
        Height = height;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Parses "WIDTHxHEIGHT" as given to <c>--size</c>, e.g. "1600x1200".</summary>
    public static ImageSize Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().Split('x', 'X');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int height))
        {
            Throw.NotASize(text);
            return default;
        }
        return new ImageSize(width, height);
    }

    /// <summary>How much fonts, lines and markers grow relative to 800x600. Never below 0.75 so a small
    /// picture keeps readable text instead of shrinking it with the canvas.</summary>
    internal double ScaleFactor => Math.Max(0.75, Math.Min(Width / 800.0, Height / 600.0));

    /// <summary>"WIDTHxHEIGHT", the form <see cref="Parse"/> reads.</summary>
    public override string ToString() => $"{Width}x{Height}";
}
