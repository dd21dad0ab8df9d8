using System.Numerics;

namespace Downhill.Data;

/// <summary>
/// The rows of a CSV input as its parsers fill them: row-major features and regression targets
/// of <typeparamref name="T"/>, class labels and ids, allocated once from the line count. Each
/// part of the input writes its own range of rows; <see cref="Join"/> then closes the gaps that
/// blank lines left and numbers the classes of all parts together.
/// </summary>
internal sealed class CsvRows<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int featureCount, targetCount;

    public CsvRows(int capacity, int featureCount, int targetCount, bool targets, bool labels, bool ids)
    {
        this.featureCount = featureCount;
        this.targetCount = targetCount;
        Values = new T[checked(capacity * featureCount)];
        Targets = targets ? new T[checked(capacity * targetCount)] : [];
        Labels = labels ? new int[capacity] : [];
        Ids = ids ? new string[capacity] : [];
        Capacity = capacity;
    }

    /// <summary>The rows the arrays hold room for.</summary>
    public int Capacity { get; private set; }

    public T[] Values { get; private set; }

    /// <summary>Regression targets; empty when no target is numeric.</summary>
    public T[] Targets { get; private set; }

    /// <summary>While parsing, each part's own class numbers; after <see cref="Join"/>, indices into <see cref="ClassNames"/>.</summary>
    public int[] Labels { get; private set; }

    public string[] Ids { get; private set; }

    /// <summary>Rows read, after <see cref="Join"/>. The arrays may hold more rows than this.</summary>
    public int Count { get; private set; }

    public string[]? ClassNames { get; private set; }

    public void Grow(int capacity)
    {
        Values = Resized(Values, capacity * featureCount);
        if (Targets.Length > 0) Targets = Resized(Targets, capacity * targetCount);
        if (Labels.Length > 0) Labels = Resized(Labels, capacity);
        if (Ids.Length > 0) Ids = Resized(Ids, capacity);
        Capacity = capacity;
    }

    private static TItem[] Resized<TItem>(TItem[] array, int length)
    {
        Array.Resize(ref array, length);
        return array;
    }

    /// <summary>
    /// Moves each part's rows to follow the previous part's (a part holds fewer rows than its
    /// lines when some are blank) and maps each part's class numbers to the sorted class list.
    /// </summary>
    public void Join(IReadOnlyList<CsvParser<T>> parts)
    {
        if (Labels.Length > 0)
        {
            ClassNames = CsvParser.SortClasses(parts.SelectMany(p => p.ClassIndex.Keys).Distinct(StringComparer.Ordinal));
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int k = 0; k < ClassNames.Length; k++) index[ClassNames[k]] = k;
            foreach (var part in parts)
            {
                var remap = new int[part.ClassIndex.Count];
                foreach (var (label, local) in part.ClassIndex) remap[local] = index[label];
                for (int i = part.FirstRow; i < part.FirstRow + part.Rows; i++)
                    if (Labels[i] != CsvMissing.NoLabel) Labels[i] = remap[Labels[i]];
            }
        }
        int row = 0;
        foreach (var part in parts)
        {
            if (part.FirstRow != row)
            {
                // Array.Copy handles the overlap: rows only move towards the front.
                Array.Copy(Values, part.FirstRow * featureCount, Values, row * featureCount, part.Rows * featureCount);
                if (Targets.Length > 0) Array.Copy(Targets, part.FirstRow * targetCount, Targets, row * targetCount, part.Rows * targetCount);
                if (Labels.Length > 0) Array.Copy(Labels, part.FirstRow, Labels, row, part.Rows);
                if (Ids.Length > 0) Array.Copy(Ids, part.FirstRow, Ids, row, part.Rows);
            }
            row += part.Rows;
        }
        Count = row;
    }

    /// <summary>Streaming: takes <paramref name="count"/> rows as parsed, one part's chunk from row 0, labels as that part numbers them.</summary>
    public void SetCount(int count) => Count = count;

    /// <summary>Leaves out <paramref name="sortedRows"/> (ascending, after <see cref="Join"/>), closing the gaps.</summary>
    public void Drop(IReadOnlyList<int> sortedRows)
    {
        int kept = 0, next = 0;
        for (int row = 0; row < Count; row++)
        {
            if (next < sortedRows.Count && sortedRows[next] == row) { next++; continue; }
            if (kept != row)
            {
                Array.Copy(Values, row * featureCount, Values, kept * featureCount, featureCount);
                if (Targets.Length > 0) Array.Copy(Targets, row * targetCount, Targets, kept * targetCount, targetCount);
                if (Labels.Length > 0) Labels[kept] = Labels[row];
                if (Ids.Length > 0) Ids[kept] = Ids[row];
            }
            kept++;
        }
        Count = kept;
        if (ClassNames is not null) ForgetUnusedClasses();
    }

    /// <summary>A class seen only on dropped rows is no class of the data: a model would get an output no row teaches.</summary>
    private void ForgetUnusedClasses()
    {
        var used = new bool[ClassNames!.Length];
        for (int i = 0; i < Count; i++) used[Labels[i]] = true;
        if (Array.TrueForAll(used, u => u)) return;
        var remap = new int[used.Length];
        var names = new List<string>();
        for (int k = 0; k < used.Length; k++)
        {
            remap[k] = names.Count;
            if (used[k]) names.Add(ClassNames[k]);
        }
        for (int i = 0; i < Count; i++) Labels[i] = remap[Labels[i]];
        ClassNames = [.. names];
    }
}
