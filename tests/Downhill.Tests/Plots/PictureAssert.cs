using System.Buffers.Binary;
using System.Xml.Linq;
using SkiaSharp;

namespace Downhill.Tests.Plots;

/// <summary>Checks on rendered pictures that do not depend on ScottPlot: the PNG header read by hand,
/// pixels decoded by SkiaSharp, and SVG parsed as XML.</summary>
internal static class PictureAssert
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    // A blank 800x600 picture has one colour; antialiased text and lines alone give hundreds. 40 is far
    // above blank and far below any real chart here.
    const int MinDistinctColours = 40;
    // Titles, axes and ticks alone cover well over 1% of the pixels.
    const double MinInkedShare = 0.01;

    public static void IsPicture(byte[] png, int width, int height)
    {
        Assert.True(png.Length > 33, $"PNG is only {png.Length} bytes");
        Assert.Equal(PngSignature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        var colours = new HashSet<uint>();
        long inked = 0;
        foreach (var pixel in bitmap.Pixels)
        {
            colours.Add((uint)pixel);
            if (pixel.Red < 240 || pixel.Green < 240 || pixel.Blue < 240)
                inked++;
        }
        Assert.True(colours.Count >= MinDistinctColours, $"only {colours.Count} distinct colours: the picture is nearly blank");
        Assert.True(inked >= MinInkedShare * width * height, $"only {inked} of {width * height} pixels are not white");
    }

    /// <summary>Parses the SVG, checks its root and size, and returns the text of every text element.</summary>
    public static string[] SvgTexts(string svg, int width, int height)
    {
        var document = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", document.Root!.Name);
        Assert.Equal(width.ToString(), document.Root.Attribute("width")?.Value);
        Assert.Equal(height.ToString(), document.Root.Attribute("height")?.Value);
        return document.Descendants(ns + "text").Select(t => t.Value.Trim()).ToArray();
    }

    public static string[] Texts(Downhill.Plots.Figure figure) => SvgTexts(figure.ToSvg(Downhill.Plots.ImageSize.Default), 800, 600);

    public static void HasText(Downhill.Plots.Figure figure, string expected)
    {
        string[] texts = Texts(figure);
        Assert.True(texts.Contains(expected), $"no text '{expected}' in the picture; it has: {string.Join(" | ", texts)}");
    }
}
