using System.Diagnostics;

namespace Downhill.Data;

/// <summary>
/// Rows of named features with their targets: numbers for regression (<see cref="TargetNames"/>)
/// or class labels for classification (<see cref="Labels"/> indexing <see cref="ClassNames"/>).
/// Features live row-major as <c>double</c>, or, for image sets, as compact bytes converted on
/// demand; <see cref="Features{T}"/> copies the rows a model asks for into a tensor.
/// A dataset is immutable: <see cref="Subset"/>, <see cref="Split"/>, <see cref="WithScaler"/> and
/// <see cref="FillMissing"/> return new ones.
/// </summary>
public sealed partial class Dataset
{
    // Exactly one of values and pixels is set; both are row-major [Count, FeatureCount].
    private readonly double[]? values;
    private readonly byte[]? pixels;
    private readonly double pixelDivisor;
    // Regression only: row-major [Count, TargetCount].
    private readonly double[]? targets;

    private Dataset(string source, int count, string[] featureNames, double[]? values, byte[]? pixels, double pixelDivisor,
        string[] targetNames, double[]? targets, int[]? labels, string[]? classNames, string? idName, string[]? ids, Scaler? scaler,
        MissingState missing = default)
    {
        Debug.Assert((values is null) != (pixels is null));
        Debug.Assert(values is null || values.Length >= count * featureNames.Length);
        Debug.Assert(pixels is null || pixels.Length >= count * featureNames.Length);
        Debug.Assert(labels is null || (classNames is not null && labels.Length == count));
        Source = source;
        Count = count;
        FeatureNames = featureNames;
        this.values = values;
        this.pixels = pixels;
        this.pixelDivisor = pixelDivisor;
        TargetNames = targetNames;
        this.targets = targets;
        Labels = labels;
        ClassNames = classNames;
        IdName = idName;
        Ids = ids;
        Scaler = scaler;
        this.missing = missing;
    }

    private readonly MissingState missing;

    /// <summary>Where the data came from (a path or a built-in name), for messages.</summary>
    public string Source { get; }

    /// <summary>Number of rows (examples).</summary>
    public int Count { get; }

    /// <summary>The input column names, in the order of each row's features.</summary>
    public string[] FeatureNames { get; }

    /// <summary>How many features each row has.</summary>
    public int FeatureCount => FeatureNames.Length;

    /// <summary>The target column names: several for multi-output regression, one for classification, none when unlabelled.</summary>
    public string[] TargetNames { get; }

    /// <summary>How many target columns: 0 unlabelled, 1 for classification or single-output regression.</summary>
    public int TargetCount => TargetNames.Length;

    /// <summary>
    /// The class names in label order, or null for regression. CSV class labels are sorted:
    /// numerically when every label is a number ("2" before "10"), else ordinally, so a training
    /// file and a test file with the same classes agree whatever order the rows come in.
    /// </summary>
    public string[]? ClassNames { get; }

    /// <summary>True when the target is a class (see <see cref="ClassNames"/>), false for numeric targets.</summary>
    public bool IsClassification => ClassNames is not null;

    /// <summary>The class index of each row, or null for regression.</summary>
    public int[]? Labels { get; }

    /// <summary>The name of the id column carried along, or null.</summary>
    public string? IdName { get; }

    /// <summary>The id of each row (the id column's text), or null when there is no id column.</summary>
    public string[]? Ids { get; }

    /// <summary>The scaler applied by <see cref="Features{T}"/> and <see cref="Targets{T}"/>, or null.</summary>
    public Scaler? Scaler { get; }

    /// <summary>How the reader met missing cells (<see cref="DataOptions.Missing"/>); <see cref="MissingValues.Error"/> for in-memory and image sets.</summary>
    public MissingValues MissingPolicy => missing.Policy;

    /// <summary>Rows the reader left out for a missing cell (under Drop) or a missing target (under Mean or Median).</summary>
    public int DroppedRows => missing.DroppedRows;

    /// <summary>
    /// Feature cells that are missing (NaN), kept for <see cref="FillMissing"/> under Mean or
    /// Median. <see cref="Features{T}"/> refuses a dataset that still has some.
    /// </summary>
    public int MissingCells => missing.Cells;

    /// <summary>Whether features are stored as bytes (image sets) rather than doubles.</summary>
    internal bool IsImage => pixels is not null;

    // ---- Building ---------------------------------------------------------------------------

    /// <summary>A regression set from row-major arrays: <paramref name="features"/> [count, featureNames.Length], <paramref name="targets"/> [count, targetNames.Length].</summary>
    public static Dataset Regression(string[] featureNames, double[] features, string[] targetNames, double[] targets, string source = "(in memory)")
    {
        int count = RowCount(featureNames, features, source);
        if (targets.Length != count * targetNames.Length)
            Errors.Data($"{source}: {targets.Length} target values do not fill {count} rows x {targetNames.Length} targets ({count * targetNames.Length} values).");
        CheckNames(featureNames, targetNames, source);
        return new Dataset(source, count, featureNames, features, null, 0, targetNames, targets, null, null, null, null, null);
    }

