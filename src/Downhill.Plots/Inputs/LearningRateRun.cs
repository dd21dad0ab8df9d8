namespace Downhill.Plots;

/// <summary>The losses of one run of a learning-rate sweep. A run counts as diverged when
/// <paramref name="Diverged"/> is set or any loss is NaN or infinite.</summary>
public sealed record LearningRateRun(double LearningRate, double[] Epochs, double[] Losses, bool Diverged = false)
{
    /// <summary>A run whose losses belong to epochs 1, 2, ..., n.</summary>
    public static LearningRateRun Numbered(double learningRate, double[] losses, bool diverged = false)
    {
        ArgumentNullException.ThrowIfNull(losses);
        return new LearningRateRun(learningRate, EpochCurve.EpochNumbers(losses.Length), losses, diverged);
    }
}
