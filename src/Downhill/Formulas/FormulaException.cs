using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Downhill.Formulas;

/// <summary>
/// A formula that cannot be parsed. <see cref="Exception.Message"/> shows the formula, a caret
/// under the column of the problem and what was expected there:
/// <code>
/// (1 - x)^2 + 100*(y - x^2
///                         ^ expected ')' to close the '(' at column 17
/// </code>
/// </summary>
public sealed class FormulaException : Exception
{
    /// <summary>The error for <paramref name="formula"/> at 1-based <paramref name="column"/>, with <paramref name="reason"/> saying what was expected there.</summary>
    public FormulaException(string formula, int column, string reason)
        : base(Format(formula, column, reason))
    {
        Formula = formula;
        Column = column;
        Reason = reason;
    }

    /// <summary>The text that failed to parse.</summary>
    public string Formula { get; }

    /// <summary>1-based column of the problem; one past the end for an unexpected end.</summary>
    public int Column { get; }

    /// <summary>What went wrong, without the formula and caret lines.</summary>
    public string Reason { get; }

    // A longer formula (a generated sum of thousands of terms) is echoed as this many characters
    // around the problem, with "..." where it is cut, so the message stays a few short lines.
    private const int EchoWidth = 120;

    private static string Format(string formula, int column, string reason)
    {
        int start = 0, end = formula.Length;
        if (formula.Length > EchoWidth)
        {
            start = Math.Clamp(column - 1 - EchoWidth / 2, 0, formula.Length - EchoWidth);
            end = start + EchoWidth;
        }
        string before = start > 0 ? "..." : "", after = end < formula.Length ? "..." : "";
        // The echo keeps tabs (so the caret line can copy them and stay aligned) and turns
        // other whitespace such as newlines into spaces so the formula stays on one line.
        var echo = new StringBuilder(before, end - start + 6);
        for (int i = start; i < end; i++) echo.Append(formula[i] != '\t' && char.IsWhiteSpace(formula[i]) ? ' ' : formula[i]);
        echo.Append(after);
        var pad = new StringBuilder(new string(' ', before.Length), column - start + before.Length);
        for (int i = start; i < column - 1; i++) pad.Append(i < formula.Length && formula[i] == '\t' ? '\t' : ' ');
        return $"{echo}\n{pad}^ {reason}";
    }

    /// <summary>Throws for the 0-based character <paramref name="index"/> of <paramref name="formula"/>.</summary>
    [DoesNotReturn, StackTraceHidden]
    internal static void Throw(string formula, int index, string reason) =>
        throw new FormulaException(formula, index + 1, reason);
}
