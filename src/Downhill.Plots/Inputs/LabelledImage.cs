namespace Downhill.Plots;

/// <summary>A small grayscale image, row by row (<c>Pixels.Length == Width * Height</c>), with values in
/// 0..1 or 0..255. <paramref name="Actual"/> is the true label when known.</summary>
public sealed record LabelledImage(float[] Pixels, int Width, int Height, string Predicted, string? Actual = null);
