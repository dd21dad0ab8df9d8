using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Downhill;

/// <summary>
/// Every exception the library throws on bad input goes through here, so messages share one
/// shape: the thing, the value, what was expected and the fix.
/// </summary>
[StackTraceHidden]
internal static class Errors
{
    [DoesNotReturn]
    public static void Argument(string message, string? paramName = null) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void OutOfRange(string paramName, object? value, string expected) =>
        throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} = {value} is invalid: expected {expected}.");

    [DoesNotReturn]
    public static void Shape(string message) => throw new ShapeException(message);

    [DoesNotReturn]
    public static void Operation(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static void Data(string message) => throw new DataException(message);
}

/// <summary>Tensors whose shapes do not fit together for an operation.</summary>
public sealed class ShapeException(string message) : ArgumentException(message);

/// <summary>
/// A data file or data set that cannot be used as it is: missing, malformed, or not fitting the
/// request. The message names the file, line, column and value, and how to fix it.
/// </summary>
public sealed class DataException(string message) : Exception(message);
