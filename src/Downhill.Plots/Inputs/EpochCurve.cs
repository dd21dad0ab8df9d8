namespace Downhill.Plots;

/// <summary>One value per epoch: a training or validation loss, or a metric such as accuracy.</summary>
public sealed record EpochCurve(string Label, double[] Epochs, double[] Values);
