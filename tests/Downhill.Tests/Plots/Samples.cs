using Downhill.Plots;

namespace Downhill.Tests.Plots;

/// <summary>Inputs shared by the picture tests, from the seeds where there is one.</summary>
internal static class Samples
{
    // The seeds' points on y = 2x + 30.
    static readonly double[] Xs = [7, 9, 28, 30, 50, 22, 3, 23, 40];

    public static double Rmse(double m, double b) =>
        Math.Sqrt(Xs.Average(x => Math.Pow(m * x + b - (2 * x + 30), 2)));

    /// <summary>The seeds' spreadsheet grid: rows m = 1..8, columns b = 0, 3, ..., 30.</summary>
    public static LossGrid SeedGrid()
    {
        double[] ms = Enumerable.Range(1, 8).Select(v => (double)v).ToArray();
        double[] bs = Enumerable.Range(0, 11).Select(v => 3.0 * v).ToArray();
        var loss = new double[ms.Length, bs.Length];
        for (int i = 0; i < ms.Length; i++)
            for (int j = 0; j < bs.Length; j++)
                loss[i, j] = Rmse(ms[i], bs[j]);
        return new LossGrid("m", ms, "b", bs, loss);
    }

    public static double Rosenbrock(double x, double y) => Math.Pow(1 - x, 2) + 100 * Math.Pow(y - x * x, 2);

    public static LossGrid RosenbrockGrid() => LossGrid.Sample("x", -2, 2, "y", -1, 3, 60, Rosenbrock);

    /// <summary>Plain gradient descent on Rosenbrock from (-1.5, 2.5).</summary>
    public static DescentPath RosenbrockDescent(string label, double rate, int steps)
    {
        double x = -1.5, y = 2.5;
        var xs = new List<double> { x };
        var ys = new List<double> { y };
        for (int k = 0; k < steps; k++)
        {
            double gx = -2 * (1 - x) - 400 * x * (y - x * x), gy = 200 * (y - x * x);
            x -= rate * gx;
            y -= rate * gy;
            xs.Add(x);
            ys.Add(y);
        }
        return new DescentPath(label, [.. xs], [.. ys]);
    }

    public static double[] Epochs(int count) => Enumerable.Range(1, count).Select(e => (double)e).ToArray();
}
