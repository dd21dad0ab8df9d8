using System.Numerics;
using System.Text;

namespace Downhill.Data;

/// <summary>
/// The missing cells one part of a CSV input met (<see cref="Add"/>), and what
/// <see cref="Apply{T}"/> does with those of all parts under a <see cref="MissingValues"/> policy.
/// </summary>
internal sealed class CsvMissing
{
    /// <summary>The label a row with an empty class cell holds until the row is dropped.</summary>
    public const int NoLabel = -1;

    // Enough places to find the pattern (one column, every other row...) without a wall of text.
    private const int ShownPlaces = 5;

    private static readonly string[] Markers = ["NA", "N/A", "#N/A", "NaN", "null", "None", "?", "-"];

    public int Cells { get; private set; }

    /// <summary>The first few missing cells, in file order.</summary>
    public List<(long Line, string Column)> Places { get; } = [];

    /// <summary>This part's rows (from 0) with a missing feature, and with a missing target; each ascending, without repeats.</summary>
    public List<int> FeatureRows { get; } = [];

    public List<int> TargetRows { get; } = [];

    /// <summary>An empty cell, or one of <see cref="Markers"/> in any case, spaces around allowed.</summary>
    public static bool IsMarker(ReadOnlySpan<byte> field)
    {
        var text = field.Trim(" \t"u8);
        if (text.Length == 0) return true;
        if (text.Length > 4) return false;
        Span<char> chars = stackalloc char[4];
        int n = Encoding.UTF8.GetChars(text, chars);
        foreach (var marker in Markers)
            if (chars[..n].Equals(marker, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    public void Add(long line, string column, int row, bool target)
    {
        Cells++;
        if (Places.Count < ShownPlaces) Places.Add((line, column));
        var rows = target ? TargetRows : FeatureRows;
        if (rows.Count == 0 || rows[^1] != row) rows.Add(row);
    }

    /// <summary>Refuses <paramref name="cells"/> missing cells under <see cref="MissingValues.Error"/>, naming the first <paramref name="places"/> in file order.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Refuse(string name, long cells, IEnumerable<(long Line, string Column)> places)
    {
        var shown = places.Take(ShownPlaces).Select(p => $"line {p.Line} column \"{p.Column}\"");
        Errors.Data($"{name}: {cells} cell{(cells == 1 ? " is" : "s are")} missing (empty, or NA, N/A, NaN, null, ? or -), " +
            $"{(cells > ShownPlaces ? "the first " : "")}at {string.Join(", ", shown)}. Fill them in, or choose what to do with them: " +
            "DataOptions.Missing = MissingValues.Drop leaves those rows out; DataOptions.Missing = MissingValues.Mean (or median) fills a missing feature " +
            "from the training rows and leaves out rows whose target is missing.");
    }

    /// <summary>
    /// After <see cref="CsvRows{T}.Join"/>: refuses missing cells under <see cref="MissingValues.Error"/>,
    /// else drops the rows the policy leaves out. Missing features that stay are NaN.
    /// </summary>
    /// <returns>How many rows were dropped.</returns>
    public static int Apply<T>(CsvRows<T> rows, IReadOnlyList<CsvParser<T>> parts, string name, MissingValues policy)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cells = parts.Sum(p => p.Missing.Cells);
        if (cells == 0) return 0;
        if (policy == MissingValues.Error) Refuse(name, cells, parts.SelectMany(p => p.Missing.Places));
        // Row numbers after Join: each part's rows follow the previous part's.
        var drop = new List<int>();
        int offset = 0;
        foreach (var part in parts)
        {
            var own = policy == MissingValues.Drop
                ? part.Missing.FeatureRows.Union(part.Missing.TargetRows).Order()
                : part.Missing.TargetRows.AsEnumerable();
            drop.AddRange(own.Select(r => offset + r));
            offset += part.Rows;
        }
        rows.Drop(drop);
        return drop.Count;
    }
}
