namespace Downhill.Plots;

/// <summary>One value per epoch: a training or validation loss, or a metric such as accuracy.</summary>
public sealed record EpochCurve(string Label, double[] Epochs, double[] Values)
{
    /// <summary>A curve whose values belong to epochs 1, 2, ..., n.</summary>
    public static EpochCurve Numbered(string label, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new EpochCurve(label, EpochNumbers(values.Length), values);
    }

    internal static double[] EpochNumbers(int count) => Enumerable.Range(1, count).Select(e => (double)e).ToArray();
}
