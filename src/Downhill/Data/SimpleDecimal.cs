using System.Runtime.CompilerServices;

namespace Downhill.Data;

/// <summary>
/// The fast path for the numbers CSV files are mostly made of: [+-]digits[.digits] whose digits,
/// read as one integer m, stay at most 2^53, with at most 22 decimals k. Then m and 10^k are
/// exact doubles and one IEEE division rounds correctly (Clinger's fast path), so the result is
/// bit for bit what <see cref="double.Parse(string)"/> gives. Anything else (exponents, long
/// mantissas, "NaN") is left to the full parser.
/// </summary>
internal static class SimpleDecimal
{
    // 19 decimal digits always fit in a ulong (10^19 < 2^64), so m is exact before the 2^53 check.
    private const int MaxDigits = 19;
    private const ulong MaxExactMantissa = 1UL << 53;

    private static readonly double[] PowersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Parses the longest simple number at <paramref name="start"/>, with <paramref name="point"/>
    /// ('.' or ',') as the decimal separator; <paramref name="stop"/> is the index of the first byte after it. False when the bytes there are not such a number
    /// (the caller then scans the whole field and uses the full parser).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParse(ReadOnlySpan<byte> s, int start, byte point, out double value, out int stop)
    {
        int i = start;
        bool negative = false;
        if ((uint)i < (uint)s.Length && (s[i] == (byte)'-' || s[i] == (byte)'+'))
        {
            negative = s[i] == (byte)'-';
            i++;
        }
        // Digits are gathered without per-digit checks; the count decides afterwards whether m is exact.
        ulong mantissa = 0;
        uint d;
        int digitsStart = i;
        while ((uint)i < (uint)s.Length && (d = (uint)(s[i] - '0')) <= 9)
        {
            mantissa = unchecked(mantissa * 10 + d);
            i++;
        }
        int digits = i - digitsStart, decimals = 0;
        if ((uint)i < (uint)s.Length && s[i] == point)
        {
            i++;
            int fractionStart = i;
            while ((uint)i < (uint)s.Length && (d = (uint)(s[i] - '0')) <= 9)
            {
                mantissa = unchecked(mantissa * 10 + d);
                i++;
            }
            decimals = i - fractionStart;
            digits += decimals;
        }
        stop = i;
        if (digits == 0 || digits > MaxDigits || mantissa > MaxExactMantissa || decimals >= PowersOf10.Length)
        {
            value = 0;
            return false;
        }
        double v = (double)mantissa / PowersOf10[decimals];
        value = negative ? -v : v;
        return true;
    }
}
