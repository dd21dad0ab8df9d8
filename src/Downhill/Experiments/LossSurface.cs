using System.Numerics;
using Downhill.Analysis;
using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Training;

namespace Downhill.Experiments;

/// <summary>
/// The error landscape: the loss over a grid of two parameters with the others held fixed
/// (the seeds' RMSE table over m and b), or for many-parameter models along two random,
/// filter-normalized directions around the trained weights (Li et al., 2018, "Visualizing the
/// Loss Landscape of Neural Nets").
/// </summary>
public static class LossSurface
{
    /// <summary>The loss of <paramref name="model"/> on <paramref name="data"/> at every point of the grid of <paramref name="first"/> by <paramref name="second"/>, the other parameters held where they are; the two moved are put back afterwards.</summary>
    public static Surface OverParameters<T>(Model<T> model, TrainingData<T> data, Loss loss, GridAxis first, GridAxis second)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (first.Name == second.Name) Errors.Argument($"GridAxis: both axes name '{first.Name}'; give two different parameters.");
        var (p1, e1) = ParameterElement.ResolveScalar(model, first.Name, "GridAxis");
        var (p2, e2) = ParameterElement.ResolveScalar(model, second.Name, "GridAxis");
        T saved1 = p1.Data[e1], saved2 = p2.Data[e2];
        var values = new double[first.Values.Length, second.Values.Length];
        try
        {
            for (int i = 0; i < first.Values.Length; i++)
                for (int j = 0; j < second.Values.Length; j++)
                {
                    p1.Data[e1] = T.CreateTruncating(first.Values[i]);
                    p2.Data[e2] = T.CreateTruncating(second.Values[j]);
                    values[i, j] = model.LossOn(data, loss);
                }
        }
        finally
        {
            p1.Data[e1] = saved1;
            p2.Data[e2] = saved2;
        }
        return new Surface(first, second, values);
    }

    /// <summary>
    /// Loss at θ + α d1 + β d2 for α, β in [-range, range]: d1, d2 are Gaussian directions with
    /// every filter (the weights into one neuron: a column of a dense weight) rescaled to the norm
    /// of the same filter in θ, and biases left out, so the picture is comparable across networks.
    /// </summary>
    public static Surface RandomDirections<T>(Model<T> model, TrainingData<T> data, Loss loss, int points, double range, int seed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (points < 2) Errors.OutOfRange(nameof(points), points, "at least 2 points per axis");
        if (!(range > 0)) Errors.OutOfRange(nameof(range), range, "a positive range such as 1");
        var rng = new Random(seed);
        var d1 = FilterNormalized(model, rng);
        var d2 = FilterNormalized(model, rng);
        var origin = model.Snapshot();
        var axis = Enumerable.Range(0, points).Select(i => -range + 2 * range * i / (points - 1)).ToArray();
        var values = new double[points, points];
        try
        {
            for (int i = 0; i < points; i++)
                for (int j = 0; j < points; j++)
                {
                    for (int k = 0; k < origin.Length; k++)
                    {
                        var p = model.Parameters[k].Data;
                        for (int e = 0; e < p.Length; e++)
                            p[e] = origin[k][e] + T.CreateTruncating(axis[i] * d1[k][e] + axis[j] * d2[k][e]);
                    }
                    values[i, j] = model.LossOn(data, loss);
                }
        }
        finally { model.Restore(origin); }
        return new Surface(new GridAxis("alpha", axis), new GridAxis("beta", axis), values);
    }

    private static double[][] FilterNormalized<T>(Model<T> model, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var directions = new double[model.Parameters.Count][];
        for (int k = 0; k < model.Parameters.Count; k++)
        {
            var p = model.Parameters[k];
            var d = new double[p.Size];
            directions[k] = d;
            if (p.Rank < 2) continue; // biases (and scalars) stay put: Li et al. leave them out
            int rows = p.Shape[0], cols = p.Size / rows;
            for (int e = 0; e < d.Length; e++) d[e] = Gaussian(rng);
            for (int c = 0; c < cols; c++)
            {
                double wNorm = 0, dNorm = 0;
                for (int r = 0; r < rows; r++)
                {
                    double w = double.CreateTruncating(p.Data[r * cols + c]);
                    wNorm += w * w;
                    dNorm += d[r * cols + c] * d[r * cols + c];
                }
                double scale = dNorm > 0 ? Math.Sqrt(wNorm / dNorm) : 0;
                for (int r = 0; r < rows; r++) d[r * cols + c] *= scale;
            }
        }
        return directions;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
