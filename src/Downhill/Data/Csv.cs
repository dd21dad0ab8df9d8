using System.Numerics;
using System.Runtime.ExceptionServices;

namespace Downhill.Data;

/// <summary>
/// Reads CSV files with a header row into a <see cref="Dataset"/>: RFC 4180 quoting, ',' ';'
/// or tab (sniffed from the header unless given), numbers in the invariant culture with '.' or
/// (see <see cref="DataOptions.DecimalSeparator"/>) ',' for the decimal point, UTF-8 with or
/// without a BOM, blank lines ignored, missing cells met as <see cref="DataOptions.Missing"/> says.
/// A file without quote characters is parsed on <see cref="Parallelism.Threads"/> threads, each
/// reading its own part of the file; the result and the error messages are the same as reading
/// it front to back.
/// </summary>
public static class Csv
{
    // Parts smaller than this are not worth a thread: one parses in a few milliseconds.
    private const int MinPartBytes = 1 << 20;

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static Dataset Read(string path, DataOptions options = default)
    {
        using var stream = Open(path);
        return Read(stream, path, options);
    }

    /// <summary>
    /// Reads CSV from <paramref name="stream"/>, from its position on; <paramref name="name"/> names
    /// it in messages. A file or memory stream is read in place; any other stream (a pipe, a
    /// decompressor) is copied into memory first, since the reader makes two passes.
    /// </summary>
    public static Dataset Read(Stream stream, string name, DataOptions options = default) =>
        Read(stream, name, options, Parallelism.Threads, MinPartBytes);

    /// <summary>
    /// Reads the file at <paramref name="path"/> straight into the tensors a model trains on: the
    /// same values as <c>Read(path, options).Features&lt;T&gt;()</c> and <c>.Targets&lt;T&gt;()</c>
    /// (one-hot rows for class labels), without the <see cref="Dataset"/>'s double copy in
    /// between. <c>Targets</c> is null when <see cref="DataOptions.Targets"/> names no target.
    /// Missing cells: <see cref="MissingValues.Error"/> or <see cref="MissingValues.Drop"/> only,
    /// since fill values must come from training rows and this read knows of no split.
    /// </summary>
    /// <remarks>
    /// Why: against Read then Features/Targets&lt;float&gt; this more than halves the peak memory,
    /// and since every fresh page must be faulted in, not writing the doubles saves about as
    /// much CPU time as the parsing costs (figures in bench/README.md, "Measured gains").
    /// </remarks>
    public static (NDArray<T> Features, NDArray<T>? Targets) ReadTensors<T>(string path, DataOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using var stream = Open(path);
        return ReadTensors<T>(stream, path, options);
    }

    /// <summary>Reads CSV from <paramref name="stream"/> into tensors, as <see cref="ReadTensors{T}(string, DataOptions)"/>.</summary>
    public static (NDArray<T> Features, NDArray<T>? Targets) ReadTensors<T>(Stream stream, string name, DataOptions options = default)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        ReadTensors<T>(stream, name, options, Parallelism.Threads, MinPartBytes);

    /// <param name="maxArrayBytes">The longest record and the most bytes copied from a pipe (tests make it small).</param>
    internal static Dataset Read(Stream stream, string name, DataOptions options, int threads, int minPartBytes, int maxArrayBytes = CsvParser.MaxArrayBytes)
    {
        var (rows, featureNames, targetNames, dropped, featuresMissing) = Parse<double>(CsvBytes.Of(stream, name, maxArrayBytes), name, options, threads, minPartBytes, maxArrayBytes);
        int n = rows.Count;
        string[]? ids = rows.Ids.Length == 0 ? null : Exact(rows.Ids, n);
        var missing = new MissingState(options.Missing, dropped, featuresMissing ? CountNaN(rows.Values.AsSpan(0, n * featureNames.Length)) : 0);
        if (rows.ClassNames is null)
        {
            // The arrays were sized from the line count, so they are usually exact and need no copy.
            double[]? targets = targetNames.Length == 0 ? null : Exact(rows.Targets, n * targetNames.Length);
            return Dataset.FromParts(name, n, featureNames, rows.Values, targetNames, targets, null, null, options.Id, ids, missing);
        }
        return Dataset.FromParts(name, n, featureNames, rows.Values, targetNames, null, Exact(rows.Labels, n), rows.ClassNames, options.Id, ids, missing);
    }

    internal static (NDArray<T> Features, NDArray<T>? Targets) ReadTensors<T>(Stream stream, string name, DataOptions options, int threads, int minPartBytes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (options.Missing is MissingValues.Mean or MissingValues.Median)
            Errors.Argument($"Csv.ReadTensors: MissingValues.{options.Missing} fills from the training rows, and this read knows of no split; read with Csv.Read (Fitting fills after the split), or use MissingValues.Drop.");
        var (rows, featureNames, targetNames, _, _) = Parse<T>(CsvBytes.Of(stream, name), name, options, threads, minPartBytes, CsvParser.MaxArrayBytes);
        int n = rows.Count;
        var features = NDArray<T>.Wrap(Exact(rows.Values, n * featureNames.Length), n, featureNames.Length);
        if (rows.ClassNames is { } classes)
        {
            var oneHot = new T[n * classes.Length];
            for (int i = 0; i < n; i++) oneHot[i * classes.Length + rows.Labels[i]] = T.One;
            return (features, NDArray<T>.Wrap(oneHot, n, classes.Length));
        }
        if (targetNames.Length == 0) return (features, null);
        return (features, NDArray<T>.Wrap(Exact(rows.Targets, n * targetNames.Length), n, targetNames.Length));
    }

