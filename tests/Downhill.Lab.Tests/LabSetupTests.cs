using Downhill.Nn;

namespace Downhill.Lab.Tests;

/// <summary>A share link carries the whole setup and nothing a link cannot be trusted with.</summary>
public class LabSetupTests
{
    [Fact]
    public void AShareLinkGivesBackTheSetupItWasMadeFrom()
    {
        var setup = new LabSetup
        {
            Model = "y = a*exp(b*x) + c", Optimizer = "adam", LearningRate = 0.0123, Momentum = 0.9, Batch = BatchMode.Rows,
            BatchSize = 7, Loss = Loss.Huber, Shuffle = true, Seed = 7, Start = new Dictionary<string, double> { ["a"] = 1.5, ["b"] = -0.25 },
        };
        var back = LabSetup.FromQuery(setup.ToQuery(), new LabSetup());
        Assert.Equal(setup with { Start = back.Start }, back);
        Assert.Equal(setup.Start, back.Start);
    }

    [Fact]
    public void ValuesALinkCannotGiveKeepTheFallback()
    {
        var fallback = new LabSetup();
        var back = LabSetup.FromQuery("?lr=abc&batch=Nope&loss=bogus&seed=x&batchsize=-3&start=m%3Dinfinity", fallback);
        Assert.Equal(fallback with { BatchSize = 1 }, back);
    }
}
