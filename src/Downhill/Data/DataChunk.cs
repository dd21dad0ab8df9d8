namespace Downhill.Data;

/// <summary>
/// Some consecutive rows of a data file as a <see cref="IChunkSource"/> reads them: raw feature
/// values (missing ones NaN), regression targets or class labels, and ids, all row-major.
/// A chunk owns its arrays; they may hold room for more rows than <see cref="Count"/>.
/// </summary>
public sealed class DataChunk
{
    internal DataChunk(int count, int featureCount, double[] features, int targetCount, double[]? targets,
        int[]? labels, string[]? classes, string[]? ids, long firstLine)
    {
        Count = count;
        FeatureCount = featureCount;
        Features = features;
        TargetCount = targetCount;
        Targets = targets;
        Labels = labels;
        Classes = classes;
        Ids = ids;
        FirstLine = firstLine;
    }

    /// <summary>Rows in this chunk.</summary>
    public int Count { get; }

    /// <summary>Values per row in <see cref="Features"/>.</summary>
    public int FeatureCount { get; }

    /// <summary>Row-major [Count, FeatureCount] raw values in the file's units; a missing cell is NaN.</summary>
    public double[] Features { get; }

    /// <summary>Regression targets per row (0 for class labels).</summary>
    public int TargetCount { get; }

    /// <summary>Row-major [Count, TargetCount] regression targets, or null when the target holds class labels or there is none.</summary>
    public double[]? Targets { get; }

    /// <summary>Each row's class as an index into <see cref="Classes"/>, or null for regression.</summary>
    public int[]? Labels { get; }

    /// <summary>
    /// The class names <see cref="Labels"/> index, in the order the source first met them (so
    /// not sorted, and growing from chunk to chunk); <see cref="StreamSummary.ClassNames"/> is the sorted list.
    /// </summary>
    public string[]? Classes { get; }

    /// <summary>The id column's text per row, or null without an id column.</summary>
    public string[]? Ids { get; }

    /// <summary>Where the first row stands: its line in a CSV file, its row number (from 1) in a Parquet file.</summary>
    public long FirstLine { get; }

    /// <summary>Missing cells met in this chunk (before the missing-value policy dropped rows) and where the first few are.</summary>
    internal long MissingCells { get; init; }

    internal IReadOnlyList<(long Line, string Column)> MissingPlaces { get; init; } = [];

    /// <summary>Rows the missing-value policy left out of this chunk.</summary>
    internal int DroppedRows { get; init; }

    /// <summary>
    /// The rows as a <see cref="Dataset"/>: class labels as indices into <paramref name="classNames"/>
    /// (the file's sorted classes), missing features NaN and counted, as the CSV reader leaves them.
    /// </summary>
    public Dataset ToDataset(IChunkSource source, string[]? classNames = null)
    {
        var x = Features.AsSpan(0, Count * FeatureCount).ToArray();
        int nan = 0;
        foreach (double v in x) if (double.IsNaN(v)) nan++;
        var missing = new MissingState(source.MissingPolicy, DroppedRows, nan);
        int[]? labels = null;
        if (Labels is not null)
        {
            if (classNames is null)
                Errors.Argument($"{source.Name}: give the file's class names (StreamSummary.ClassNames) to number this chunk's classes.");
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int k = 0; k < classNames.Length; k++) index[classNames[k]] = k;
            labels = new int[Count];
            for (int i = 0; i < Count; i++)
                if (!index.TryGetValue(Classes![Labels[i]], out labels[i]))
                    Errors.Data($"{source.Name}: the class \"{Classes[Labels[i]]}\" of a row from line {FirstLine} on is not one of the {classNames.Length} classes given ({string.Join(", ", classNames.Take(10))}); was the file changed after it was summarized?");
        }
        var targets = Targets is null ? null : Targets.AsSpan(0, Count * TargetCount).ToArray();
        return Dataset.FromParts(source.Name, Count, [.. source.FeatureNames], x, [.. source.TargetNames], targets, labels,
            labels is null ? null : classNames, source.IdName, Ids is null ? null : Ids.AsSpan(0, Count).ToArray(), missing);
    }
}

/// <summary>
/// A data file read in chunks of rows with bounded memory, the way <c>fit --stream</c>,
/// <c>solve --stream</c> and <c>predict</c> read data larger than memory. The file is divided
/// into <see cref="Parts"/> that can be read on their own and in any order (byte ranges of a
/// CSV file that begin on a line, row groups of a Parquet file): a seeded shuffle of parts
/// shuffles an epoch coarsely, and a process can take a subset of the parts as its shard.
/// Column selection, the missing-value policy, delimiters and decimal separators, and the
/// error messages (with line and column) are those of <see cref="Csv.Read(string, DataOptions)"/>.
/// </summary>
public interface IChunkSource
{
    /// <summary>The file, for messages.</summary>
    string Name { get; }

    /// <summary>The feature columns, in the order of their values in a row.</summary>
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The target columns (one for class labels; none when predicting).</summary>
    IReadOnlyList<string> TargetNames { get; }

    /// <summary>The id column, or null.</summary>
    string? IdName { get; }

    /// <summary>Whether the target holds class labels (for CSV with <see cref="TargetKind.Auto"/>: known once a read has met text in it).</summary>
    bool TargetIsClass { get; }

    /// <summary>How the source meets missing cells (<see cref="DataOptions.Missing"/>).</summary>
    MissingValues MissingPolicy { get; }

