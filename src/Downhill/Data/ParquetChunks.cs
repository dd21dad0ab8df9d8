using System.Globalization;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace Downhill.Data;

/// <summary>
/// A Parquet file as a <see cref="IChunkSource"/> (Parquet.Net), one row group per part. Columns
/// are chosen by the CSV reader's own rules and messages: the column names go through its
/// header parser. Numeric columns of any width are read as doubles; a null, or a NaN in a
/// float column, is a missing cell. A text column named as the target holds class labels.
/// </summary>
internal sealed class ParquetChunks : IChunkSource
{
    private readonly string path;
    private readonly DataOptions options;
    private readonly DataField[] features, targets;
    private readonly DataField? id;
    private readonly long[] groupFirstRow;

    public ParquetChunks(string fullPath, string name, DataOptions options)
    {
        path = fullPath;
        Name = name;
        this.options = options;
        Bytes = new FileInfo(fullPath).Length;
        var reader = OpenReader();
        try { (features, targets, id, TargetIsClass, FeatureNames, TargetNames, groupFirstRow) = Describe(reader, name, options); }
        finally { Close(reader); }
    }

    private static (DataField[], DataField[], DataField?, bool, string[], string[], long[]) Describe(ParquetReader reader, string name, DataOptions options)
    {
        var fields = reader.Schema.GetDataFields();
        var columns = fields.Select(f => f.Name).ToArray();
        var text = new HashSet<int>();
        for (int c = 0; c < fields.Length; c++) if (IsText(fields[c])) text.Add(c);
        // The CSV header parser assigns the roles, so the selection rules and their messages are the same.
        var headerLine = string.Join(",", columns.Select(c => "\"" + c.Replace("\"", "\"\"") + "\"")) + "\n";
        var bytes = CsvBytes.Of(new MemoryStream(Encoding.UTF8.GetBytes(headerLine)), name);
        var classColumns = options.TargetKind == TargetKind.Regression ? [] : new HashSet<int>(text);
        var header = new CsvParser<double>(bytes, name, options with { Delimiter = ',', DecimalSeparator = null }, classColumns);
        header.ReadHeader();
        var (featureNames, targetNames) = header.ColumnNames();
        var byName = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        DataField[] features = [.. featureNames.Select(n => byName[n])];
        DataField[] targets = [.. targetNames.Select(n => byName[n])];
        foreach (var f in features.Where(IsText))
            Errors.Data($"{name}, column \"{f.Name}\": it holds text ({f.ClrType.Name}), and features must be numbers; make it the id (DataOptions.Id = \"{f.Name}\") or leave it out (DataOptions.Exclude = [\"{f.Name}\"]).");
        foreach (var f in features.Concat(targets).Where(f => !IsText(f) && !IsNumber(f)))
            Errors.Data($"{name}, column \"{f.Name}\": its type {f.ClrType.Name} is neither a number nor text; leave it out with DataOptions.Exclude = [\"{f.Name}\"].");
        bool targetIsClass = header.HasClasses;
        if (!targetIsClass && targets.FirstOrDefault(IsText) is { } t)
            Errors.Data($"{name}, column \"{t.Name}\": a regression target must be numeric, but it holds text; if it holds class labels, fit a classifier such as softmax.");
        var id = options.Id is { } idName ? byName[idName] : null;
        var groupFirstRow = new long[reader.RowGroupCount + 1];
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            groupFirstRow[g + 1] = groupFirstRow[g] + group.RowCount;
        }
        return (features, targets, id, targetIsClass, featureNames, targetNames, groupFirstRow);
    }

    /// <summary>Parquet.Net's reader disposes asynchronously only; the chunk reads are synchronous.</summary>
    private static void Close(ParquetReader reader) => reader.DisposeAsync().AsTask().GetAwaiter().GetResult();

    public string Name { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    public IReadOnlyList<string> TargetNames { get; }
    public string? IdName => options.Id;
    public bool TargetIsClass { get; }
    public MissingValues MissingPolicy => options.Missing;
    public long Bytes { get; }
    public int Parts => groupFirstRow.Length - 1;

    public IEnumerable<DataChunk> Read(IReadOnlyList<int> parts, int rowsPerChunk)
    {
        ChunkSources.CheckRead(this, parts, rowsPerChunk);
        return ReadGroups(parts, rowsPerChunk);
    }

    private IEnumerable<DataChunk> ReadGroups(IReadOnlyList<int> parts, int rowsPerChunk)
    {
        var reader = OpenReader();
        try
        {
            foreach (var chunk in ReadGroups(reader, parts, rowsPerChunk)) yield return chunk;
        }
        finally { Close(reader); }
    }

    private IEnumerable<DataChunk> ReadGroups(ParquetReader reader, IReadOnlyList<int> parts, int rowsPerChunk)
    {
        var classes = new List<string>();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int f = features.Length, t = TargetIsClass ? 0 : targets.Length;
        foreach (int g in parts)
        {
            // NOTE: Parquet.Net reads whole column chunks, so a row group is the unit of memory here.
            var (featureColumns, targetColumns, labelColumn, idColumn, rows) = ReadGroup(reader, g);
            for (int from = 0; from < rows; from += rowsPerChunk)
            {
                int n = Math.Min(rowsPerChunk, rows - from);
                var x = new double[n * f];
                var y = t > 0 ? new double[n * t] : null;
                var labels = TargetIsClass ? new int[n] : null;
                var ids = idColumn is null ? null : new string[n];
                long cells = 0;
                var places = new List<(long, string)>();
                int kept = 0;
                for (int i = 0; i < n; i++)
                {
                    int r = from + i;
                    long row = groupFirstRow[g] + r + 1;
                    bool featureMissing = false, targetMissing = false;
                    for (int j = 0; j < f; j++)
                    {
                        double v = featureColumns[j][r];
                        if (double.IsNaN(v)) { featureMissing = true; Note(ref cells, places, row, features[j].Name); }
                        else if (!double.IsFinite(v)) NotFinite(row, features[j].Name, v);
                        x[kept * f + j] = v;
                    }
                    for (int j = 0; j < t; j++)
                    {
                        double v = targetColumns[j][r];
                        if (double.IsNaN(v)) { targetMissing = true; Note(ref cells, places, row, targets[j].Name); }
                        else if (!double.IsFinite(v)) NotFinite(row, targets[j].Name, v);
                        y![kept * t + j] = v;
                    }
                    if (labels is not null)
                    {
                        var label = labelColumn![r];
                        if (string.IsNullOrWhiteSpace(label)) { targetMissing = true; Note(ref cells, places, row, targets[0].Name); }
                        else
                        {
                            label = label.Trim();
                            if (!classIndex.TryGetValue(label, out int k)) { k = classes.Count; classes.Add(label); classIndex[label] = k; }
                            labels[kept] = k;
                        }
                    }
                    if (ids is not null) ids[kept] = idColumn![r] ?? "";
                    bool drop = options.Missing switch
                    {
                        MissingValues.Error => false,
                        MissingValues.Drop => featureMissing || targetMissing,
                        _ => targetMissing,
                    };
                    if (!drop) kept++;
                }
                yield return new DataChunk(kept, f, x, t, y, labels, labels is null ? null : [.. classes], ids, groupFirstRow[g] + from + 1)
                {
                    MissingCells = cells,
                    MissingPlaces = places,
                    DroppedRows = n - kept,
                };
            }
        }
    }

    private static void Note(ref long cells, List<(long, string)> places, long row, string column)
    {
        cells++;
        if (places.Count < 5) places.Add((row, column));
    }

    private void NotFinite(long row, string column, double v) =>
        Errors.Data($"{Name} row {row}, column \"{column}\": \"{v.ToString(CultureInfo.InvariantCulture)}\" is not a finite number; remove the row or fill in a value.");

    private (double[][] Features, double[][] Targets, string?[]? Labels, string?[]? Ids, int Rows) ReadGroup(ParquetReader reader, int g)
    {
        using var group = reader.OpenRowGroupReader(g);
        int rows = checked((int)group.RowCount);
        var x = features.Select(c => Numbers(group, c, rows)).ToArray();
        var y = TargetIsClass ? [] : targets.Select(c => Numbers(group, c, rows)).ToArray();
        var labels = TargetIsClass ? Texts(group, targets[0], rows) : null;
        var ids = id is null ? null : Texts(group, id, rows);
        return (x, y, labels, ids, rows);
    }

    /// <summary>A numeric column as doubles, null as NaN.</summary>
    private static double[] Numbers(ParquetRowGroupReader group, DataField field, int rows)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(double)) return Read<double>(group, field, rows, v => v);
        if (type == typeof(float)) return Read<float>(group, field, rows, v => v);
        if (type == typeof(long)) return Read<long>(group, field, rows, v => v);
        if (type == typeof(int)) return Read<int>(group, field, rows, v => v);
        if (type == typeof(short)) return Read<short>(group, field, rows, v => v);
        if (type == typeof(sbyte)) return Read<sbyte>(group, field, rows, v => v);
        if (type == typeof(byte)) return Read<byte>(group, field, rows, v => v);
        if (type == typeof(bool)) return Read<bool>(group, field, rows, v => v ? 1 : 0);
        if (type == typeof(decimal)) return Read<decimal>(group, field, rows, v => (double)v);
        if (type == typeof(string))
        {
            // A text column read as numbers: a class target under TargetKind.Regression was refused earlier, so this is labels as numbers.
            var text = Texts(group, field, rows);
            return [.. text.Select(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN)];
        }
        Errors.Data($"column \"{field.Name}\": Parquet type {type.Name} is not read as a number.");
        return [];
    }

    private static double[] Read<TValue>(ParquetRowGroupReader group, DataField field, int rows, Func<TValue, double> widen)
        where TValue : struct
    {
        var result = new double[rows];
        if (field.IsNullable)
        {
            var values = new TValue?[rows];
            group.ReadAsync<TValue>(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < rows; i++) result[i] = values[i] is { } v ? widen(v) : double.NaN;
        }
        else
        {
            var values = new TValue[rows];
            group.ReadAsync<TValue>(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < rows; i++) result[i] = widen(values[i]);
        }
        return result;
    }

    /// <summary>A column as text: strings as they are, numbers in the invariant culture (class labels written as numbers).</summary>
    private static string?[] Texts(ParquetRowGroupReader group, DataField field, int rows)
    {
        if (IsText(field))
        {
            var values = new string?[rows];
            group.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            return values;
        }
        return [.. Numbers(group, field, rows).Select(v => double.IsNaN(v) ? null : v.ToString(CultureInfo.InvariantCulture))];
    }

    // Parquet.Net 6 gives UTF-8 columns the type ReadOnlyMemory<char>; they read as strings all the same.
    private static bool IsText(DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    private static bool IsNumber(DataField field)
    {
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        return type == typeof(double) || type == typeof(float) || type == typeof(long) || type == typeof(int) || type == typeof(short)
            || type == typeof(sbyte) || type == typeof(byte) || type == typeof(bool) || type == typeof(decimal);
    }

    private ParquetReader OpenReader()
    {
        var stream = File.OpenRead(path);
        try { return ParquetReader.CreateAsync(stream, null, false).GetAwaiter().GetResult(); }
        catch (Exception e) when (e is not DataFileException)
        {
            stream.Dispose();
            Errors.Data($"{Name} is not a Parquet file Parquet.Net can read ({e.Message}); check the file, or give a CSV file.");
            return null!;
        }
    }
}
