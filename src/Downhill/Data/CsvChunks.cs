namespace Downhill.Data;

/// <summary>
/// A CSV file as a <see cref="IChunkSource"/>: today's parser (<see cref="CsvParser{T}"/>) run on
/// byte ranges that begin on a line, handing over its rows whenever a chunk is full. The parts
/// are the cuts of one scan of the file (<see cref="CsvScan"/>), which also gives each part's
/// first line number, so messages name the same line as a whole-file read. A file with quoted
/// fields or bare '\r' line ends cannot be cut safely and is one part.
/// </summary>
internal sealed class CsvChunks : IChunkSource
{
    // About this many bytes per part: small enough that shuffling parts mixes an epoch, large
    // enough that each part's seek and header setup are noise.
    internal const int PartBytes = 16 << 20;

    private readonly string path;
    private readonly DataOptions options;
    private readonly HashSet<int> classColumns = [];
    private long[] starts = [], lines = [];
    private CsvParser<double> header = null!;

    public CsvChunks(string fullPath, string name, DataOptions options, int partBytes = PartBytes)
    {
        path = fullPath;
        Name = name;
        this.options = options;
        using var stream = OpenFile();
        var bytes = CsvBytes.Of(stream, name);
        Bytes = bytes.Length;
        var scan = CsvScan.Run(bytes, (int)Math.Clamp(bytes.Length / Math.Max(1, partBytes), 1, 1 << 20), 1);
        ReadHeader(bytes);
        var (s, l) = scan.PartsAfter(header.DataStart, header.DataLine);
        (starts, lines) = ([.. s], [.. l]);
    }

    public string Name { get; }
    public IReadOnlyList<string> FeatureNames { get; private set; } = [];
    public IReadOnlyList<string> TargetNames { get; private set; } = [];
    public string? IdName => options.Id;
    public bool TargetIsClass => header.HasClasses;
    public MissingValues MissingPolicy => options.Missing;
    public long Bytes { get; }
    public int Parts => starts.Length;

    public IEnumerable<DataChunk> Read(IReadOnlyList<int> parts, int rowsPerChunk)
    {
        ChunkSources.CheckRead(this, parts, rowsPerChunk);
        return ReadParts(parts, rowsPerChunk);
    }

    private IEnumerable<DataChunk> ReadParts(IReadOnlyList<int> parts, int rowsPerChunk)
    {
        using var stream = OpenFile();
        var bytes = CsvBytes.Of(stream, Name);
        // Each part's parser takes the header's roles and separators, and reads through the header parser's handle.
        ReadHeader(bytes);
        // The classes in the order this read met them: each part's parser numbers its own, mapped here.
        var classes = new List<string>();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (int k in parts)
        {
            long stop = k + 1 < starts.Length ? starts[k + 1] : bytes.Length;
            var storage = Storage(rowsPerChunk);
            var part = header.Part(starts[k], stop, lines[k], storage, 0, rowsPerChunk, growable: false);
            long line = lines[k];
            var remap = new List<int>();
            while (true)
            {
                int n = part.ParseChunk(storage);
                if (n < 0)
                {
                    // A target column holds text: from now on it is read as class labels, and the reader starts over.
                    classColumns.Add(part.TextTargetColumn);
                    ReadHeader(bytes);
                    throw new TargetIsTextException(header.ColumnNames().Targets[0]);
                }
                if (n == 0) break;
                storage.SetCount(n);
                var missing = part.Missing;
                int dropped = Drop(storage, missing);
                int[]? labels = null;
                string[]? names = null;
                if (storage.Labels.Length > 0)
                {
                    foreach (var (label, local) in part.ClassIndex)
                    {
                        while (remap.Count <= local) remap.Add(-1);
                        if (remap[local] >= 0) continue;
                        if (!classIndex.TryGetValue(label, out int global)) { global = classes.Count; classes.Add(label); classIndex[label] = global; }
                        remap[local] = global;
                    }
                    labels = storage.Labels;
                    for (int i = 0; i < storage.Count; i++) labels[i] = remap[labels[i]];
                    names = [.. classes];
                }
                yield return new DataChunk(storage.Count, header.FeatureCount, storage.Values, header.TargetCount,
                    storage.Targets.Length > 0 ? storage.Targets : null, labels, names, storage.Ids.Length > 0 ? storage.Ids : null, line)
                {
                    MissingCells = missing.Cells,
                    MissingPlaces = missing.Places,
                    DroppedRows = dropped,
                };
                if (n < rowsPerChunk) break;
                line = part.DataLine;
                storage = Storage(rowsPerChunk);
            }
        }
    }

    /// <summary>Leaves out the rows the policy drops (none under Error: the caller refuses the cells).</summary>
    private int Drop(CsvRows<double> rows, CsvMissing missing)
    {
        if (missing.Cells == 0 || options.Missing == MissingValues.Error) return 0;
        var drop = options.Missing == MissingValues.Drop
            ? missing.FeatureRows.Union(missing.TargetRows).Order().ToList()
            : missing.TargetRows;
        rows.Drop(drop);
        return drop.Count;
    }

    private CsvRows<double> Storage(int rows) =>
        new(rows, header.FeatureCount, header.TargetCount, header.HasTargets, header.HasClasses, header.HasIds);

    private void ReadHeader(CsvBytes bytes)
    {
        header = new CsvParser<double>(bytes, Name, options, classColumns);
        header.ReadHeader();
        var (features, targets) = header.ColumnNames();
        (FeatureNames, TargetNames) = (features, targets);
    }

    private FileStream OpenFile() =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
}

/// <summary>
/// A CSV target column read with <see cref="TargetKind.Auto"/> met text part-way through a read
/// of a <see cref="IChunkSource"/>: the source now reads it as class labels, and the rows read so
/// far must be read again. <see cref="StreamSummary.Of"/> does so; a first pass through it leaves later reads free of this.
/// </summary>
public sealed class TargetIsTextException(string column)
    : Exception($"the target \"{column}\" holds text, so it is read as class labels; read the source again.");
