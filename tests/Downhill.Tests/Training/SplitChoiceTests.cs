using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>
/// The split-or-whole choice of the fused step (NetworkStep.Split.cs, SplitChoice), driven by a
/// made-up clock: each call to Split(now) starts a step, and the time since the previous call is
/// the previous step's time.
/// </summary>
public class SplitChoiceTests
{
    private const int Period = NetworkStep<float>.SplitChoice.Period, Trials = NetworkStep<float>.SplitChoice.Trials;

    /// <summary>Runs <paramref name="steps"/> steps where a whole step takes <paramref name="whole"/> ticks and a split one <paramref name="split"/>; returns each step's choice.</summary>
    private static bool[] Run(int steps, long whole, long split)
    {
        var choice = new NetworkStep<float>.SplitChoice();
        var choices = new bool[steps];
        long now = 1_000;
        for (int s = 0; s < steps; s++)
        {
            choices[s] = choice.Split(now);
            now += choices[s] ? split : whole;
        }
        return choices;
    }

    [Theory]
    [InlineData(100, 60, true)]
    [InlineData(100, 140, false)]
    public void TriesBothWaysThenKeepsTheFasterUntilTheNextCheck(long whole, long split, bool splitWins)
    {
        var choices = Run(Period + 2 * Trials + 5, whole, split);
        for (int round = 0; round < 2; round++)
        {
            int at = round * Period;
            for (int s = 0; s < Trials; s++) Assert.False(choices[at + s], $"step {at + s} is a whole trial");
            for (int s = Trials; s < 2 * Trials; s++) Assert.True(choices[at + s], $"step {at + s} is a split trial");
        }
        for (int s = 2 * Trials; s < Period; s++) Assert.Equal(splitWins, choices[s]);
        for (int s = Period + 2 * Trials; s < choices.Length; s++) Assert.Equal(splitWins, choices[s]);
    }

    [Fact]
    public void SlowOutliersDoNotDecide()
    {
        // Split steps take 60 ticks except the first two, which take 10,000 (waking the
        // workers): the first is left out and the median of the rest still picks the split,
        // where a total or a mean would pick the whole step (100 ticks).
        var choice = new NetworkStep<float>.SplitChoice();
        long now = 0;
        bool last = false;
        for (int s = 0; s < 2 * Trials + 3; s++)
        {
            last = choice.Split(now);
            now += !last ? 100 : s is Trials or Trials + 1 ? 10_000 : 60;
        }
        Assert.True(last);
    }
}
