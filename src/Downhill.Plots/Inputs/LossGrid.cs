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
