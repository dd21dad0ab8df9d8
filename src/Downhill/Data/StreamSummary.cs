namespace Downhill.Data;

/// <summary>
/// What one streaming pass over a <see cref="IChunkSource"/> learns before training: the row
/// count, each column's mean, spread, minimum and maximum (for the <see cref="Scaler"/> and the
/// missing-value fill), and the class names. Memory is a few numbers per column, whatever the rows.
/// </summary>
/// <remarks>
/// Each chunk's mean and sum of squared deviations are computed in two passes over the chunk,
/// as <see cref="Scaler.Fit"/> does over all rows, and chunks are merged by the pairwise update
/// of Chan, Golub and LeVeque (Welford's method for blocks). A file read as one chunk therefore
/// gives the in-memory scaler bit for bit; more chunks agree to rounding (1e-12 relative in the tests).
/// </remarks>
public sealed class StreamSummary
{
    private readonly ColumnStats[] features, targets;
    private readonly HashSet<string> classes = new(StringComparer.Ordinal);

    private StreamSummary(IChunkSource source)
    {
        Source = source;
        features = [.. source.FeatureNames.Select(_ => new ColumnStats())];
        targets = source.TargetIsClass ? [] : [.. source.TargetNames.Select(_ => new ColumnStats())];
    }

    /// <summary>The source summarized.</summary>
    public IChunkSource Source { get; }

    /// <summary>Rows kept (after the missing-value policy).</summary>
    public long Rows { get; private set; }

    /// <summary>Rows the missing-value policy left out.</summary>
    public long DroppedRows { get; private set; }

    /// <summary>Feature cells left missing (NaN) for the fill, under Mean; 0 otherwise.</summary>
    public long MissingFeatureCells { get; private set; }

    /// <summary>The class names in label order (sorted as <see cref="Csv"/> sorts them), or null for regression.</summary>
    public string[]? ClassNames { get; private set; }

    /// <summary>Reads <paramref name="source"/> once, chunk by chunk, and refuses missing cells under <see cref="MissingValues.Error"/> with the whole-file message.</summary>
    public static StreamSummary Of(IChunkSource source, int rowsPerChunk = ChunkSources.DefaultChunkRows)
    {
        while (true)
        {
            try { return Pass(source, rowsPerChunk); }
            // A CSV target that held text: the source now reads it as class labels; count again.
            catch (TargetIsTextException) { }
        }
    }

    private static StreamSummary Pass(IChunkSource source, int rowsPerChunk)
    {
        var summary = new StreamSummary(source);
        long missingCells = 0;
        var places = new List<(long, string)>();
        foreach (var chunk in source.Read(ChunkSources.AllParts(source), rowsPerChunk))
        {
            missingCells += chunk.MissingCells;
            places.AddRange(chunk.MissingPlaces.Take(5 - Math.Min(5, places.Count)));
            summary.Add(chunk);
        }
        if (missingCells > 0 && source.MissingPolicy == MissingValues.Error) CsvMissing.Refuse(source.Name, missingCells, places);
        if (summary.Rows == 0)
            Errors.Data(summary.DroppedRows > 0
                ? $"{source.Name}: every one of its {summary.DroppedRows} rows has a missing cell, so DataOptions.Missing = MissingValues.{source.MissingPolicy} leaves no rows."
                : $"{source.Name} has a header row but no data rows; add at least one row of values below the header.");
        if (source.TargetIsClass)
        {
            summary.ClassNames = CsvParser.SortClasses(summary.classes);
            if (summary.ClassNames.Length < 2)
                Errors.Data($"{source.Name}: the target \"{source.TargetNames[0]}\" has only one class (\"{summary.ClassNames[0]}\"); classification needs at least two classes.");
        }
        if (source.MissingPolicy is MissingValues.Mean or MissingValues.Median)
            for (int j = 0; j < summary.features.Length; j++)
                if (summary.features[j].Count == 0)
                    Errors.Data($"{source.Name}: the feature \"{source.FeatureNames[j]}\" is missing in every one of the {summary.Rows} training rows, so it has no {source.MissingPolicy.ToString().ToLowerInvariant()} to fill with; leave the column out (DataOptions.Exclude = [\"{source.FeatureNames[j]}\"]).");
        return summary;
    }

