using Downhill.Data;

namespace Downhill.Tests.Models;

/// <summary>Small data sets for tests that fit every model kind and compare its predictions along two paths.</summary>
internal static class SmallSets
{
    public static readonly string[] Features = ["a", "b", "c"];

    /// <summary>
    /// Three features on different scales, so a stored scaler changes every input; rounded to
    /// float32, so a float32 consumer (an ONNX runtime) sees exactly the values Downhill reads.
    /// </summary>
    public static double[] Inputs(int n) =>
        [.. Enumerable.Range(0, n).SelectMany(i => new[] { Math.Sin(i) * 3, i * 0.25 - 2, 100 + 7 * Math.Cos(1.7 * i) }).Select(v => (double)(float)v)];

    /// <summary>24 rows, two targets: y nearly linear in the features, z a product.</summary>
    public static Dataset Regression()
    {
        var x = Inputs(24);
        var y = Enumerable.Range(0, 24).SelectMany(i => new[] { x[3 * i] - 2 * x[3 * i + 1] + 0.01 * x[3 * i + 2], x[3 * i] * x[3 * i + 1] }).ToArray();
        return Dataset.Regression(Features, x, ["y", "z"], y);
    }

    /// <summary>30 rows in <paramref name="classes"/> classes named "class 0", "class 1", ... by the size of |a|.</summary>
    public static Dataset Classification(int classes)
    {
        var x = Inputs(30);
        var labels = Enumerable.Range(0, 30).Select(i => (int)(Math.Abs(x[3 * i]) * classes / 3.0001)).ToArray();
        return Dataset.Classification(Features, x, "kind", labels, [.. Enumerable.Range(0, classes).Select(k => $"class {k}")]);
    }
}
