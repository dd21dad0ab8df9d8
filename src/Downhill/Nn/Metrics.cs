using System.Numerics;
using Downhill.Data;
using Downhill.Nn;

namespace Downhill.Nn;

/// <summary>Regression and classification metrics from a model's raw outputs.</summary>
public static class Metrics
{
    /// <summary>
    /// Keys: <c>loss</c> is added by callers; here regression gives <c>rmse</c>, <c>mae</c> and
    /// <c>r2</c> (averaged over outputs), classification gives <c>accuracy</c>.
    /// </summary>
    public static Dictionary<string, double> Compute<T>(Loss loss, NDArray<T> output, TrainingData<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (data.Labels is not null)
            return new() { ["accuracy"] = Accuracy(PredictedClasses(loss, output), data.Labels) };
        return Regression(output, data.Targets!);
    }

    /// <summary>"rmse", "mae" and "r2" of <paramref name="output"/> against <paramref name="targets"/> (both [rows, outputs]), averaged over the outputs; R² is 1 for a constant target matched exactly, else 0.</summary>
    public static Dictionary<string, double> Regression<T>(NDArray<T> output, NDArray<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = targets.Shape[0], k = targets.Shape[1];
        double se = 0, ae = 0, r2 = 0;
        for (int j = 0; j < k; j++)
        {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += double.CreateTruncating(targets.Data[i * k + j]);
            mean /= n;
            double ssRes = 0, ssTot = 0;
            for (int i = 0; i < n; i++)
            {
                double y = double.CreateTruncating(targets.Data[i * k + j]);
                double d = double.CreateTruncating(output.Data[i * k + j]) - y;
                ssRes += d * d;
                ae += Math.Abs(d);
                ssTot += (y - mean) * (y - mean);
            }
            se += ssRes;
            // A constant target has no variance to explain: R² is 1 if it is matched exactly, else 0.
            r2 += ssTot > 0 ? 1 - ssRes / ssTot : (ssRes == 0 ? 1 : 0);
        }
        return new()
        {
            ["rmse"] = Math.Sqrt(se / (n * (double)k)),
            ["mae"] = ae / (n * (double)k),
            ["r2"] = r2 / k,
        };
    }

    /// <summary>Class per row: the highest score, or for one logit (binary) whether it is above 0.</summary>
    public static int[] PredictedClasses<T>(Loss loss, NDArray<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = output.Shape[0], c = output.Shape[1];
        var classes = new int[n];
        for (int i = 0; i < n; i++)
        {
            var row = output.Data.Slice(i * c, c);
            classes[i] = c == 1 ? (row[0] > T.Zero ? 1 : 0) : System.Numerics.Tensors.TensorPrimitives.IndexOfMax<T>(row);
        }
        return classes;
    }

    /// <summary>The fraction of rows whose predicted class equals the actual one, between 0 and 1.</summary>
    public static double Accuracy(int[] predicted, int[] actual)
    {
        int right = 0;
        for (int i = 0; i < actual.Length; i++) if (predicted[i] == actual[i]) right++;
        return actual.Length == 0 ? 0 : right / (double)actual.Length;
    }

    /// <summary>counts[actual, predicted].</summary>
    public static int[,] ConfusionMatrix(int[] predicted, int[] actual, int classes)
    {
        var m = new int[classes, classes];
        for (int i = 0; i < actual.Length; i++) m[actual[i], predicted[i]]++;
        return m;
    }

    /// <summary>Per class: precision = TP / predicted as the class, recall = TP / truly the class (0 when undefined).</summary>
    public static (double[] Precision, double[] Recall) PrecisionRecall(int[,] confusion)
    {
        int c = confusion.GetLength(0);
        var precision = new double[c];
        var recall = new double[c];
        for (int k = 0; k < c; k++)
        {
            int tp = confusion[k, k], predicted = 0, actual = 0;
            for (int j = 0; j < c; j++) { predicted += confusion[j, k]; actual += confusion[k, j]; }
            precision[k] = predicted == 0 ? 0 : tp / (double)predicted;
            recall[k] = actual == 0 ? 0 : tp / (double)actual;
        }
        return (precision, recall);
    }
}
