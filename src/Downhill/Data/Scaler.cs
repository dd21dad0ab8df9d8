using System.Text.Json.Serialization;

namespace Downhill.Data;

/// <summary>How <see cref="Scaler"/> maps each column.</summary>
public enum ScalerKind
{
    /// <summary>Leave values as they are.</summary>
    None,
    /// <summary>(x - mean) / standard deviation: mean 0, variance 1 on the training data.</summary>
    Standard,
    /// <summary>(x - min) / (max - min): the training data spans 0..1.</summary>
    MinMax,
}

/// <summary>
/// A per-column affine map x' = (x - offset) / scale, fitted on training data and applied to
/// features (and, optionally, regression targets). A constant column gets scale 1, never 0, so
/// it maps to 0 instead of NaN. The arrays are public so a model file can store them; the
/// constructor takes them back.
/// </summary>
public sealed class Scaler
{
    /// <summary>A scaler from stored offsets and scales (as a model file holds them), one of each per column; every scale must be finite and non-zero.</summary>
    [JsonConstructor]
    public Scaler(ScalerKind kind, double[] featureOffset, double[] featureScale, double[]? targetOffset = null, double[]? targetScale = null)
    {
        if (featureOffset.Length != featureScale.Length)
            Errors.Argument($"Scaler: {featureOffset.Length} feature offsets but {featureScale.Length} scales; give one of each per feature.");
        if ((targetOffset is null) != (targetScale is null) || (targetOffset is not null && targetOffset.Length != targetScale!.Length))
            Errors.Argument("Scaler: target offsets and target scales must both be given, one of each per target, or both left out.");
        foreach (var s in featureScale.Concat(targetScale ?? []))
            if (!(double.IsFinite(s) && s != 0))
                Errors.Argument($"Scaler: scale {s} is invalid; every scale must be a finite non-zero number.");
        Kind = kind;
        FeatureOffset = featureOffset;
        FeatureScale = featureScale;
        TargetOffset = targetOffset;
        TargetScale = targetScale;
    }

    /// <summary>How the offsets and scales were chosen.</summary>
    public ScalerKind Kind { get; }
    /// <summary>Subtracted from each feature column (its mean, or its minimum).</summary>
    public double[] FeatureOffset { get; }
    /// <summary>Divides each feature column after the offset (its standard deviation, or its range); never 0.</summary>
    public double[] FeatureScale { get; }
    /// <summary>Null when targets are left in their own units.</summary>
    public double[]? TargetOffset { get; }
    /// <summary>Divides each target after its offset; null when targets are left in their own units.</summary>
    public double[]? TargetScale { get; }

    /// <summary>
    /// Fits on <paramref name="train"/> (the training part only, so validation data stays unseen).
    /// <paramref name="scaleTargets"/> also scales regression targets.
    /// </summary>
    public static Scaler Fit(Dataset train, ScalerKind kind, bool scaleTargets = false)
    {
        if (train.Count == 0) Errors.Data($"{train.Source}: cannot fit a scaler on 0 rows.");
        if (scaleTargets && train.IsClassification)
            Errors.Data($"{train.Source}: the target \"{train.TargetNames[0]}\" holds class labels, which are not scaled; scale targets only for regression.");
        var (fo, fs) = FitColumns(kind, train.Count, train.FeatureCount, train.RawFeature);
        if (!scaleTargets || train.TargetCount == 0) return new Scaler(kind, fo, fs);
        var (to, ts) = FitColumns(kind, train.Count, train.TargetCount, train.RawTarget);
        return new Scaler(kind, fo, fs, to, ts);
    }