    private static FileStream Open(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            Errors.Data($"{full} does not exist (check the path; the working directory is {Environment.CurrentDirectory}).");
        return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
    }

    /// <summary>The first <paramref name="length"/> items: the array itself when it has no more.</summary>
    private static TItem[] Exact<TItem>(TItem[] array, int length) => array.Length == length ? array : array[..length];

    /// <summary>Missing features are NaN (nothing else is: the reader refuses other non-finite numbers).</summary>
    private static int CountNaN(ReadOnlySpan<double> values)
    {
        int count = 0;
        foreach (double v in values) if (double.IsNaN(v)) count++;
        return count;
    }

    private static (CsvRows<T> Rows, string[] FeatureNames, string[] TargetNames, int Dropped, bool FeaturesMissing) Parse<T>(
        CsvBytes bytes, string name, DataOptions options, int threads, int minPartBytes, int maxRecordBytes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var scan = CsvScan.Run(bytes, threads, minPartBytes);
        var classColumns = new HashSet<int>();
        while (true)
        {
            var header = new CsvParser<T>(bytes, name, options, classColumns, maxRecordBytes);
            header.ReadHeader();
            var (rows, parts) = Plan(header, scan, bytes.Length);
            if (ParseParts(parts) is int textColumn)
            {
                // A target that held text: read again with it as class labels. Classification files
                // usually show text on the first row, so the first try stops almost at once.
                classColumns.Add(textColumn);
                continue;
            }
            rows.Join(parts);
            var (featureNames, targetNames) = header.ColumnNames();
            if (rows.Count == 0)
                Errors.Data($"{name} has a header row but no data rows; add at least one row of values below the header.");
            int dropped = CsvMissing.Apply(rows, parts, name, options.Missing);
            if (rows.Count == 0)
                Errors.Data($"{name}: every one of its {dropped} rows has a missing {(options.Missing == MissingValues.Drop ? "cell" : "target")}, so DataOptions.Missing = MissingValues.{options.Missing} leaves no rows.");
            if (rows.ClassNames is { Length: < 2 } classes)
                Errors.Data($"{name}: the target \"{targetNames[0]}\" has only one class (\"{classes[0]}\"); classification needs at least two classes.");
            return (rows, featureNames, targetNames, dropped, parts.Any(p => p.Missing.FeatureRows.Count > 0));
        }
    }

    /// <summary>
    /// The rows' storage and a parser for each part of the input after the header: one per cut
    /// of the scan, each with its first line number and its rows (at most its lines) placed
    /// after the previous part's; or one part for the whole input when it cannot be cut.
    /// </summary>
    private static (CsvRows<T> Rows, CsvParser<T>[] Parts) Plan<T>(CsvParser<T> header, CsvScan scan, long length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int maxRows = Array.MaxLength / Math.Max(1, header.FeatureCount);
        var (starts, lines) = scan.PartsAfter(header.DataStart, header.DataLine);
        // Without quotes or bare '\r' every line ends with '\n', so a part has at most as many rows as lines.
        var capacities = new long[starts.Count];
        for (int k = 0; k < starts.Count; k++)
            capacities[k] = (k + 1 < starts.Count ? lines[k + 1] : scan.Lines + 1) - lines[k];
        if (starts.Count == 1 || capacities.Sum() > maxRows)
        {
            // Quotes or bare '\r' make the line count an estimate: the one part grows its arrays if needed.
            int capacity = (int)Math.Clamp(scan.Lines - 1, 1, maxRows);
            var rows = Storage(header, capacity);
            return (rows, [header.Part(header.DataStart, length, header.DataLine, rows, 0, capacity, growable: true)]);
        }
        var storage = Storage(header, (int)capacities.Sum());
        var parts = new CsvParser<T>[starts.Count];
        int firstRow = 0;
        for (int k = 0; k < parts.Length; k++)
        {
            long stop = k + 1 < starts.Count ? starts[k + 1] : length;
            parts[k] = header.Part(starts[k], stop, lines[k], storage, firstRow, (int)capacities[k], growable: false);
            firstRow += (int)capacities[k];
        }
        return (storage, parts);
    }

    private static CsvRows<T> Storage<T>(CsvParser<T> header, int capacity) where T : unmanaged, IFloatingPointIeee754<T> =>
        new(capacity, header.FeatureCount, header.TargetCount, header.HasTargets, header.HasClasses, header.HasIds);

    /// <summary>
    /// Parses every part, each on its own thread when there are several. The outcome is the one
    /// a single pass front to back would have: the first part (in file order) that meets an
    /// error or a text target decides, whatever the parts after it met.
    /// Threads raise the rate in MB/s while the CPU time per byte hardly changes (figures in
    /// bench/README.md, "Measured gains").
    /// </summary>
    /// <returns>Null, or the column of a target that turned out to hold text.</returns>
    private static int? ParseParts<T>(CsvParser<T>[] parts) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (parts.Length == 1) return parts[0].ParseRows() ? null : parts[0].TextTargetColumn;
        var finished = new bool[parts.Length];
        var failures = new ExceptionDispatchInfo?[parts.Length];
        Parallel.For(0, parts.Length, new ParallelOptions { MaxDegreeOfParallelism = parts.Length }, k =>
        {
            try { finished[k] = parts[k].ParseRows(); }
            catch (Exception e) { failures[k] = ExceptionDispatchInfo.Capture(e); }
        });
        for (int k = 0; k < parts.Length; k++)
        {
            failures[k]?.Throw();
            if (!finished[k]) return parts[k].TextTargetColumn;
        }
        return null;
    }
}
