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

    /// <summary>The feature columns, by name, in this order. Null: every column that is not a target or the id.</summary>
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>A text column carried along to label rows (in predictions), never a feature.</summary>
    public string? Id { get; init; }

    /// <summary>Whether the target is numbers or class labels; see <see cref="TargetKind"/>.</summary>
    public TargetKind TargetKind { get; init; }

    /// <summary>
    /// For image data sets: keep pixels as 0..255 instead of the default 0..1 (pixel / 255).
    /// </summary>
    public bool RawPixels { get; init; }
}
