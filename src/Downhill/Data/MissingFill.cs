namespace Downhill.Data;

/// <summary>
/// How a model meets missing feature cells, as its file stores it
/// (<c>"missing": {"policy": "mean", "fill": {"x1": 3.2}}</c>): under
/// <see cref="MissingValues.Mean"/> or <see cref="MissingValues.Median"/> each feature's value
/// over the training rows, used for training, validation and every later prediction alike.
/// Under <see cref="MissingValues.Drop"/> there is no fill: rows with missing cells were left
/// out of training, and a prediction for such a row is refused rather than made up.
/// </summary>
public sealed record MissingFill
{
    /// <summary>How missing cells were handled when the model was trained; later predictions follow the same rule.</summary>
    public required MissingValues Policy { get; init; }

    /// <summary>Feature name to the value a missing cell takes; null under Drop.</summary>
    public Dictionary<string, double>? Fill { get; init; }

    /// <summary>
    /// Takes each feature's mean or median over the rows of <paramref name="train"/> that have
    /// it (the training part only, so validation rows stay unseen, as for <see cref="Scaler"/>).
    /// </summary>
    public static MissingFill Fit(Dataset train, MissingValues policy)
    {
        if (policy is not (MissingValues.Mean or MissingValues.Median)) return new MissingFill { Policy = policy };
        var fill = new Dictionary<string, double>(StringComparer.Ordinal);
        var column = new List<double>(train.Count);
        for (int j = 0; j < train.FeatureCount; j++)
        {
            column.Clear();
            for (int i = 0; i < train.Count; i++)
                if (train.RawFeature(i, j) is var v && !double.IsNaN(v)) column.Add(v);
            if (column.Count == 0)
                Errors.Data($"{train.Source}: the feature \"{train.FeatureNames[j]}\" is missing in every one of the {train.Count} training rows, so it has no {policy.ToString().ToLowerInvariant()} to fill with; leave the column out (DataOptions.Exclude = [\"{train.FeatureNames[j]}\"]).");
            fill[train.FeatureNames[j]] = policy == MissingValues.Mean ? Mean(column) : Median(column);
        }
        return new MissingFill { Policy = policy, Fill = fill };
    }

    private static double Mean(List<double> values)
    {
        double sum = 0;
        foreach (double v in values) sum += v;
        return sum / values.Count;
    }

    /// <summary>The middle value, or the mean of the two middle values for an even count.</summary>
    private static double Median(List<double> values)
    {
        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