    private static (double[] Offset, double[] Scale) FitColumns(ScalerKind kind, int rows, int columns, Func<int, int, double> value)
    {
        var offset = new double[columns];
        var scale = new double[columns];
        Array.Fill(scale, 1.0);
        if (kind == ScalerKind.None) return (offset, scale);
        for (int j = 0; j < columns; j++)
        {
            if (kind == ScalerKind.Standard)
            {
                // Two passes (mean, then squared deviations) stay accurate where sum-of-squares cancels.
                double sum = 0;
                for (int i = 0; i < rows; i++) sum += value(i, j);
                double mean = sum / rows, squares = 0;
                for (int i = 0; i < rows; i++) { double d = value(i, j) - mean; squares += d * d; }
                double std = Math.Sqrt(squares / rows);
                offset[j] = mean;
                scale[j] = std > 0 ? std : 1;
            }
            else
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity;
                for (int i = 0; i < rows; i++) { double v = value(i, j); min = Math.Min(min, v); max = Math.Max(max, v); }
                offset[j] = min;
                scale[j] = max > min ? max - min : 1;
            }
        }
        return (offset, scale);
    }

    /// <summary>Scales one row of features in place.</summary>
    public void TransformFeatures(Span<double> row) => Apply(row, FeatureOffset, FeatureScale);

    /// <summary>Scales one row of targets in place (unchanged when targets are not scaled).</summary>
    public void TransformTargets(Span<double> row)
    {
        if (TargetOffset is not null) Apply(row, TargetOffset, TargetScale!);
    }

    /// <summary>Maps one row of model outputs back to the targets' original units, in place.</summary>
    public void InverseTargets(Span<double> row)
    {
        if (TargetOffset is null) return;
        CheckLength(row.Length, TargetOffset.Length, "targets");
        for (int j = 0; j < row.Length; j++) row[j] = row[j] * TargetScale![j] + TargetOffset[j];
    }

    /// <summary>Maps one row of scaled features back to original units, in place.</summary>
    public void InverseFeatures(Span<double> row)
    {
        CheckLength(row.Length, FeatureOffset.Length, "features");
        for (int j = 0; j < row.Length; j++) row[j] = row[j] * FeatureScale[j] + FeatureOffset[j];
    }

    /// <summary>
    /// Re-expresses a linear model fitted on scaled data, y' = W x' + b, in original units:
    /// y = W_orig x + b_orig. <paramref name="weights"/> is row-major [outputs, features] and
    /// <paramref name="bias"/> has one entry per output. With x' = (x - o) / s and
    /// y = y' t + u: W_orig[k, j] = W[k, j] t_k / s_j and b_orig[k] = (b[k] - sum_j W[k, j] o_j / s_j) t_k + u_k.
    /// </summary>
    public (double[] Weights, double[] Bias) InverseLinear(ReadOnlySpan<double> weights, ReadOnlySpan<double> bias)
    {
        int features = FeatureOffset.Length, outputs = bias.Length;
        if (weights.Length != outputs * features)
            Errors.Argument($"InverseLinear: {weights.Length} weights do not make {outputs} outputs x {features} features; give weights row-major [outputs, features].");
        if (TargetOffset is not null) CheckLength(outputs, TargetOffset.Length, "outputs");
        var w = new double[weights.Length];
        var b = new double[outputs];
        for (int k = 0; k < outputs; k++)
        {
            double t = TargetScale?[k] ?? 1, u = TargetOffset?[k] ?? 0, shift = 0;
            for (int j = 0; j < features; j++)
            {
                double wj = weights[k * features + j] / FeatureScale[j];
                w[k * features + j] = wj * t;
                shift += wj * FeatureOffset[j];
            }
            b[k] = (bias[k] - shift) * t + u;
        }
        return (w, b);
    }

    private static void Apply(Span<double> row, double[] offset, double[] scale)
    {
        CheckLength(row.Length, offset.Length, "values");
        for (int j = 0; j < row.Length; j++) row[j] = (row[j] - offset[j]) / scale[j];
    }

    private static void CheckLength(int got, int expected, string what)
    {
        if (got != expected)
            Errors.Argument($"Scaler: got {got} {what} but the scaler was fitted on {expected}; use data with the same columns.");
    }
}
