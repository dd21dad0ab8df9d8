using System.Numerics;

namespace Downhill.Data;

public sealed partial class Dataset
{
    /// <summary>
    /// Copies the features of <paramref name="rows"/> (all rows when null) into a new
    /// [rows, FeatureCount] tensor, scaled by <see cref="Scaler"/> when one is set.
    /// </summary>
    public NDArray<T> Features<T>(int[]? rows = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows is not null) CheckRows(rows);
        if (MissingCells > 0)
            Errors.Data($"{Source}: {MissingCells} feature cell{(MissingCells == 1 ? " is" : "s are")} missing; fill them first with FillMissing(MissingFill.Fit(trainingRows, {MissingPolicy})) (Fitting does this after the validation split).");
        int n = rows?.Length ?? Count, f = FeatureCount;
        var data = new T[n * f];
        if (pixels is not null && Scaler is null)
        {
            // A 256-entry table turns the byte-to-T conversion into a lookup.
            var table = new T[256];
            for (int p = 0; p < 256; p++) table[p] = T.CreateChecked(p / pixelDivisor);
            for (int k = 0; k < n; k++)
            {
                var src = pixels.AsSpan((rows?[k] ?? k) * f, f);
                var dst = data.AsSpan(k * f, f);
                for (int j = 0; j < f; j++) dst[j] = table[src[j]];
            }
        }
        else
        {
            var row = new double[f];
            for (int k = 0; k < n; k++)
            {
                RawRow(rows?[k] ?? k, row);
                Scaler?.TransformFeatures(row);
                var dst = data.AsSpan(k * f, f);
                for (int j = 0; j < f; j++) dst[j] = T.CreateChecked(row[j]);
            }
        }
        return NDArray<T>.Wrap(data, n, f);
    }

    /// <summary>
    /// The targets of <paramref name="rows"/> (all when null) as a new tensor: regression values
    /// [rows, TargetCount] (scaled when the scaler scales targets), or for classification one-hot
    /// rows [rows, ClassNames.Length].
    /// </summary>
    public NDArray<T> Targets<T>(int[]? rows = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows is not null) CheckRows(rows);
        int n = rows?.Length ?? Count;
        if (ClassNames is not null)
        {
            int c = ClassNames.Length;
            var oneHot = new T[n * c];
            for (int k = 0; k < n; k++) oneHot[k * c + Labels![rows?[k] ?? k]] = T.One;
            return NDArray<T>.Wrap(oneHot, n, c);
        }
        int t = TargetCount;
        if (t == 0)
            Errors.Data($"{Source} has no target column; name one (for example Targets = [\"y\"]) to train on it.");
        var data = new T[n * t];
        var row = new double[t];
        for (int k = 0; k < n; k++)
        {
            targets.AsSpan((rows?[k] ?? k) * t, t).CopyTo(row);
            Scaler?.TransformTargets(row);
            for (int j = 0; j < t; j++) data[k * t + j] = T.CreateChecked(row[j]);
        }
        return NDArray<T>.Wrap(data, n, t);
    }

    /// <summary>The class index of each of <paramref name="rows"/> (all when null); classification only.</summary>
    public int[] LabelsOf(int[]? rows = null)
    {
        if (Labels is null)
            Errors.Data($"{Source} has no class labels ({(TargetCount == 0 ? "no target column" : "its target is numeric")}); a text target, or TargetKind.Classification, makes classes.");
        if (rows is null) return (int[])Labels.Clone();
        CheckRows(rows);
        var result = new int[rows.Length];
        for (int k = 0; k < rows.Length; k++) result[k] = Labels[rows[k]];
        return result;
    }
}
