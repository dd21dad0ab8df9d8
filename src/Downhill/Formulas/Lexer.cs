using System.Globalization;

namespace Downhill.Formulas;

internal enum TokenKind { Number, Name, Plus, Minus, Star, Slash, Caret, LeftParen, RightParen, Comma, Equals, End }

/// <summary>A token: its kind, where it starts (0-based) and how long it is; numbers carry their value.</summary>
internal readonly record struct Token(TokenKind Kind, int Start, int Length, double Value = 0);

/// <summary>Splits formula text into tokens. Numbers use the invariant culture: <c>1e-3</c>, <c>.5</c>, <c>2.</c>.</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, i));
                i += tokens[^1].Length;
                continue;
            }
            if (IsNameStart(c))
            {
                int start = i;
                while (i < text.Length && IsNamePart(text[i])) i++;
                tokens.Add(new Token(TokenKind.Name, start, i - start));
                continue;
            }
            var kind = c switch
            {
                '+' => TokenKind.Plus,
                '-' => TokenKind.Minus,
                '*' => TokenKind.Star,
                '/' => TokenKind.Slash,
                '^' => TokenKind.Caret,
                '(' => TokenKind.LeftParen,
                ')' => TokenKind.RightParen,
                ',' => TokenKind.Comma,
                '=' => TokenKind.Equals,
                _ => TokenKind.End,
            };
            if (kind == TokenKind.End) FormulaException.Throw(text, i, UnexpectedCharacter(c));
            if (c == '*' && i + 1 < text.Length && text[i + 1] == '*')
                FormulaException.Throw(text, i, "'**' is not an operator; write '^' for a power, e.g. x^2");
            tokens.Add(new Token(kind, i, 1));
            i++;
        }
        tokens.Add(new Token(TokenKind.End, text.Length, 0));
        return tokens;
    }

    private static string UnexpectedCharacter(char c) => c switch
    {
        '[' or ']' or '{' or '}' => $"unexpected character '{c}'; group with '(' and ')'",
        '.' => "unexpected character '.'; a number needs a digit before or after its decimal point",
        _ => $"unexpected character '{c}'; a formula is made of numbers, names, + - * / ^, parentheses, commas and one '='",
    };

    private static Token ReadNumber(string text, int start)
    {
        int i = start;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        }
        // An exponent only if digits follow: "2e" is 2 then the name e, which the parser rejects
        // with a hint, rather than a number cut short.
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            int j = i + 1;
            if (j < text.Length && (text[j] == '+' || text[j] == '-')) j++;
            if (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                i = j;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            }
        }
        if (i < text.Length && text[i] == '.')
        {
            int end = i;
            while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.')) end++;
            FormulaException.Throw(text, i, $"'{text[start..end]}' is not a number: a number has at most one decimal point");
        }
        var span = text.AsSpan(start, i - start);
        double value = double.Parse(span, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
            FormulaException.Throw(text, start, $"number '{span}' is too large for a double (the largest is about 1.8e308)");
        return new Token(TokenKind.Number, start, i - start, value);
    }

    private static bool IsNameStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_';

    /// <summary>Whether <paramref name="name"/> lexes as exactly one name token.</summary>
    public static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !IsNameStart(name[0])) return false;
        foreach (char c in name)
            if (!IsNamePart(c)) return false;
        return true;
    }
}
