namespace Downhill.Plots;

internal static class Numbers
{
    /// <summary>Short, culture-independent text for a number: 0.0123, 12.5, 3.2e-05, 1.5e+07.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return "0";
        int exponent = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        double mantissa = value / Math.Pow(10, exponent);
        if (Math.Abs(Math.Round(mantissa, 2)) >= 10)
        {
            exponent++;
            mantissa /= 10;
        }
        if (exponent < -3 || exponent >= 5)
            return mantissa.ToString("0.##", CultureInfo.InvariantCulture) + "e" + exponent.ToString(CultureInfo.InvariantCulture);
        double rounded = Math.Round(mantissa, 2) * Math.Pow(10, exponent);
        return rounded.ToString("0.#######", CultureInfo.InvariantCulture);
    }

    public static bool IsFinite(double value) => double.IsFinite(value);

    /// <summary>The points up to (not including) the first non-finite x or y; a blown-up run ends there.</summary>
    public static int FinitePrefixLength(double[] xs, double[] ys)
    {
        int n = Math.Min(xs.Length, ys.Length);
        for (int k = 0; k < n; k++)
            if (!double.IsFinite(xs[k]) || !double.IsFinite(ys[k]))
                return k;
        return n;
    }

    public static (double Min, double Max) FiniteRange(IEnumerable<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (min, max);
    }

    /// <summary>About <paramref name="count"/> round levels strictly inside (min, max): steps of 1, 2 or 5
    /// times a power of ten.</summary>
    public static double[] NiceLevels(double min, double max, int count)
    {
        if (!(max > min)) return [];
        double rough = (max - min) / count;
        double power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double step = power * (rough / power < 1.5 ? 1 : rough / power < 3.5 ? 2 : rough / power < 7.5 ? 5 : 10);
        var levels = new List<double>();
        for (double level = Math.Ceiling(min / step) * step; level < max; level += step)
            if (level > min)
                levels.Add(Math.Round(level / step) * step);
        return [.. levels];
    }
}
