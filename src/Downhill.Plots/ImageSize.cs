namespace Downhill.Plots;

/// <summary>The pixel size of a picture. 800x600 is the size the fonts and line widths are designed for;
/// other sizes scale them so a 1600x1200 picture looks like a sharper 800x600 one.</summary>
public readonly record struct ImageSize
{
    public const int MinSide = 100;
    public const int MaxSide = 10_000;

    public static ImageSize Default { get; } = new(800, 600);

    public ImageSize(int width, int height)
    {
        if (width < MinSide || width > MaxSide || height < MinSide || height > MaxSide)
            Throw.SizeOutOfRange(width, height);
        Width = width;
        Height = height;
    }

    public int Width { get; }
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

    public override string ToString() => $"{Width}x{Height}";
}
