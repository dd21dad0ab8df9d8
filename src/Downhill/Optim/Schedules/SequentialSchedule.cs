namespace Downhill.Optim;

/// <summary>
/// Runs schedules one after another, switching at the given epochs, as PyTorch's
/// <c>SequentialLR</c>: with milestones [m₁, m₂, …], schedule 0 runs for epochs 0..m₁−1, then
/// schedule 1 restarts from its own epoch 0 at m₁, and so on. Example, 5 epochs of warm-up then
/// 95 of cosine annealing:
/// <code>
/// new SequentialSchedule(opt, [new LinearWarmup(opt, 5, 0.1), new CosineAnnealing(opt, 95)], [5])
/// </code>
/// </summary>
public sealed class SequentialSchedule : LearningRateSchedule
{
    private readonly LearningRateSchedule[] schedules;
    private readonly int[] milestones;

    /// <summary>Runs <paramref name="schedules"/> (all of <paramref name="optimizer"/>) in turn, switching at <paramref name="milestones"/>: one increasing epoch number fewer than there are schedules.</summary>
    public SequentialSchedule(Optimizer optimizer, IReadOnlyList<LearningRateSchedule> schedules, IReadOnlyList<int> milestones)
        : base("SequentialSchedule", optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedules.Count == 0) Errors.Argument($"{Name}: no schedules given; pass at least one.");
        if (milestones.Count != schedules.Count - 1)
            Errors.Argument($"{Name}: {schedules.Count} schedules need {schedules.Count - 1} milestones (the epochs where the next one starts); got {milestones.Count}.");
        for (int i = 0; i < schedules.Count; i++)
            if (!ReferenceEquals(schedules[i].Optimizer, optimizer))
                Errors.Argument($"{Name}: schedule {i} ({schedules[i].Name}) drives another optimizer; all schedules must share this one.");
        for (int i = 0; i < milestones.Count; i++)
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1]))
                Errors.Argument($"{Name}: milestones [{string.Join(", ", milestones)}] are invalid: expected increasing epoch numbers >= 1.");
        this.schedules = [.. schedules];
        this.milestones = [.. milestones];
    }

    /// <summary>The schedules in the order they run.</summary>
    public IReadOnlyList<LearningRateSchedule> Schedules => schedules;
    /// <summary>The epochs at which the next schedule takes over, increasing.</summary>
    public IReadOnlyList<int> Milestones => milestones;

    private protected override double Rate(int epoch)
    {
        int i = 0;
        while (i < milestones.Length && epoch >= milestones[i]) i++;
        return schedules[i].RateAt(i == 0 ? epoch : epoch - milestones[i - 1]);
    }
}