    /// <summary>A classification set: <paramref name="labels"/>[i] indexes <paramref name="classNames"/>.</summary>
    public static Dataset Classification(string[] featureNames, double[] features, string targetName, int[] labels, string[] classNames, string source = "(in memory)")
    {
        int count = RowCount(featureNames, features, source);
        CheckLabels(labels, count, classNames, source);
        CheckNames(featureNames, [targetName], source);
        return new Dataset(source, count, featureNames, features, null, 0, [targetName], null, labels, classNames, null, null, null);
    }

    internal static Dataset FromParts(string source, int count, string[] featureNames, double[] values, string[] targetNames,
        double[]? targets, int[]? labels, string[]? classNames, string? idName, string[]? ids, MissingState missing) =>
        new(source, count, featureNames, values, null, 0, targetNames, targets, labels, classNames, idName, ids, null, missing);

    /// <summary>An image set: <paramref name="pixels"/> row-major [count, featureNames.Length], each shown as pixel / <paramref name="pixelDivisor"/> (255 for 0..1, 1 for raw values).</summary>
    internal static Dataset FromImages(string source, string[] featureNames, byte[] pixels, double pixelDivisor, int[] labels, string[] classNames)
    {
        Debug.Assert(pixels.Length == labels.Length * featureNames.Length);
        return new Dataset(source, labels.Length, featureNames, null, pixels, pixelDivisor, ["label"], null, labels, classNames, null, null, null);
    }

    private static int RowCount(string[] featureNames, double[] features, string source)
    {
        if (featureNames.Length == 0)
        {
            if (features.Length != 0) Errors.Data($"{source}: {features.Length} feature values but no feature names.");
            Errors.Data($"{source}: no features; a dataset needs at least one feature column.");
        }
        if (features.Length % featureNames.Length != 0)
            Errors.Data($"{source}: {features.Length} feature values do not make whole rows of {featureNames.Length} features.");
        return features.Length / featureNames.Length;
    }

