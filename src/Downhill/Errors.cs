using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Downhill;

/// <summary>
/// Every exception the library throws on bad input goes through here, so messages share one
/// shape: the thing, the value, what was expected and the fix.
/// A setting is named as a C# user writes it, its record and property
/// (<c>TrainingOptions.EarlyStoppingPatience = 5</c>, <c>FitSettings.Optimizer = "lm"</c>,
/// <c>DataOptions.Missing = MissingValues.Drop</c>), never as a command-line flag: the CLI turns
/// those names into its flags before it prints a message. When one setting is at fault, the
/// exception is a <see cref="SettingException"/> that carries that name.
/// </summary>
[StackTraceHidden]
internal static class Errors
{
    [DoesNotReturn]
    public static void Argument(string message, string? paramName = null) =>
        throw new ArgumentException(message, paramName);

    /// <summary>A setting (<c>FitSettings.Precision</c>) that cannot be used as given, or not with the others.</summary>
    [DoesNotReturn]
    public static void Setting(string setting, string message) =>
        throw new SettingException(setting, message);

    [DoesNotReturn]
    public static void OutOfRange(string paramName, object? value, string expected) =>
        throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} = {value} is invalid: expected {expected}.");

    [DoesNotReturn]
    public static void Shape(string message) => throw new ShapeException(message);

    [DoesNotReturn]
    public static void Operation(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static void Data(string message) => throw new DataFileException(message);
}

/// <summary>
/// A setting that cannot be used as given, or not together with the others. <see cref="Setting"/>
/// (also <see cref="ArgumentException.ParamName"/>) names it as a C# user writes it,
/// <c>TrainingOptions.EarlyStoppingPatience</c>, so a shell over the library can name its own
/// option for it; the message names it already, so .NET's " (Parameter '...')" is not appended.
/// </summary>
public sealed class SettingException(string setting, string message) : ArgumentException(message)
{
    /// <summary>The setting at fault as a C# user writes it, e.g. <c>TrainingOptions.EarlyStoppingPatience</c>.</summary>
    public string Setting { get; } = setting;

    /// <summary>The same as <see cref="Setting"/>, for code that reads <see cref="ArgumentException.ParamName"/>.</summary>
    public override string ParamName => Setting;
}

/// <summary>Tensors whose shapes do not fit together for an operation.</summary>
public sealed class ShapeException(string message) : ArgumentException(message);

/// <summary>
/// A data, model or checkpoint file (or a built-in data set) that cannot be used as it is: missing, malformed, or not fitting the
/// request. The message names the file, line, column and value, and how to fix it.
/// </summary>
public sealed class DataFileException(string message) : Exception(message);
