using System.Numerics;
using Downhill.Analysis;
using Downhill.Data;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Experiments;

/// <summary>One training run of a sweep: its loss per epoch, where it was best, and whether it blew up.</summary>
public sealed record SweepRun(double LearningRate, double[] Losses, int BestEpoch, bool Diverged, int? DivergedAtEpoch)
{
    /// <summary>The loss after the last epoch run (NaN when none ran); a diverged run stops early.</summary>
    public double FinalLoss => Losses.Length == 0 ? double.NaN : Losses[^1];
}

/// <summary>The loss after each batch while the learning rate rises geometrically (a range test).</summary>
public sealed record RangeTest(double[] LearningRates, double[] Losses, double Suggested);

/// <summary>
/// The learning-rate lesson as numbers: the same model from the same start trained once per
/// rate (too small crawls, too large overshoots and diverges), and Smith's range test that
/// raises the rate every batch and suggests one where the loss falls fastest.
/// </summary>
public static class LearningRateSweep
{
    /// <summary>Fits <paramref name="settings"/>' model on <paramref name="data"/> once per rate in <paramref name="rates"/> (each positive), every run from the same starting weights, so only the rate differs.</summary>
    public static IReadOnlyList<SweepRun> Run(Dataset data, FitSettings settings, IReadOnlyList<double> rates)
    {
        if (rates.Count == 0) Errors.Argument("LearningRateSweep.Run: give at least one learning rate, e.g. 1e-4,1e-3,1e-2.");
        var runs = new List<SweepRun>();
        foreach (double rate in rates)
            if (!(rate > 0)) Errors.Argument($"LearningRateSweep.Run: learning rate {rate} is invalid: every learning rate must be positive.");
        // One plan (split, scaler, task); every run builds the same start from it and sees the same batches.
        var plan = Fitting.Plan(data, settings);
        foreach (double rate in rates)
        {
            var outcome = Fitting.Fit(plan with { Settings = settings with { OptimizerSettings = settings.OptimizerSettings with { LearningRate = rate } } });
            var r = outcome.Result;
            var losses = r.History.Select(h => h.ValidationLoss ?? h.TrainLoss).ToList();
            if (r.Divergence is { } d) losses.Add(d.Loss);
            int best = 0;
            for (int i = 1; i < losses.Count; i++) if (losses[i] < losses[best]) best = i;
            runs.Add(new SweepRun(rate, losses.ToArray(), best + 1, r.Divergence is not null, r.Divergence?.Epoch));
        }
        return runs;
    }

    /// <summary>
    /// Raises the rate from <paramref name="low"/> to <paramref name="high"/> geometrically over
    /// <paramref name="steps"/> batches (stopping early when the loss passes 4x its best), and
    /// suggests the rate where the smoothed loss falls fastest per unit of log(rate).
    /// </summary>
    public static RangeTest RangeTest(Dataset data, FitSettings settings, double low, double high, int steps)
    {
        if (!(low > 0 && high > low)) Errors.Argument($"LearningRateSweep.RangeTest {low}:{high}: need 0 < low < high, e.g. 1e-6:1:40.");
        if (steps < 3) Errors.Argument($"LearningRateSweep.RangeTest: {steps} steps are too few; use at least 3 (e.g. 1e-6:1:40).");
        var plan = Fitting.Plan(data, settings);
        return plan.Precision == Precision.Float32 ? Range<float>(plan, low, high, steps) : Range<double>(plan, low, high, steps);
    }

    private static RangeTest Range<T>(FitPlan plan, double low, double high, int steps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var settings = plan.Settings;
        var prepared = plan.Build<T>();
        var model = prepared.Model;
        var optimizer = Optimizers.Create(settings.Optimizer, model.Parameters, settings.OptimizerSettings with { LearningRate = low });
        var train = prepared.Train;
        int batch = Math.Min(settings.Training.BatchSize ?? train.Count, train.Count);
        var rng = new Random(settings.Training.Seed);
        var rates = new List<double>();
        var losses = new List<double>();
        double best = double.PositiveInfinity;
        for (int s = 0; s < steps; s++)
        {
            double rate = low * Math.Pow(high / low, s / (double)(steps - 1));
            optimizer.LearningRate = rate;
            var rows = Enumerable.Range(0, batch).Select(_ => rng.Next(train.Count)).ToArray();
            var b = batch == train.Count ? train : train.Rows(rows);
            T loss = optimizer.Step(() =>
            {
                optimizer.ZeroGrad();
                var l = Nn.Losses.Compute(prepared.Loss, model.Forward(b.Features), b.Targets, b.Labels);
                if (T.IsFinite(l.Item())) l.Backward();
                return l.Item();
            });
            double v = double.CreateTruncating(loss);
            rates.Add(rate);
            losses.Add(v);
            if (!double.IsFinite(v) || v > 4 * best) break;
            best = Math.Min(best, v);
        }
        return new RangeTest(rates.ToArray(), losses.ToArray(), Suggest(rates, losses));
    }

    /// <summary>
    /// A tenth of the rate where the smoothed loss is lowest: the steepest-slope rule follows
    /// batch noise at small rates (it picked 1e-4 on a curve that only falls from 0.04), while
    /// the minimum is stable and one tenth of it sits safely on the falling part.
    /// </summary>
    private static double Suggest(List<double> rates, List<double> losses)
    {
        double avg = 0, best = double.PositiveInfinity;
        int bestIndex = 0;
        for (int i = 0; i < losses.Count; i++)
        {
            double v = double.IsFinite(losses[i]) ? losses[i] : double.MaxValue / 4;
            avg = i == 0 ? v : 0.8 * avg + 0.2 * v;
            if (avg < best) { best = avg; bestIndex = i; }
        }
        return rates[bestIndex] / 10;
    }
}
