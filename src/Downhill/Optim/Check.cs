using System.Diagnostics;
using System.Globalization;

namespace Downhill.Optim;

/// <summary>Hyper-parameter checks shared by the optimizers, schedules and clipping; messages name the optimizer, the value and the allowed range.</summary>
[StackTraceHidden]
internal static class Check
{
    public static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static void AtLeast(string owner, string name, double value, double min)
    {
        if (!(value >= min) || double.IsPositiveInfinity(value))
            Invalid(owner, name, value, $"a finite number >= {Format(min)}");
    }

    public static void Positive(string owner, string name, double value)
    {
        if (!(value > 0) || double.IsPositiveInfinity(value))
            Invalid(owner, name, value, "a finite number > 0");
    }

    /// <summary>0 &lt;= value &lt; 1, like a decay rate (beta, momentum of an average).</summary>
    public static void Fraction(string owner, string name, double value)
    {
        if (!(value >= 0 && value < 1))
            Invalid(owner, name, value, $"0 <= {name} < 1");
    }

    public static void AtLeast(string owner, string name, int value, int min)
    {
        if (value < min)
            Errors.Argument($"{owner}: {name} = {value} is invalid: expected an integer >= {min}.");
    }

    public static void Invalid(string owner, string name, double value, string expected) =>
        Errors.Argument($"{owner}: {name} = {Format(value)} is invalid: expected {expected}.");
}
