namespace Downhill.Plots;

/// <summary>The losses of one run of a learning-rate sweep. A run counts as diverged when
/// <paramref name="Diverged"/> is set or any loss is NaN or infinite.</summary>
public sealed record LearningRateRun(double LearningRate, double[] Epochs, double[] Losses, bool Diverged = false);
