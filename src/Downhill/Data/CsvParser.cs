using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Text;
using static Downhill.Data.CsvParser;

namespace Downhill.Data;

/// <summary>
/// One pass over UTF-8 CSV bytes (RFC 4180: quoted fields with "" escapes and line breaks,
/// \n, \r\n or \r line ends) straight into row-major values of <typeparamref name="T"/>,
/// without a string per cell. The input is read in blocks; a record cut by the end of a block
/// is parsed again after the next read, so every step below may give up with
/// <see cref="CsvParser.Step.NeedMore"/> and is safe to repeat.
/// One parser reads the header (<see cref="ReadHeader"/>); then one parser per part of the
/// input (<see cref="Part"/>) reads rows into its own range of the shared <see cref="CsvRows{T}"/>.
/// Measured: see bench/README.csv.md.
/// </summary>
internal sealed class CsvParser<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int BlockSize = 1 << 20;
    // The rows the decimal separator is sniffed from: about a thousand lines of a typical file.
    private const int DecimalSniffBytes = 1 << 16;

    private readonly CsvBytes source;
    private readonly string name;
    private readonly DataOptions options;
    private readonly HashSet<int> classColumns;
    private readonly int maxRecordBytes;

    private byte[] buffer = new byte[BlockSize];
    private int pos, end;
    private bool eof;
    // The input offset of buffer[0], the next offset to read, and where this parser's part stops.
    private long bufferStart, next, partEnd;
    private long line = 1, headerLine = 1;
    private byte delimiter;
    // The decimal separator: the fast path's byte and the full parser's format; sniffed tells messages it was guessed.
    private byte point = (byte)'.';
    private NumberFormatInfo numberFormat = NumberFormatInfo.InvariantInfo;
    private bool decimalSniffed;

    private string[] header = [];
    private Role[] roles = [];
    private int[] slots = [];
    private int featureCount, targetCount;

    // This part's rows go to storage rows firstRow.. firstRow + capacity; the arrays are the storage's.
    private CsvRows<T> storage = null!;
    private int firstRow, rows, capacity;
    private T[] values = [], targets = [];
    private int[] labels = [];
    private string[] ids = [];
    private bool growable;
    // A chunked part hands over its rows whenever its storage is full (see ParseChunk) instead of growing it.
    private bool chunked;
    private readonly Dictionary<string, int> classIndex = new(StringComparer.Ordinal);
    private byte[] scratch = new byte[256];

    /// <param name="classColumns">Columns already known to hold class labels (from an earlier try).</param>
    /// <param name="maxRecordBytes">The longest record the buffer may grow to hold (tests make it small).</param>
    public CsvParser(CsvBytes source, string name, DataOptions options, HashSet<int> classColumns, int maxRecordBytes = MaxArrayBytes)
    {
        this.source = source;
        this.name = name;
        this.options = options;
        this.classColumns = classColumns;
        this.maxRecordBytes = maxRecordBytes;
        partEnd = source.Length;
    }

    /// <summary>In <see cref="TargetKind.Auto"/>, the target column that turned out to hold text.</summary>
    public int TextTargetColumn { get; private set; } = -1;

    /// <summary>The input offset of the first byte after the header row (after <see cref="ReadHeader"/>); <see cref="DataLine"/> is its line number.</summary>
    public long DataStart => bufferStart + pos;

    public long DataLine => line;

    public int FeatureCount => featureCount;

    public int TargetCount => targetCount;

    /// <summary>Whether a column has each role; the storage holds arrays for those present.</summary>
    public bool HasTargets => roles.Contains(Role.Target);

    public bool HasClasses => roles.Contains(Role.ClassTarget);

    public bool HasIds => roles.Contains(Role.Id);

    /// <summary>Rows this part has parsed, starting at storage row <see cref="FirstRow"/>.</summary>
    public int Rows => rows;

    public int FirstRow => firstRow;

    /// <summary>The class labels this part has seen, numbered in order of appearance.</summary>
    public IReadOnlyDictionary<string, int> ClassIndex => classIndex;

    /// <summary>The missing cells this part met: how many, where the first few are, and which of its rows hold them.</summary>
    public CsvMissing Missing { get; private set; } = new();

    /// <summary>The feature and target column names, in the order of their values in a row.</summary>
    public (string[] Features, string[] Targets) ColumnNames()
    {
        var featureNames = new string[featureCount];
        var targetNames = new string[targetCount];
        for (int c = 0; c < header.Length; c++)
        {
            if (roles[c] == Role.Feature) featureNames[slots[c]] = header[c];
            else if (roles[c] is Role.Target or Role.ClassTarget) targetNames[slots[c]] = header[c];
        }
        return (featureNames, targetNames);
    }

    /// <summary>Reads a byte order mark, blank lines and the header row, and assigns each column its role.</summary>
    public void ReadHeader()
    {
        Fill();
        if (end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) pos = 3;
        ReadHeaderRow();
    }

    /// <summary>
    /// A parser for the rows in input bytes [<paramref name="start"/>, <paramref name="stop"/>),
    /// which begin on line <paramref name="line"/>, into storage rows from <paramref name="firstRow"/>;
    /// at most <paramref name="capacity"/> rows unless <paramref name="growable"/> (one part only).
    /// </summary>
    public CsvParser<T> Part(long start, long stop, long line, CsvRows<T> storage, int firstRow, int capacity, bool growable) =>
        new(source, name, options, classColumns, maxRecordBytes)
        {
            next = start, bufferStart = start, partEnd = stop, line = line, headerLine = headerLine, delimiter = delimiter,
            point = point, numberFormat = numberFormat, decimalSniffed = decimalSniffed,
            header = header, roles = roles, slots = slots, featureCount = featureCount, targetCount = targetCount,
            storage = storage, firstRow = firstRow, capacity = capacity, growable = growable,
            values = storage.Values, targets = storage.Targets, labels = storage.Labels, ids = storage.Ids,
        };

    /// <summary>Parses every row of this part; false when a target turned out to be text (see <see cref="TextTargetColumn"/>): read again with it as classes.</summary>
    public bool ParseRows()
    {
        try
        {
            while (true)
            {
                var step = ParseRow();
                if (step == Step.Row) continue;
                if (step == Step.End) return true;
                if (step == Step.TextTarget) return false;
                Debug.Assert(!eof, "NeedMore at the end of input would loop forever");
                Refill();
            }
        }
        finally
        {
            // NOTE: Parallel.For can leave a part reachable from a pool thread after the read: the
            // last table then sometimes outlives a full collection, and the next read holds two
            // at its peak (figures in bench/README.md). A finished part lets go of its rows.
            (storage, values, targets, labels, ids, buffer) = (null!, [], [], [], [], []);
        }
    }

    /// <summary>
    /// Streaming: parses the next rows of this part into <paramref name="chunk"/>, from its row 0,
    /// until it is full or the part ends, keeping the buffer and the line count between calls,
    /// so a bad cell in the tenth chunk is reported on the same line as a whole-file read reports it.
    /// <see cref="Missing"/> then holds this chunk's missing cells (rows counted from 0), and
    /// class labels are numbered as <see cref="ClassIndex"/> first met them across all chunks.
    /// </summary>
    /// <returns>The rows parsed (0 at the end of the part), or -1 when a target turned out to be text.</returns>
    public int ParseChunk(CsvRows<T> chunk)
    {
        (storage, values, targets, labels, ids) = (chunk, chunk.Values, chunk.Targets, chunk.Labels, chunk.Ids);
        (firstRow, rows, capacity, growable, chunked) = (0, 0, chunk.Capacity, false, true);
        Missing = new CsvMissing();
        while (true)
        {
            var step = ParseRow();
            if (step == Step.Row) continue;
            if (step is Step.End or Step.Full) return rows;
            if (step == Step.TextTarget) return -1;
            Refill();
        }
    }

    // ---- Header ------------------------------------------------------------------------------

    private void ReadHeaderRow()
    {
        // Leading blank lines are skipped; a file of nothing else is empty.
        while (true)
        {
            if (pos >= end)
            {
                if (eof) Errors.Data($"{name} is empty; expected a header row of column names and at least one data row.");
                Refill();
                continue;
            }
            byte b = buffer[pos];
            if (b != '\n' && b != '\r') break;
            if (b == '\n' || (b == '\r' && (pos + 1 >= end || buffer[pos + 1] != '\n'))) line++;
            pos++;
        }
        headerLine = line;
        int lineEnd;
        while ((lineEnd = FindRecordEnd()) < 0) Refill();
        delimiter = options.Delimiter is { } d ? CheckDelimiter(d) : Sniff(buffer.AsSpan(pos, lineEnd - pos));

        var names = new List<string>();
        int p = pos, quotedLines = 0;
        while (true)
        {
            bool complete = ScanField(ref p, out var field, ref quotedLines);
            System.Diagnostics.Debug.Assert(complete);
            names.Add(Encoding.UTF8.GetString(field).Trim());
            if (p < end && buffer[p] == delimiter) { p++; continue; }
            break;
        }
        ConsumeLineEnd(ref p);
        pos = p;
        line += 1 + quotedLines;
        header = [.. names];
        AssignRoles();
        ChooseDecimal();
    }

    private void ChooseDecimal()
    {
        char separator = options.DecimalSeparator ?? '.';
        if (options.DecimalSeparator is not (null or '.' or ','))
            Errors.Data($"{name}: DataOptions.DecimalSeparator = '{options.DecimalSeparator}' is not supported; use '.' or ','.");
        if (separator == ',' && delimiter == ',')
            Errors.Data($"{name}: ',' cannot be both the decimal separator and the delimiter; files with decimal commas separate fields with ';' or tab (give that delimiter).");
        if (options.DecimalSeparator is null && delimiter == ';' && SniffDecimalComma(buffer.AsSpan(pos, Math.Min(end - pos, DecimalSniffBytes)), delimiter))
        {
            separator = ',';
            decimalSniffed = true;
        }
        if (separator == ',')
        {
            point = (byte)',';
            numberFormat = new NumberFormatInfo { NumberDecimalSeparator = ",", NumberGroupSeparator = "\u00a0" };
        }
    }

    /// <summary>The index of the line break ending the record at pos (outside quotes), end at end of input, or -1 when more input is needed.</summary>
    private int FindRecordEnd()
    {
        bool quoted = false;
        for (int i = pos; i < end; i++)
        {
            byte b = buffer[i];
            if (b == '"') quoted = !quoted;
            else if (!quoted && (b == '\n' || b == '\r')) return i;
        }
        return eof ? end : -1;
    }

    private byte CheckDelimiter(char d)
    {
        if (d is not (',' or ';' or '\t' or '|'))
            Errors.Data($"{name}: DataOptions.Delimiter = '{d}' is not supported; use ',', ';', tab or '|'.");
        return (byte)d;
    }

    private void AssignRoles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            if (header[c].Length == 0)
                Errors.Data($"{name} line {headerLine}: column {c + 1} has no name; give every column a name in the header row.");
            if (!index.TryAdd(header[c], c))
                Errors.Data($"{name} line {headerLine}: the column name \"{header[c]}\" appears twice (columns {index[header[c]] + 1} and {c + 1}); give each column its own name.");
        }
        int Find(string column, string what) => ColumnSelection.One(column, header, what, name);

        roles = new Role[header.Length];
        slots = new int[header.Length];
        var targetNames = options.Targets ?? [];
        for (int t = 0; t < targetNames.Count; t++)
        {
            int c = Find(targetNames[t], "target");
            if (roles[c] != Role.Skip) Errors.Data($"{name}: the target \"{header[c]}\" is named twice.");
            bool isClass = options.TargetKind == TargetKind.Classification || classColumns.Contains(c);
            roles[c] = isClass ? Role.ClassTarget : Role.Target;
            slots[c] = t;
        }
        targetCount = targetNames.Count;
        if (roles.Contains(Role.ClassTarget) && targetCount > 1)
        {
            var classes = Enumerable.Range(0, header.Length).Where(c => roles[c] == Role.ClassTarget).Select(c => $"\"{header[c]}\"");
            Errors.Data($"{name}: {string.Join(", ", classes)} hold{(classes.Count() == 1 ? "s" : "")} class labels, and classification takes exactly one target column, but {targetCount} are named ({string.Join(", ", targetNames)}); name only the class column as the target.");
        }
        if (options.Id is { } id)
        {
            int c = Find(id, "id");
            if (roles[c] != Role.Skip) Errors.Data($"{name}: column \"{id}\" cannot be both the id and a target.");
            roles[c] = Role.Id;
        }
        var excluded = new HashSet<int>();
        foreach (var item in options.Exclude ?? [])
        {
            foreach (int c in ColumnSelection.Find(item, header, "excluded", name))
            {
                if (roles[c] != Role.Skip && !ColumnSelection.IsPattern(item, header))
                    Errors.Data($"{name}: column \"{header[c]}\" is {(roles[c] == Role.Id ? "the id" : "a target")}, so it cannot also be excluded; list each column in one role.");
                if (roles[c] == Role.Skip) excluded.Add(c);
            }
        }
        if (options.Features is { } features)
        {
            foreach (var item in features)
            {
                // A pattern passes over the target, the id and excluded columns; a name in the wrong role is a mistake.
                bool pattern = ColumnSelection.IsPattern(item, header);
                foreach (int c in ColumnSelection.Find(item, header, "feature", name))
                {
                    if (pattern && (roles[c] != Role.Skip || excluded.Contains(c))) continue;
                    if (roles[c] != Role.Skip)
                        Errors.Data($"{name}: column \"{header[c]}\" is named as a feature but is already {(roles[c] == Role.Feature ? "a feature" : roles[c] == Role.Id ? "the id" : "a target")}; list each column in one role.");
                    if (excluded.Contains(c))
                        Errors.Data($"{name}: column \"{header[c]}\" is named as a feature and excluded; list it in one of the two.");
                    roles[c] = Role.Feature;
                    slots[c] = featureCount++;
                }
            }
        }
        else
        {
            for (int c = 0; c < header.Length; c++)
                if (roles[c] == Role.Skip && !excluded.Contains(c)) { roles[c] = Role.Feature; slots[c] = featureCount++; }
        }
        if (featureCount == 0)
            Errors.Data($"{name}: no feature columns are left (the columns are: {string.Join(", ", header)}); a model needs at least one feature.");
    }

    // ---- Rows --------------------------------------------------------------------------------

    private Step ParseRow()
    {
        var b = buffer;
        int p = pos, limit = end;
        if (p >= limit) return eof ? Step.End : Step.NeedMore;
        if (b[p] == '\n' || b[p] == '\r')
        {
            // A blank line (at the end of many files) is no row.
            if (b[p] == '\r' && p + 1 >= limit && !eof) return Step.NeedMore;
            ConsumeLineEnd(ref p);
            pos = p;
            line++;
            return Step.Row;
        }
        if (rows == capacity)
        {
            if (chunked) return Step.Full;
            Grow();
        }

        int quotedLines = 0, last = header.Length - 1;
        ReadOnlySpan<byte> input = b.AsSpan(0, limit);
        for (int c = 0; c <= last; c++)
        {
            var role = roles[c];
            if (role is Role.Feature or Role.Target && SimpleDecimal.TryParse(input, p, point, out double fast, out int stop)
                && (stop < limit ? b[stop] == delimiter || b[stop] == '\n' || b[stop] == '\r' : eof))
            {
                Store(role, c, fast);
                p = stop;
            }
            else
            {
                if (!ScanField(ref p, out var field, ref quotedLines)) return Step.NeedMore;
                if (role is Role.Feature or Role.Target)
                {
                    // Missing cells are looked for only here, off the fast path: a number never reaches this test.
                    bool parsed = double.TryParse(field, NumberStyles.Float, numberFormat, out double v);
                    if (!parsed || !double.IsFinite(v))
                    {
                        if (CsvMissing.IsMarker(field))
                        {
                            Missing.Add(line + quotedLines, header[c], rows, target: role == Role.Target);
                            v = double.NaN;
                        }
                        else if (parsed) NotFinite(c, field, quotedLines);
                        else if (role == Role.Target && options.TargetKind == TargetKind.Auto)
                        {
                            TextTargetColumn = c;
                            return Step.TextTarget;
                        }
                        else NotANumber(c, field, quotedLines);
                    }
                    Store(role, c, v);
                }
                else if (role == Role.ClassTarget)
                {
                    // Class names are text, so "NA" is a class here; only an empty cell is missing.
                    var text = Encoding.UTF8.GetString(field).Trim();
                    int label = CsvMissing.NoLabel;
                    if (text.Length == 0) Missing.Add(line + quotedLines, header[c], rows, target: true);
                    else if (!classIndex.TryGetValue(text, out label))
                        classIndex.Add(text, label = classIndex.Count);
                    labels[firstRow + rows] = label;
                }
                else if (role == Role.Id)
                {
                    ids[firstRow + rows] = Encoding.UTF8.GetString(field);
                }
            }

            if (p >= limit)
            {
                if (c != last) Ragged(c + 1, quotedLines);
                break;
            }
            if (b[p] == delimiter)
            {
                if (c == last) Ragged(CountFields(p, c + 1), quotedLines);
                p++;
                if (p >= limit && !eof) return Step.NeedMore;
            }
            else if (c != last)
            {
                Ragged(c + 1, quotedLines);
            }
        }
        if (p < limit && b[p] == '\r' && p + 1 >= limit && !eof) return Step.NeedMore;
        ConsumeLineEnd(ref p);
        pos = p;
        line += 1 + quotedLines;
        rows++;
        return Step.Row;
    }

    private void Store(Role role, int column, double value)
    {
        // The same conversion as Dataset.Features<T>, so reading straight into floats gives the same bits.
        int row = firstRow + rows;
        if (role == Role.Feature) values[row * featureCount + slots[column]] = T.CreateChecked(value);
        else targets[row * targetCount + slots[column]] = T.CreateChecked(value);
    }

    /// <summary>
    /// Scans one field at <paramref name="p"/>, leaving p on the byte after it (a delimiter, a
    /// line break, or the end of input). False when the input read so far ends inside the field.
    /// </summary>
    private bool ScanField(ref int p, out ReadOnlySpan<byte> field, ref int quotedLines)
    {
        var b = buffer;
        int limit = end;
        if (p < limit && b[p] == '"')
        {
            int open = p, q = p + 1, segment = q, length = 0;
            bool escaped = false;
            while (true)
            {
                int rel = b.AsSpan(q, limit - q).IndexOf((byte)'"');
                if (rel < 0)
                {
                    if (!eof) { field = default; return false; }
                    Errors.Data($"{name} line {line + quotedLines}: a quoted field opened here is never closed; add the closing '\"' (a quote inside a field is written \"\").");
                }
                q += rel;
                if (q + 1 >= limit && !eof) { field = default; return false; }
                if (q + 1 < limit && b[q + 1] == '"')
                {
                    // "" inside quotes is one quote character: gather the pieces in scratch.
                    Append(ref length, b.AsSpan(segment, q + 1 - segment));
                    q += 2;
                    segment = q;
                    escaped = true;
                    continue;
                }
                if (escaped) Append(ref length, b.AsSpan(segment, q - segment));
                field = escaped ? scratch.AsSpan(0, length) : b.AsSpan(open + 1, q - open - 1);
                quotedLines += b.AsSpan(open, q - open).Count((byte)'\n');
                p = q + 1;
                if (p < limit && b[p] != delimiter && b[p] != '\n' && b[p] != '\r')
                    Errors.Data($"{name} line {line + quotedLines}: text after a closing quote; a field is either wholly quoted (\"a,b\") or not quoted, and a quote inside a quoted field is written \"\".");
                return true;
            }
        }
        int start = p;
        int end2 = b.AsSpan(p, limit - p).IndexOfAny(delimiter, (byte)'\n', (byte)'\r');
        if (end2 < 0)
        {
            if (!eof) { field = default; return false; }
            p = limit;
        }
        else p += end2;
        field = b.AsSpan(start, p - start);
        return true;
    }

    private void Append(ref int length, ReadOnlySpan<byte> piece)
    {
        if (length + piece.Length > scratch.Length) Array.Resize(ref scratch, Math.Max(scratch.Length * 2, length + piece.Length));
        piece.CopyTo(scratch.AsSpan(length));
        length += piece.Length;
    }

    private void ConsumeLineEnd(ref int p)
    {
        if (p < end && buffer[p] == '\r')
        {
            p++;
            if (p < end && buffer[p] == '\n') p++;
        }
        else if (p < end && buffer[p] == '\n') p++;
    }

    // ---- Buffer ------------------------------------------------------------------------------

    private void Fill()
    {
        while (end < buffer.Length && !eof)
        {
            int n = source.Read(next, buffer.AsSpan(end, (int)Math.Min(buffer.Length - end, partEnd - next)));
            next += n;
            if (n == 0) eof = true;
            end += n;
        }
    }

    /// <summary>Keeps the unparsed tail, moved to the front, and reads more after it; grows the buffer for a record longer than it.</summary>
    private void Refill()
    {
        if (eof) return;
        if (pos == 0 && end == buffer.Length)
        {
            // NOTE: doubling past 1 GiB overflows int, and Array.Resize then said only "Non-negative number required."
            if (buffer.Length >= maxRecordBytes)
                Errors.Data($"{name} line {line}: the record there is longer than {maxRecordBytes:N0} bytes, the most the reader holds at once. " +
                    "A quote that is never closed makes the rest of the file one field; check the quoting near that line.");
            Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, maxRecordBytes));
        }
        else
        {
            Buffer.BlockCopy(buffer, pos, buffer, 0, end - pos);
            end -= pos;
            bufferStart += pos;
            pos = 0;
        }
        Fill();
    }

    private void Grow()
    {
        // Only when the row count from the line count was too small (files with bare \r line ends),
        // which happens only when the input is read as one part.
        if (!growable) throw new UnreachableException($"{name}: part of the input starting on line {line} has more rows than lines.");
        int newCapacity = (int)Math.Min(Array.MaxLength / Math.Max(1, featureCount), capacity + capacity / 2 + 16);
        if (newCapacity <= capacity) Errors.Data($"{name}: more than {capacity} rows do not fit in memory as one array.");
        capacity = newCapacity;
        storage.Grow(capacity);
        (values, targets, labels, ids) = (storage.Values, storage.Targets, storage.Labels, storage.Ids);
    }

    // ---- Messages ----------------------------------------------------------------------------

    private string At(int column, int quotedLines) => $"{name} line {line + quotedLines}, column \"{header[column]}\"";

    private static string Show(ReadOnlySpan<byte> field)
    {
        var text = Encoding.UTF8.GetString(field);
        return text.Length <= 40 ? text : text[..37] + "...";
    }

    [DoesNotReturn]
    private void NotANumber(int column, ReadOnlySpan<byte> field, int quotedLines)
    {
        var text = Encoding.UTF8.GetString(field);
        string at = At(column, quotedLines);
        if (text.Trim().TrimStart('+', '-').ToLowerInvariant() is "nan" or "inf" or "infinity")
            NotFinite(column, field, quotedLines);
        if (point == '.' && text.Contains(',') && double.TryParse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            Errors.Data($"{at}: \"{Show(field)}\" is not a number (use '.' as the decimal point{(delimiter == ',' ? "" : ", or read a file that writes decimals with ',' with DataOptions.DecimalSeparator = ','")}).");
        if (point == ',' && text.Contains('.') && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            Errors.Data($"{at}: \"{Show(field)}\" is not a number: this file is read with ',' as the decimal separator{(decimalSniffed ? " (sniffed from its first rows)" : "")}; write every decimal with ',' or read it with DataOptions.DecimalSeparator = '.'");
        string fix = roles[column] == Role.Target
            ? "a regression target must be numeric; if the column holds class labels, fit a classifier such as FitSettings.Model = ModelSpec.Parse(\"softmax\")"
            : options.Features is null
                ? $"every column other than the target is a feature by default; make a text column the id (DataOptions.Id = \"{header[column]}\") or leave it out (DataOptions.Exclude = [\"{header[column]}\"]), or choose the features"
                : "features must be numbers";
        Errors.Data($"{at}: \"{Show(field)}\" is not a number ({fix}).");
    }

    [DoesNotReturn]
    private void NotFinite(int column, ReadOnlySpan<byte> field, int quotedLines) =>
        Errors.Data($"{At(column, quotedLines)}: \"{Show(field)}\" is not a finite number; remove the row or fill in a value.");

    [DoesNotReturn]
    private void Ragged(int got, int quotedLines) =>
        Errors.Data($"{name} line {line + quotedLines}: expected {header.Length} fields like the header, got {got} (check the delimiter '{(delimiter == '\t' ? "\\t" : ((char)delimiter).ToString())}' and the quoting on this line).");

    /// <summary>Fields on the rest of the line from <paramref name="p"/> (a delimiter), for the too-many-fields message.</summary>
    private int CountFields(int p, int counted)
    {
        bool quoted = false;
        for (int i = p; i < end; i++)
        {
            byte b = buffer[i];
            if (b == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (b == delimiter) counted++;
            else if (b == '\n' || b == '\r') break;
        }
        return counted;
    }
}

/// <summary>What every <see cref="CsvParser{T}"/> shares: its steps, the column roles, and the pieces that need no parser.</summary>
internal static class CsvParser
{
    /// <summary>The most bytes one array holds: the longest record, and the most input read from a pipe.</summary>
    internal const int MaxArrayBytes = 0x7FFFFFC7; // Array.MaxLength for bytes, which is not a constant

    internal enum Step { Row, NeedMore, End, TextTarget, Full }

    internal enum Role : byte { Skip, Feature, Target, ClassTarget, Id }

    /// <summary>The most frequent of ',', ';' and tab outside quotes in the header row (',' when none appears).</summary>
    internal static byte Sniff(ReadOnlySpan<byte> headerLine)
    {
        int commas = 0, semicolons = 0, tabs = 0;
        bool quoted = false;
        foreach (byte b in headerLine)
        {
            if (b == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (b == ',') commas++;
            else if (b == ';') semicolons++;
            else if (b == '\t') tabs++;
        }
        if (tabs > commas && tabs > semicolons) return (byte)'\t';
        if (semicolons > commas) return (byte)';';
        return (byte)',';
    }

    /// <summary>
    /// Whether a ';'-separated sample of rows writes decimals with ',': some field is
    /// [+-]digits,digits and no field is a number with a '.'. Integers and text vote for neither.
    /// </summary>
    internal static bool SniffDecimalComma(ReadOnlySpan<byte> rows, byte delimiter)
    {
        bool comma = false;
        foreach (var line in rows.Split((byte)'\n'))
        {
            foreach (var range in rows[line].Split(delimiter))
            {
                var field = rows[line][range].Trim(" \t\r\""u8);
                int at = field.IndexOfAny((byte)',', (byte)'.');
                if (at < 0 || !IsNumberAround(field, at)) continue;
                if (field[at] == '.') return false;
                comma = true;
            }
        }
        return comma;
    }

    /// <summary>[+-]digits, the separator at <paramref name="at"/>, then digits, and nothing else.</summary>
    private static bool IsNumberAround(ReadOnlySpan<byte> field, int at)
    {
        var whole = field[..at].TrimStart("+-"u8);
        var fraction = field[(at + 1)..];
        return whole.Length > 0 && fraction.Length > 0 && !whole.ContainsAnyExceptInRange((byte)'0', (byte)'9') && !fraction.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    /// <summary>Numeric order when every label is a number ("2" before "10"), else ordinal order.</summary>
    internal static string[] SortClasses(IEnumerable<string> labels)
    {
        var classes = labels.ToArray();
        var numbers = new double[classes.Length];
        bool numeric = true;
        for (int i = 0; i < classes.Length && numeric; i++)
            numeric = double.TryParse(classes[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]);
        if (numeric) Array.Sort(numbers, classes);
        else Array.Sort(classes, StringComparer.Ordinal);
        return classes;
    }
}
