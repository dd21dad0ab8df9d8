using Downhill.Optim;

namespace Downhill.Tests.Optim;

/// <summary>Each schedule against rates worked out by hand from its formula (PyTorch's closed forms).</summary>
public class ScheduleTests
{
    private static Sgd<double> Optimizer(double lr) => new([NDArray.Parameter([0.0], 1)], new SgdOptions { LearningRate = lr });

    private static double[] Rates(LearningRateSchedule schedule, int epochs) =>
        [.. Enumerable.Range(0, epochs).Select(schedule.Step)];

    [Fact]
    public void StepDecay_multiplies_by_gamma_every_step_size_epochs()
    {
        var opt = Optimizer(1);
        Assert.Equal([1, 1, 1, 0.5, 0.5, 0.5, 0.25], Rates(new StepDecay(opt, stepSize: 3, gamma: 0.5), 7));
        Assert.Equal(0.25, opt.LearningRate);
    }

    [Fact]
    public void ExponentialDecay_multiplies_by_gamma_every_epoch()
    {
        var schedule = new ExponentialDecay(Optimizer(2), gamma: 0.9);
        Assert.Equal(2, schedule.RateAt(0));
        Assert.Equal(2 * 0.9 * 0.9 * 0.9, schedule.RateAt(3), 1e-15);
    }

    [Fact]
    public void CosineAnnealing_follows_half_a_cosine_down_to_the_minimum()
    {
        var schedule = new CosineAnnealing(Optimizer(1), tMax: 4, minRate: 0.2);
        Assert.Equal(1, schedule.RateAt(0), 1e-15);
        Assert.Equal(0.2 + 0.8 * (1 + Math.Sqrt(0.5)) / 2, schedule.RateAt(1), 1e-15); // cos(π/4) = √½
        Assert.Equal(0.6, schedule.RateAt(2), 1e-15);                                 // cos(π/2) = 0
        Assert.Equal(0.2, schedule.RateAt(4), 1e-15);                                 // cos(π) = −1
    }

    [Fact]
    public void LinearWarmup_ramps_the_factor_then_holds_it()
    {
        // lr = 0.3·(0.1 + 0.9·min(e, 3)/3): 0.03, 0.12, 0.21, 0.3, 0.3
        var rates = Rates(new LinearWarmup(Optimizer(0.3), epochs: 3, startFactor: 0.1), 5);
        double[] expected = [0.03, 0.12, 0.21, 0.3, 0.3];
        for (int e = 0; e < 5; e++) Assert.Equal(expected[e], rates[e], 1e-15);
    }

    [Fact]
    public void SequentialSchedule_restarts_the_next_schedule_at_each_milestone()
    {
        var opt = Optimizer(1);
        var schedule = new SequentialSchedule(opt,
            [new LinearWarmup(opt, epochs: 2, startFactor: 0.5), new CosineAnnealing(opt, tMax: 2)], [2]);
        // warm-up epochs 0, 1: 0.5, 0.75; cosine from its epoch 0 at epoch 2: 1, 0.5, 0
        var rates = Rates(schedule, 5);
        double[] expected = [0.5, 0.75, 1, 0.5, 0];
        for (int e = 0; e < 5; e++) Assert.Equal(expected[e], rates[e], 1e-15);
    }

    [Fact]
    public void SequentialSchedule_needs_one_milestone_between_each_pair()
    {
        var opt = Optimizer(1);
        var e = Assert.Throws<ArgumentException>(() => new SequentialSchedule(opt, [new CosineAnnealing(opt, 2), new CosineAnnealing(opt, 2)], []));
        Assert.Equal("SequentialSchedule: 2 schedules need 1 milestones (the epochs where the next one starts); got 0.", e.Message);
    }

    [Fact]
    public void ReduceOnPlateau_cuts_the_rate_after_patience_bad_epochs_then_cools_down()
    {
        var opt = Optimizer(1);
        var plateau = new ReduceOnPlateau(opt, new PlateauOptions { Factor = 0.5, Patience = 1, Cooldown = 1 });
        // metric:  10   9    9 (bad 1)  9 (bad 2 > 1: cut, cooldown 1)  9 (cooldown: bad reset)  9 (bad 1)  8 (best)  8 (bad 1)  8 (bad 2: cut)
        double[] metrics = [10, 9, 9, 9, 9, 9, 8, 8, 8];
        double[] expected = [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25];
        for (int e = 0; e < metrics.Length; e++)
            Assert.Equal(expected[e], plateau.Step(metrics[e]));
        Assert.Equal(8, plateau.Best);
    }

    [Fact]
    public void ReduceOnPlateau_counts_only_relative_improvements_beyond_the_threshold_and_stops_at_the_minimum_rate()
    {
        var opt = Optimizer(1);
        var plateau = new ReduceOnPlateau(opt, new PlateauOptions { Factor = 0.1, Patience = 0, Threshold = 1e-4, MinRate = 0.05 });
        plateau.Step(9);
        // 8.9995 is not below 9·(1 − 1e-4) = 8.9991: a bad epoch, and with patience 0 a cut to max(0.1, 0.05)
        Assert.Equal(0.1, plateau.Step(8.9995), 1e-15);
        Assert.Equal(9, plateau.Best);
        Assert.Equal(0.05, plateau.Step(9), 1e-15);   // max(0.01, 0.05)
        Assert.Equal(0.05, plateau.Step(9), 1e-15);   // already at the minimum
    }
}
