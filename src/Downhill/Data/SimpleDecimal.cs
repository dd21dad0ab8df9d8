namespace Downhill.Data;

/// <summary>
/// The fast path for the numbers CSV files are mostly made of: [+-]digits[.digits] with at most
/// 15 significant digits. Such a number is m / 10^k with m below 2^53 and k at most 22, so both
/// are exact doubles and one IEEE division rounds correctly (Clinger's fast path): the result is
/// bit for bit what <see cref="double.Parse(string)"/> gives. Anything else (exponents, long
/// mantissas, "NaN") is left to the full parser.
/// </summary>
internal static class SimpleDecimal
{
    private const int MaxDigits = 15;

    private static readonly double[] PowersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Parses the longest simple number at <paramref name="start"/>; <paramref name="stop"/> is
    /// the index of the first byte after it. False when the bytes there do not start a simple
    /// number (the caller then scans the whole field and uses the full parser).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, int start, out double value, out int stop)
    {
        int i = start;
        bool negative = false;
        if (i < s.Length && (s[i] == (byte)'-' || s[i] == (byte)'+'))
        {
            negative = s[i] == (byte)'-';
            i++;
        }
        ulong mantissa = 0;
        int significant = 0, fractionDigits = 0, digitsSeen = 0;
        uint d;
        while (i < s.Length && (d = (uint)(s[i] - '0')) <= 9)
        {
            // Leading zeros do not count towards the 15 significant digits.
            if (mantissa != 0 || d != 0) significant++;
            mantissa = mantissa * 10 + d;
            digitsSeen++;
            i++;
            if (significant > MaxDigits) { value = 0; stop = i; return false; }
        }
        if (i < s.Length && s[i] == (byte)'.')
        {
            i++;
            while (i < s.Length && (d = (uint)(s[i] - '0')) <= 9)
            {
                if (mantissa != 0 || d != 0) significant++;
                mantissa = mantissa * 10 + d;
                fractionDigits++;
                digitsSeen++;
                i++;
                if (significant > MaxDigits || fractionDigits >= PowersOf10.Length) { value = 0; stop = i; return false; }
            }
        }
        stop = i;
        if (digitsSeen == 0) { value = 0; return false; }
        double v = (double)mantissa / PowersOf10[fractionDigits];
        value = negative ? -v : v;
        return true;
    }
}