    private static void CheckLabels(int[] labels, int count, string[] classNames, string source)
    {
        if (labels.Length != count)
            Errors.Data($"{source}: {labels.Length} labels for {count} rows; give one label per row.");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classNames.Length)
                Errors.Data($"{source}: row {i} has label {labels[i]}, outside the {classNames.Length} classes 0..{classNames.Length - 1}.");
    }

    private static void CheckNames(string[] featureNames, string[] targetNames, string source)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in featureNames.Concat(targetNames))
            if (!seen.Add(name))
                Errors.Data($"{source}: the column name \"{name}\" appears twice; every feature and target needs its own name.");
    }

    // ---- Reading ----------------------------------------------------------------------------

    /// <summary>
    /// The values of one feature or regression target, in original units (the scaler is not
    /// applied). A class target gives each row's class index. For formula models that read
    /// columns by name. A missing feature cell (see <see cref="MissingCells"/>) is NaN until filled.
    /// </summary>
    public double[] Column(string name)
    {
        int f = Array.IndexOf(FeatureNames, name);
        var result = new double[Count];
        if (f >= 0)
        {
            for (int i = 0; i < Count; i++) result[i] = RawFeature(i, f);
            return result;
        }
        int t = Array.IndexOf(TargetNames, name);
        if (t >= 0)
        {
            if (Labels is not null)
                for (int i = 0; i < Count; i++) result[i] = Labels[i];
            else
                for (int i = 0; i < Count; i++) result[i] = targets![i * TargetCount + t];
            return result;
        }
        if (name == IdName)
            Errors.Data($"{Source}: column \"{name}\" is the id column and holds text; read it from Ids.");
        Errors.Data($"{Source}: no column \"{name}\" (the columns are: {string.Join(", ", FeatureNames.Concat(TargetNames))}).");
        return result;
    }

    /// <summary>True for image data read as bytes (IDX): every value is a byte over a divisor.</summary>
    internal bool HoldsPixels => pixels is not null;

    /// <summary>One feature value in original units.</summary>
    internal double RawFeature(int row, int feature)
    {
        int i = row * FeatureCount + feature;
        return values is not null ? values[i] : pixels![i] / pixelDivisor;
    }

    /// <summary>A regression target value in original units.</summary>
    internal double RawTarget(int row, int target) => targets![row * TargetCount + target];

    /// <summary>Copies one row's features, in original units, into <paramref name="row"/>.</summary>
    internal void RawRow(int index, Span<double> row)
    {
        Debug.Assert(row.Length == FeatureCount);
        int start = index * FeatureCount;
        if (values is not null)
            values.AsSpan(start, FeatureCount).CopyTo(row);
        else
            for (int j = 0; j < row.Length; j++) row[j] = pixels![start + j] / pixelDivisor;
    }

    // ---- Rows -------------------------------------------------------------------------------

    /// <summary>A new dataset of the given rows, in that order (repeats allowed); the scaler carries over.</summary>
    public Dataset Subset(int[] rows)
    {
        CheckRows(rows);
        int f = FeatureCount, t = TargetCount;
        double[]? newValues = values is null ? null : new double[rows.Length * f];
        byte[]? newPixels = pixels is null ? null : new byte[rows.Length * f];
        double[]? newTargets = targets is null ? null : new double[rows.Length * t];
        int[]? newLabels = Labels is null ? null : new int[rows.Length];
        string[]? newIds = Ids is null ? null : new string[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int r = rows[k];
            if (newValues is not null) Array.Copy(values!, r * f, newValues, k * f, f);
            if (newPixels is not null) Array.Copy(pixels!, r * f, newPixels, k * f, f);
            if (newTargets is not null) Array.Copy(targets!, r * t, newTargets, k * t, t);
            if (newLabels is not null) newLabels[k] = Labels![r];
            if (newIds is not null) newIds[k] = Ids![r];
        }
        int missingCells = 0;
        if (MissingCells > 0)
            foreach (double v in newValues!) if (double.IsNaN(v)) missingCells++;
        return new Dataset(Source, rows.Length, FeatureNames, newValues, newPixels, pixelDivisor, TargetNames, newTargets,
            newLabels, ClassNames, IdName, newIds, Scaler, missing with { Cells = missingCells });
    }

    /// <summary>
    /// Holds out <paramref name="validationFraction"/> of the rows (rounded to the nearest row)
    /// chosen by a shuffle seeded with <paramref name="seed"/>: the same seed gives the same split.
    /// Both parts keep the original row order.
    /// </summary>
    public (Dataset Train, Dataset Validation) Split(double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            Errors.OutOfRange(nameof(validationFraction), validationFraction, "a fraction between 0 and 1 (exclusive), such as 0.2");
        int validationCount = (int)Math.Round(validationFraction * Count, MidpointRounding.AwayFromZero);
        if (validationCount == 0 || validationCount == Count)
            Errors.Data($"{Source}: holding out {validationFraction} of {Count} rows leaves {(validationCount == 0 ? "no validation rows" : "no training rows")}; use a fraction that keeps at least one row on each side.");

        var order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new Random(seed).Shuffle(order);
        var validation = order[..validationCount];
        var train = order[validationCount..];
        Array.Sort(validation);
        Array.Sort(train);
        return (Subset(train), Subset(validation));
    }

    /// <summary>The same rows seen through <paramref name="scaler"/> (which must be fitted on these features).</summary>
    public Dataset WithScaler(Scaler? scaler)
    {
        if (scaler is not null)
        {
            if (scaler.FeatureOffset.Length != FeatureCount)
                Errors.Data($"{Source}: the scaler was fitted on {scaler.FeatureOffset.Length} features but this data has {FeatureCount}; fit the scaler on data with the same columns.");
            if (scaler.TargetOffset is not null && (IsClassification || scaler.TargetOffset.Length != TargetCount))
                Errors.Data($"{Source}: the scaler scales {scaler.TargetOffset.Length} regression targets but this data has {(IsClassification ? "a class target" : $"{TargetCount} targets")}.");
        }
        return new Dataset(Source, Count, FeatureNames, values, pixels, pixelDivisor, TargetNames, targets, Labels, ClassNames, IdName, Ids, scaler, missing);
    }

    /// <summary>
    /// The same rows with every missing feature cell set to <paramref name="fill"/>'s value for
    /// its column; this dataset itself when none is missing.
    /// </summary>
    public Dataset FillMissing(MissingFill fill)
    {
        if (MissingCells == 0) return this;
        if (fill.Fill is null)
        {
            int first = Array.FindIndex(values!, double.IsNaN);
            Errors.Data($"{Source}: {MissingCells} feature cell{(MissingCells == 1 ? " is" : "s are")} missing, the first in data row {first / FeatureCount + 1}, column \"{FeatureNames[first % FeatureCount]}\"; " +
                (fill.Policy == MissingValues.Drop ? "the model was fitted leaving such rows out (DataOptions.Missing = MissingValues.Drop), so it has no values to fill them with" : "the model was fitted without fill values") +
                ". Fill the cells in, or fit with DataOptions.Missing = MissingValues.Mean or median to store fill values in the model.");
        }
        var filled = values![..(Count * FeatureCount)];
        for (int i = 0; i < filled.Length; i++)
        {
            if (!double.IsNaN(filled[i])) continue;
            string column = FeatureNames[i % FeatureCount];
            if (!fill.Fill.TryGetValue(column, out filled[i]))
                Errors.Data($"{Source}: a cell of column \"{column}\" is missing and the fill values have none for it (they cover: {string.Join(", ", fill.Fill.Keys)}); fill with values taken from data with the same columns.");
        }
        return new Dataset(Source, Count, FeatureNames, filled, null, 0, TargetNames, targets, Labels, ClassNames, IdName, Ids, Scaler, missing with { Cells = 0 });
    }

    private void CheckRows(int[] rows)
    {
        foreach (int r in rows)
            if ((uint)r >= (uint)Count)
                Errors.OutOfRange(nameof(rows), r, $"row indices in 0..{Count - 1} ({Source} has {Count} rows)");
    }
}

/// <summary>What the reader did about missing cells; carried by a <see cref="Dataset"/> through subsets and splits.</summary>
internal readonly record struct MissingState(MissingValues Policy, int DroppedRows, int Cells);
