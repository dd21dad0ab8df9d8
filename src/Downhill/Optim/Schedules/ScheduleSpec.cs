using System.Globalization;

namespace Downhill.Optim;

/// <summary>
/// Learning-rate schedules written as text, parsed once at the edge:
/// <c>step:SIZE[:GAMMA]</c>, <c>exponential:GAMMA</c>, <c>cosine:TMAX[:MINLR]</c>,
/// <c>warmup:EPOCHS[:STARTFACTOR]</c>, joined with <c>+</c> to run one after another
/// (<c>warmup:5+cosine:45</c>: a warm-up of 5 epochs, then cosine annealing).
/// </summary>
public static class ScheduleSpec
{
    /// <summary>Reads a schedule written as text into a factory that builds it for an optimizer; a mistake names the part, its value and the forms allowed.</summary>
    public static Func<Optimizer, LearningRateSchedule> Parse(string text)
    {
        var parts = text.Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) Errors.Argument($"ScheduleSpec '{text}' is empty; e.g. step:30:0.1, exponential:0.95, cosine:50, warmup:5+cosine:45.");
        var makers = parts.Select(p => One(p, text)).ToArray();
        if (makers.Length == 1) return makers[0].Make;
        return optimizer =>
        {
            var schedules = makers.Select(m => m.Make(optimizer)).ToArray();
            var milestones = new List<int>();
            int at = 0;
            for (int i = 0; i < makers.Length - 1; i++)
            {
                int length = makers[i].Length
                    ?? throw new ArgumentException($"ScheduleSpec '{text}': '{parts[i]}' has no length, so nothing can follow it; only warmup:N and cosine:T can come before another schedule.");
                at += length;
                milestones.Add(at);
            }
            return new SequentialSchedule(optimizer, schedules, milestones);
        };
    }

    private static (Func<Optimizer, LearningRateSchedule> Make, int? Length) One(string part, string whole)
    {
        var f = part.Split(':', StringSplitOptions.TrimEntries);
        string kind = f[0].ToLowerInvariant();
        double Arg(int i, double? fallback)
        {
            if (i < f.Length && double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return v;
            if (i >= f.Length && fallback is double d) return d;
            throw new ArgumentException($"ScheduleSpec '{whole}': '{part}' needs a number in place {i} (forms: step:SIZE[:GAMMA], exponential:GAMMA, cosine:TMAX[:MINLR], warmup:EPOCHS[:STARTFACTOR]).");
        }
        int IntArg(int i) => (int)Arg(i, null) is var n && n == Arg(i, null) && n > 0 ? n
            : throw new ArgumentException($"ScheduleSpec '{whole}': '{f[Math.Min(i, f.Length - 1)]}' in '{part}' must be a positive whole number of epochs.");
        return kind switch
        {
            "step" => (o => new StepDecay(o, IntArg(1), Arg(2, 0.1)), null),
            "exponential" or "exp" => (o => new ExponentialDecay(o, Arg(1, null)), null),
            "cosine" => (o => new CosineAnnealing(o, IntArg(1), Arg(2, 0)), IntArg(1)),
            "warmup" => (o => new LinearWarmup(o, IntArg(1), Arg(2, 1.0 / 3)), IntArg(1)),
            _ => throw new ArgumentException($"ScheduleSpec '{whole}': '{f[0]}' is not a schedule; use step, exponential, cosine or warmup."),
        };
    }
}
