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
    public CosineAnnealing(Optimizer optimizer, int tMax, double minRate = 0) : base("CosineAnnealing", optimizer)
    {
        Check.AtLeast(Name, "tMax", tMax, 1);
        Check.AtLeast(Name, "minRate", minRate, 0);
        (TMax, MinRate) = (tMax, minRate);
    }

    public int TMax { get; }
    public double MinRate { get; }

    private protected override double Rate(int epoch) =>
        MinRate + (BaseRate - MinRate) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2;
}
