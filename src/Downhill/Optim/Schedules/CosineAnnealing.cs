namespace Downhill.Optim;

/// <summary>
/// Lowers the rate along half a cosine from lr₀ to <c>minRate</c> over <c>tMax</c> epochs
/// (Loshchilov and Hutter 2017, "SGDR", without restarts), as the closed form of PyTorch's
/// <c>CosineAnnealingLR</c>:
/// <c>lr(e) = minRate + (lr₀ − minRate) · (1 + cos(π·e / tMax)) / 2</c>.
/// After tMax epochs the cosine climbs again, as in PyTorch.
/// </summary>
public sealed class CosineAnnealing : LearningRateSchedule
{
    /// <summary>Anneals <paramref name="optimizer"/>'s current rate to <paramref name="minRate"/> over <paramref name="tMax"/> epochs (at least 1).</summary>
    public CosineAnnealing(Optimizer optimizer, int tMax, double minRate = 0) : base("CosineAnnealing", optimizer)
    {
        Check.AtLeast(Name, "tMax", tMax, 1);
        Check.AtLeast(Name, "minRate", minRate, 0);
        (TMax, MinRate) = (tMax, minRate);
    }

    /// <summary>Epochs from the starting rate down to <see cref="MinRate"/>: half a cosine period.</summary>
    public int TMax { get; }
    /// <summary>The rate at epoch <see cref="TMax"/>, the bottom of the cosine (default 0).</summary>
    public double MinRate { get; }

    private protected override double Rate(int epoch) =>
        MinRate + (BaseRate - MinRate) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2;
}
