using ScottPlot;

namespace Downhill.Plots;

/// <summary>A drawn picture, ready to be saved at any size as PNG or SVG or embedded in a report.
/// Made by the methods of <see cref="Draw"/>. Not thread-safe: render one size at a time.</summary>
public sealed class Figure
{
    readonly Plot plot;

    internal Figure(Plot plot) => this.plot = plot;

    /// <summary>The ScottPlot plot behind the picture, for tests that check axis limits and ticks.</summary>
    internal Plot Plot => plot;

    /// <summary>Saves as PNG or SVG, chosen by the extension of <paramref name="path"/>.</summary>
    public void Save(string path) => Save(path, ImageSize.Default);

    /// <summary>Saves as PNG or SVG, chosen by the extension of <paramref name="path"/>.</summary>
    public void Save(string path, ImageSize size)
    {
        ImageFormat format = ImageFile.FormatOf(path);
        ImageFile.CheckFolderExists(path);
        byte[] bytes = format == ImageFormat.Png ? ToPng(size) : Encoding.UTF8.GetBytes(ToSvg(size));
        ImageFile.WriteAtomically(path, bytes);
    }

    /// <summary>The picture as PNG bytes at <paramref name="size"/>, for a caller that stores or sends it itself.</summary>
    public byte[] ToPng(ImageSize size)
    {
        Check(size);
        plot.ScaleFactor = size.ScaleFactor;
        return plot.GetImageBytes(size.Width, size.Height, ScottPlot.ImageFormat.Png);
    }

    /// <summary>The picture as an SVG document at <paramref name="size"/>; text stays text, so it scales without blur.</summary>
    public string ToSvg(ImageSize size)
    {
        Check(size);
        plot.ScaleFactor = size.ScaleFactor;
        return plot.GetSvgXml(size.Width, size.Height);
    }

    // default(ImageSize) is 0x0 and skips the constructor's check.
    static void Check(ImageSize size)
    {
        if (size.Width == 0 || size.Height == 0)
            Throw.SizeOutOfRange(size.Width, size.Height);
    }
}