    private void Add(DataChunk chunk)
    {
        Rows += chunk.Count;
        DroppedRows += chunk.DroppedRows;
        for (int j = 0; j < features.Length; j++) MissingFeatureCells += features[j].Add(chunk.Features, chunk.Count, chunk.FeatureCount, j);
        for (int j = 0; j < targets.Length; j++) targets[j].Add(chunk.Targets!, chunk.Count, chunk.TargetCount, j);
        if (chunk.Labels is { } labels)
            for (int i = 0; i < chunk.Count; i++) classes.Add(chunk.Classes![labels[i]]);
    }

    /// <summary>
    /// The scaler <see cref="Scaler.Fit"/> would fit on all rows (after a mean fill: the fill
    /// adds rows at the mean, so the spread is over every row); <paramref name="scaleTargets"/> also scales regression targets.
    /// </summary>
    public Scaler Scaler(ScalerKind kind, bool scaleTargets)
    {
        var (fo, fs) = Columns(features, kind);
        if (!scaleTargets || targets.Length == 0) return new Scaler(kind, fo, fs);
        var (to, ts) = Columns(targets, kind);
        return new Scaler(kind, fo, fs, to, ts);
    }

    private (double[] Offset, double[] Scale) Columns(ColumnStats[] columns, ScalerKind kind)
    {
        var offset = new double[columns.Length];
        var scale = new double[columns.Length];
        Array.Fill(scale, 1.0);
        if (kind == ScalerKind.None) return (offset, scale);
        for (int j = 0; j < columns.Length; j++)
        {
            var c = columns[j];
            if (kind == ScalerKind.Standard)
            {
                double std = Math.Sqrt(c.SquaredDeviations / Rows);
                (offset[j], scale[j]) = (c.Mean, std > 0 ? std : 1);
            }
            else (offset[j], scale[j]) = (c.Min, c.Max > c.Min ? c.Max - c.Min : 1);
        }
        return (offset, scale);
    }

    /// <summary>Each regression target's sum of squared deviations from its mean over the file (the total of r²), or null for class labels.</summary>
    public double[]? TargetSquaredDeviations() => targets.Length == 0 ? null : [.. targets.Select(t => t.SquaredDeviations)];

    /// <summary>The fill for missing features: each feature's mean over the rows that have it (Mean); no fill under Error and Drop.</summary>
    public MissingFill Fill()
    {
        var policy = Source.MissingPolicy;
        if (policy == MissingValues.Median)
            Errors.Setting("DataOptions.Missing", $"{Source.Name}: a median needs all of a column's values at once, which a streaming read does not hold; use DataOptions.Missing = MissingValues.Mean or Drop, or read the file into memory.");
        if (policy != MissingValues.Mean) return new MissingFill { Policy = policy };
        var fill = new Dictionary<string, double>(StringComparer.Ordinal);
        for (int j = 0; j < features.Length; j++) fill[Source.FeatureNames[j]] = features[j].Mean;
        return new MissingFill { Policy = policy, Fill = fill };
    }

    /// <summary>One column's count, mean, sum of squared deviations from it, minimum and maximum.</summary>
    private sealed class ColumnStats
    {
        public long Count;
        public double Mean, SquaredDeviations;
        public double Min = double.PositiveInfinity, Max = double.NegativeInfinity;

        /// <summary>Merges column <paramref name="j"/> of a chunk's rows; returns the NaN cells it skipped.</summary>
        public long Add(double[] values, int rows, int stride, int j)
        {
            long n = 0, nan = 0;
            double sum = 0;
            for (int i = 0; i < rows; i++)
            {
                double v = values[i * stride + j];
                if (double.IsNaN(v)) { nan++; continue; }
                sum += v;
                n++;
                if (v < Min) Min = v;
                if (v > Max) Max = v;
            }
            if (n == 0) return nan;
            double mean = sum / n, squares = 0;
            for (int i = 0; i < rows; i++)
            {
                double v = values[i * stride + j];
                if (double.IsNaN(v)) continue;
                double d = v - mean;
                squares += d * d;
            }
            if (Count == 0) (Count, Mean, SquaredDeviations) = (n, mean, squares);
            else
            {
                long total = Count + n;
                double delta = mean - Mean;
                Mean += delta * n / total;
                SquaredDeviations += squares + delta * delta * ((double)Count * n / total);
                Count = total;
            }
            return nan;
        }
    }
}
