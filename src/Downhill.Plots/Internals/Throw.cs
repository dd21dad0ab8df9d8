using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Downhill.Plots;

/// <summary>Every error the plots raise, in one place, so the messages stay consistent: the thing, the
/// value, what was expected and the fix.</summary>
[StackTraceHidden]
internal static class Throw
{
    [DoesNotReturn]
    public static void NotASize(string text) =>
        throw new FormatException($"--size '{text}' is not WIDTHxHEIGHT, e.g. 800x600");

    [DoesNotReturn]
    public static void SizeOutOfRange(int width, int height) =>
        throw new ArgumentOutOfRangeException(null,
            $"image size {width}x{height} is out of range: width and height must be between {ImageSize.MinSide} and {ImageSize.MaxSide} pixels, e.g. 800x600");

    [DoesNotReturn]
    public static void UnknownExtension(string path) =>
        throw new ArgumentException(
            $"'{path}' has extension '{Path.GetExtension(path)}', which is not a picture format: use .png or .svg");

    [DoesNotReturn]
    public static void MissingFolder(string path, string folder) =>
        throw new DirectoryNotFoundException(
            $"cannot write '{path}': folder '{folder}' does not exist (create it first)");

    [DoesNotReturn]
    public static void Argument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);
}
