namespace Downhill.Plots;

/// <summary>A loss evaluated on a grid of two parameters: <c>Loss[i, j]</c> is the loss at
/// <c>FirstValues[i]</c>, <c>SecondValues[j]</c> (rows = first parameter, columns = second, as in the
/// seeds' spreadsheet). Pictures put the first parameter on the x axis and the second on the y axis.
/// Both value lists must be evenly spaced and increasing.</summary>
public sealed record LossGrid(
    string FirstName, double[] FirstValues,
    string SecondName, double[] SecondValues,
    double[,] Loss)
{
    /// <summary>Samples <paramref name="loss"/> on an evenly spaced <paramref name="steps"/> x
    /// <paramref name="steps"/> grid; handy for drawing a known function such as Rosenbrock.</summary>
    public static LossGrid Sample(
        string firstName, double firstMin, double firstMax,
        string secondName, double secondMin, double secondMax,
        int steps, Func<double, double, double> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (steps < 2)
            Throw.Argument(nameof(steps), $"a loss grid needs at least 2 steps per side, got {steps}");
        double[] first = Spaced(firstMin, firstMax, steps);
        double[] second = Spaced(secondMin, secondMax, steps);
        var values = new double[steps, steps];
        for (int i = 0; i < steps; i++)
            for (int j = 0; j < steps; j++)
                values[i, j] = loss(first[i], second[j]);
        return new LossGrid(firstName, first, secondName, second, values);
    }

    static double[] Spaced(double min, double max, int steps)
    {
        var values = new double[steps];
        for (int k = 0; k < steps; k++)
            values[k] = min + (max - min) * k / (steps - 1);
        return values;
    }
}

/// <summary>A route through two parameters, e.g. the (m, b) after every step of gradient descent.
/// Points after the first non-finite one are dropped (the run blew up there).</summary>
public sealed record DescentPath(string Label, double[] First, double[] Second);

/// <summary>One value per epoch: a training or validation loss, or a metric such as accuracy.</summary>
public sealed record EpochCurve(string Label, double[] Epochs, double[] Values);

/// <summary>The losses of one run of a learning-rate sweep. A run counts as diverged when
/// <paramref name="Diverged"/> is set or any loss is NaN or infinite.</summary>
public sealed record LearningRateRun(double LearningRate, double[] Epochs, double[] Losses, bool Diverged = false);

/// <summary>One measured number of a benchmark: a workload run by a tool (Downhill, PyTorch, ...).</summary>
public sealed record BenchmarkResult(string Workload, string Tool, double Value);

/// <summary>A small grayscale image, row by row (<c>Pixels.Length == Width * Height</c>), with values in
/// 0..1 or 0..255. <paramref name="Actual"/> is the true label when known.</summary>
public sealed record LabelledImage(float[] Pixels, int Width, int Height, string Predicted, string? Actual = null);
