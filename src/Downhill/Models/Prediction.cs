namespace Downhill.Models;

/// <summary>
/// The prediction for one row, by name: <see cref="Values"/> per target for a regression model
/// (for a formula, its left side), or the <see cref="Class"/> and <see cref="Probabilities"/>
/// per class name for a classifier.
/// </summary>
public sealed record Prediction
{
    /// <summary>Regression: the predicted value of each target, in the data's units; empty for a classifier.</summary>
    public required IReadOnlyDictionary<string, double> Values { get; init; }

    /// <summary>Classifier: the name of the most probable class; null for regression.</summary>
    public string? Class { get; init; }

    /// <summary>Classifier: each class's probability by name (they sum to 1); null for regression.</summary>
    public IReadOnlyDictionary<string, double>? Probabilities { get; init; }
}
