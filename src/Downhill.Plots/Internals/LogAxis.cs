using ScottPlot;
using ScottPlot.TickGenerators;

namespace Downhill.Plots;

/// <summary>ScottPlot has no logarithmic axis: the charts plot log10 of the values and this puts ticks
/// labelled with the original values on the axis (or the colour bar).</summary>
internal static class LogAxis
{
    public static void Apply(IAxis axis, double minLog10, double maxLog10)
    {
        var ticks = new NumericManual();
        int low = (int)Math.Floor(minLog10), high = (int)Math.Ceiling(maxLog10);
        // NOTE: below two decades a tick per decade leaves the axis with one label or none, so label
        // 1, 2 and 5 times each power of ten instead.
        double[] majorMantissas = maxLog10 - minLog10 <= 2 ? [1, 2, 5] : [1];
        int decadeStride = Math.Max(1, (high - low + 7) / 8);
        for (int decade = low; decade <= high; decade++)
        {
            for (int m = 1; m <= 9; m++)
            {
                double position = decade + Math.Log10(m);
                if (position < minLog10 - 1e-9 || position > maxLog10 + 1e-9) continue;
                bool major = majorMantissas.Contains(m) && (m != 1 || (decade - low) % decadeStride == 0);
                if (major)
                    ticks.AddMajor(position, Numbers.Format(m * Math.Pow(10, decade)));
                else if (decadeStride == 1)
                    ticks.AddMinor(position);
            }
        }
        axis.TickGenerator = ticks;
    }

    public static double SafeLog10(double value) => value > 0 ? Math.Log10(value) : double.NaN;
}