    /// <summary>The file's size in bytes.</summary>
    long Bytes { get; }

    /// <summary>How many pieces the file is divided into; each can be read on its own.</summary>
    int Parts { get; }

    /// <summary>
    /// Reads the rows of <paramref name="parts"/> (indices below <see cref="Parts"/>, in the order
    /// given) in chunks of at most <paramref name="rowsPerChunk"/> rows. Under
    /// <see cref="MissingValues.Drop"/> a chunk leaves out rows with a missing cell; under Mean and
    /// Median it leaves out rows with a missing target and keeps missing features as NaN.
    /// A CSV target read with <see cref="TargetKind.Auto"/> that turns out to hold text ends the
    /// read with <see cref="TargetIsTextException"/>; <see cref="StreamSummary.Of"/> reads again.
    /// </summary>
    IEnumerable<DataChunk> Read(IReadOnlyList<int> parts, int rowsPerChunk);
}

/// <summary>Opening chunk sources by file type, and the parts of one shard.</summary>
public static class ChunkSources
{
    /// <summary>Rows per chunk when the caller has no reason to choose: about 8 MB of doubles at 16 columns.</summary>
    public const int DefaultChunkRows = 65_536;

    /// <summary>
    /// A chunk source for a CSV or Parquet file, told apart by the extension ".parquet" or the
    /// file's first four bytes "PAR1".
    /// </summary>
    public static IChunkSource Open(string path, DataOptions options = default)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            Errors.Data($"{full} does not exist (check the path; the working directory is {Environment.CurrentDirectory}).");
        return IsParquet(full) ? new ParquetChunks(full, path, options) : new CsvChunks(full, path, options);
    }

    /// <summary>Whether the file is Parquet: its extension is ".parquet", or it starts with the magic bytes "PAR1".</summary>
    public static bool IsParquet(string path)
    {
        if (path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)) return true;
        if (!File.Exists(path)) return false;
        Span<byte> magic = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual("PAR1"u8);
    }

    /// <summary>Refuses a read of parts the source does not have, or of chunks without rows (before any reading, as iterators start late).</summary>
    internal static void CheckRead(IChunkSource source, IReadOnlyList<int> parts, int rowsPerChunk)
    {
        if (rowsPerChunk < 1) Errors.OutOfRange(nameof(rowsPerChunk), rowsPerChunk, "at least 1 row per chunk");
        foreach (int k in parts)
            if (k < 0 || k >= source.Parts) Errors.OutOfRange(nameof(parts), k, $"a part of {source.Name} from 0 to {source.Parts - 1}");
    }

    /// <summary>Every part of <paramref name="source"/> in file order.</summary>
    public static int[] AllParts(IChunkSource source) => [.. Enumerable.Range(0, source.Parts)];

    /// <summary>
    /// The parts shard <paramref name="shard"/> of <paramref name="shards"/> reads: a contiguous
    /// run, the runs of all shards covering every part once and differing in length by at most one.
    /// </summary>
    public static int[] Shard(IChunkSource source, int shard, int shards)
    {
        if (shards < 1) Errors.OutOfRange(nameof(shards), shards, "at least 1 shard");
        if (shard < 0 || shard >= shards) Errors.OutOfRange(nameof(shard), shard, $"a shard from 0 to {shards - 1}");
        if (source.Parts < shards)
            Errors.Data($"{source.Name} has {source.Parts} part{(source.Parts == 1 ? "" : "s")} that can be read on their own, fewer than the {shards} shards asked for; " +
                "use fewer processes, or write the file with more row groups (Parquet) or without quoted fields (CSV, which can then be cut at any line).");
        int from = (int)((long)source.Parts * shard / shards), to = (int)((long)source.Parts * (shard + 1) / shards);
        return [.. Enumerable.Range(from, to - from)];
    }

    /// <summary>
    /// The rows of <paramref name="source"/> read whole into a <see cref="Dataset"/>, as
    /// <see cref="Csv.Read(string, DataOptions)"/> leaves a CSV file: missing features NaN and
    /// counted, classes sorted. For Parquet files wherever a command reads its data into memory.
    /// </summary>
    public static Dataset ReadAll(IChunkSource source)
    {
        var summary = StreamSummary.Of(source);
        var features = new List<double>();
        var targets = new List<double>();
        var labels = new List<int>();
        var ids = new List<string>();
        int dropped = 0;
        foreach (var chunk in source.Read(AllParts(source), DefaultChunkRows))
        {
            var part = chunk.ToDataset(source, summary.ClassNames);
            features.AddRange(chunk.Features.AsSpan(0, chunk.Count * chunk.FeatureCount));
            if (chunk.Targets is { } t) targets.AddRange(t.AsSpan(0, chunk.Count * chunk.TargetCount));
            if (part.Labels is { } l) labels.AddRange(l);
            if (part.Ids is { } i) ids.AddRange(i);
            dropped += chunk.DroppedRows;
        }
        int count = (int)summary.Rows;
        var values = features.ToArray();
        int nan = 0;
        foreach (double v in values) if (double.IsNaN(v)) nan++;
        return Dataset.FromParts(source.Name, count, [.. source.FeatureNames], values, [.. source.TargetNames],
            source.TargetIsClass || source.TargetNames.Count == 0 ? null : [.. targets], source.TargetIsClass ? [.. labels] : null,
            summary.ClassNames, source.IdName, source.IdName is null ? null : [.. ids], new MissingState(source.MissingPolicy, dropped, nan));
    }
}
