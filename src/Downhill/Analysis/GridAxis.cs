using System.Globalization;

namespace Downhill.Analysis;

/// <summary>
/// One axis of a loss surface: a parameter name (<c>m</c> or <c>weight[0,0]</c>) and the values
/// it takes. Written <c>NAME=START:STOP:STEP</c> (stop included) or <c>NAME=START:STOP/N</c> (N points).
/// </summary>
public sealed record GridAxis(string Name, double[] Values)
{
    /// <summary>Reads <c>NAME=START:STOP:STEP</c> or <c>NAME=START:STOP/N</c>; a mistake names the text, the part at fault and the two forms. At most 10,000 points.</summary>
    public static GridAxis Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"GridAxis '{text}' is not NAME=START:STOP:STEP or NAME=START:STOP/N (e.g. m=1:8:1 or b=0:30/11).");
        string name = text[..eq].Trim();
        string range = text[(eq + 1)..].Trim();
        var parts = range.Split(':');
        if (parts.Length == 2 && parts[1].Contains('/'))
        {
            var stopAndCount = parts[1].Split('/');
            double start = Number(parts[0], text), stop = Number(stopAndCount[0], text);
            if (!int.TryParse(stopAndCount[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 2)
                throw new ArgumentException($"GridAxis '{text}': the point count '{stopAndCount[1]}' must be a whole number >= 2.");
            return new GridAxis(name, Enumerable.Range(0, n).Select(i => start + (stop - start) * i / (n - 1)).ToArray());
        }
        if (parts.Length == 3)
        {
            double start = Number(parts[0], text), stop = Number(parts[1], text), step = Number(parts[2], text);
            if (step <= 0 || stop < start)
                throw new ArgumentException($"GridAxis '{text}': need START <= STOP and a positive STEP (got {parts[0]}:{parts[1]}:{parts[2]}).");
            // The stop is included when a step lands on it (within rounding), as the seed's b = 0, 3, ..., 30.
            int n = (int)Math.Floor((stop - start) / step + 1e-9) + 1;
            if (n > 10_000) throw new ArgumentException($"GridAxis '{text}' makes {n} points; use at most 10,000 per axis.");
            return new GridAxis(name, Enumerable.Range(0, n).Select(i => start + i * step).ToArray());
        }
        throw new ArgumentException($"GridAxis '{text}' is not NAME=START:STOP:STEP or NAME=START:STOP/N (e.g. m=1:8:1 or b=0:30/11).");
    }

    private static double Number(string s, string whole) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v
            : throw new ArgumentException($"GridAxis '{whole}': '{s}' is not a number.");
}

/// <summary>Loss values over a grid: Loss[i, j] at First.Values[i], Second.Values[j].</summary>
public sealed record Surface(GridAxis First, GridAxis Second, double[,] Loss)
{
    /// <summary>The indices into <c>First.Values</c> and <c>Second.Values</c> of the lowest loss on the grid; NaN cells never win, and (0, 0) when no cell is finite.</summary>
    public (int I, int J) Minimum
    {
        get
        {
            (int, int) best = (0, 0);
            double low = double.PositiveInfinity;
            for (int i = 0; i < Loss.GetLength(0); i++)
                for (int j = 0; j < Loss.GetLength(1); j++)
                    if (Loss[i, j] < low) { low = Loss[i, j]; best = (i, j); }
            return best;
        }
    }
}
