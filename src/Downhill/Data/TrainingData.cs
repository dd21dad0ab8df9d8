using System.Numerics;
using Downhill.Data;

namespace Downhill.Data;

/// <summary>
/// Features and what to learn from them, as tensors: regression targets [rows, outputs] or
/// class labels (one per row).
/// </summary>
public sealed class TrainingData<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Features [rows, features] with either <paramref name="targets"/> [rows, outputs] for regression or <paramref name="labels"/> (one class index per row) for classification, not both.</summary>
    public TrainingData(NDArray<T> features, NDArray<T>? targets, int[]? labels)
    {
        if (features.Rank != 2) Errors.Shape($"TrainingData: features {features.Shape} must be [rows, features].");
        int n = features.Shape[0];
        if ((targets is null) == (labels is null)) Errors.Argument("TrainingData: give either regression targets or class labels.");
        if (targets is not null && (targets.Rank != 2 || targets.Shape[0] != n))
            Errors.Shape($"TrainingData: targets {targets.Shape} must be [{n}, outputs] to match features {features.Shape}.");
        if (labels is not null && labels.Length != n)
            Errors.Shape($"TrainingData: {labels.Length} labels for {n} rows of features.");
        Features = features;
        Targets = targets;
        Labels = labels;
    }

    /// <summary>[rows, features], the model's inputs.</summary>
    public NDArray<T> Features { get; }
    /// <summary>[rows, outputs] regression targets; null for classification.</summary>
    public NDArray<T>? Targets { get; }
    /// <summary>One class index per row; null for regression.</summary>
    public int[]? Labels { get; }
    /// <summary>Rows (examples).</summary>
    public int Count => Features.Shape[0];

    /// <summary>The model-ready tensors of a data set (its scaler applied).</summary>
    public static TrainingData<T> From(Dataset data) =>
        data.IsClassification
            ? new(data.Features<T>(), null, data.Labels!)
            : new(data.Features<T>(), data.Targets<T>(), null);

    /// <summary>The rows named by <paramref name="rows"/>, copied (a mini-batch).</summary>
    public TrainingData<T> Rows(int[] rows)
    {
        var labels = Labels is null ? null : rows.Select(r => Labels[r]).ToArray();
        return new(Features.IndexRows(rows), Targets?.IndexRows(rows), labels);
    }
}
