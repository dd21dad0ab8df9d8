namespace Downhill.Plots;

/// <summary>A route through two parameters, e.g. the (m, b) after every step of gradient descent.
/// Points after the first non-finite one are dropped (the run blew up there).</summary>
public sealed record DescentPath(string Label, double[] First, double[] Second)
{
    /// <summary>The loss at the route's last point, when known: shown in the legend next to the lowest grid cell, which it often beats.</summary>
    public double? EndLoss { get; init; }
}
