namespace Downhill.Data;

/// <summary>What a target column holds.</summary>
public enum TargetKind
{
    /// <summary>Numbers make a regression target; any text value makes the column class labels.</summary>
    Auto,
    /// <summary>Every target value must be a number.</summary>
    Regression,
    /// <summary>The values are class labels, even when they look like numbers ("0".."9").</summary>
    Classification,
}

/// <summary>
/// What to do with missing cells: empty, or one of the markers NA, N/A, #N/A, NaN, null, None,
/// ?, - (any case). In a column of class labels only an empty cell is missing: there "NA" is a
/// class name like any other.
/// </summary>
public enum MissingValues
{
    /// <summary>Refuse the file, naming how many cells are missing and where the first ones are.</summary>
    Error,
    /// <summary>Leave out every row with a missing feature or target.</summary>
    Drop,
    /// <summary>
    /// Fill a missing feature with its column's mean over the training rows (see <see cref="MissingFill"/>);
    /// a row whose target is missing is left out, since a target is never made up.
    /// </summary>
    Mean,
    /// <summary>As <see cref="Mean"/>, with the column's median.</summary>
    Median,
}

/// <summary>
/// How to read a data file or built-in data set into a <see cref="Dataset"/>.
/// All members are optional; <c>default</c> reads every column of a CSV file as a feature.
/// </summary>
public readonly record struct DataOptions
{
    /// <summary>The CSV field separator: ',', ';', '\t' or '|'. Null sniffs ',', ';' or tab from the header row.</summary>
    public char? Delimiter { get; init; }

    /// <summary>
    /// The target columns, by name (several for multi-output regression). Null: none for CSV
    /// files (every column is a feature, as when predicting), the natural target for built-in sets.
    /// </summary>
    public IReadOnlyList<string>? Targets { get; init; }

    /// <summary>
    /// The feature columns, in this order. Null: every column that is not a target, the id or
    /// excluded. Besides a name, an item may be a glob (<c>px*</c>, <c>x?</c>: every column whose
    /// name fits, in file order) or a range <c>x1..x20</c> (the columns from x1 through x20 as
    /// they stand in the header). A column whose name is the item itself always wins.
    /// </summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>Columns never read, by name, glob or range as in <see cref="Features"/>: text notes, leaks of the target.</summary>
    public IReadOnlyList<string>? Exclude { get; init; }

    /// <summary>A text column carried along to label rows (in predictions), never a feature.</summary>
    public string? Id { get; init; }

    /// <summary>Whether the target is numbers or class labels; see <see cref="TargetKind"/>.</summary>
    public TargetKind TargetKind { get; init; }

    /// <summary>What to do with missing cells; see <see cref="Downhill.Data.MissingValues"/>.</summary>
    public MissingValues Missing { get; init; }

    /// <summary>
    /// The decimal separator: '.' or ','. Null: '.', except that a ';'-separated file whose
    /// decimals in its first rows all use ',' (and none '.') is read with ','.
    /// A ',' needs another delimiter than ','.
    /// </summary>
    public char? DecimalSeparator { get; init; }

    /// <summary>
    /// For image data sets: keep pixels as 0..255 instead of the default 0..1 (pixel / 255).
    /// </summary>
    public bool RawPixels { get; init; }
}
