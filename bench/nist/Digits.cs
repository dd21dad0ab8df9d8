namespace Downhill.Nist;

/// <summary>The log relative error (LRE) NIST and McCullough use to score StRD results.</summary>
internal static class Digits
{
    /// <summary>
    /// The certified values have 11 significant digits, so agreement beyond that cannot be
    /// measured; an exact match scores this too.
    /// </summary>
    public const double Cap = 11;

    /// <summary>-log10(|estimate - certified| / |certified|), clamped to [0, <see cref="Cap"/>]; NaN scores 0.</summary>
    public static double Correct(double estimate, double certified)
    {
        if (!double.IsFinite(estimate)) return 0;
        if (estimate == certified) return Cap;
        double lre = -Math.Log10(Math.Abs(estimate - certified) / Math.Abs(certified));
        return Math.Clamp(lre, 0, Cap);
    }

    /// <summary>The worst element: a fit is only as good as its least accurate parameter.</summary>
    public static double Worst(IReadOnlyList<double> estimates, IReadOnlyList<double> certified)
    {
        double worst = Cap;
        for (int j = 0; j < certified.Count; j++) worst = Math.Min(worst, Correct(estimates[j], certified[j]));
        return worst;
    }
}
