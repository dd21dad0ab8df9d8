namespace Downhill.Optim;

/// <summary>
/// A learning rate that depends on the epoch only, as a closed form of the optimizer's rate at
/// construction (<see cref="BaseRate"/>). Call <see cref="Step"/> with epoch 0, 1, 2, ... before
/// each epoch; it sets <see cref="Optimizer.LearningRate"/>. Schedules on the same optimizer
/// compose with <see cref="SequentialSchedule"/> (e.g. a warm-up, then cosine annealing).
/// </summary>
public abstract class LearningRateSchedule
{
    private protected LearningRateSchedule(string name, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Name = name;
        Optimizer = optimizer;
        BaseRate = optimizer.LearningRate;
    }

    /// <summary>The schedule's type, e.g. "CosineAnnealing", as messages and checkpoints name it.</summary>
    public string Name { get; }

    /// <summary>The optimizer whose <see cref="Optim.Optimizer.LearningRate"/> this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The optimizer's learning rate when the schedule was made: the rate the schedule scales.</summary>
    public double BaseRate { get; }

    /// <summary>The learning rate for epoch <paramref name="epoch"/> (0 = the first), without changing anything.</summary>
    public double RateAt(int epoch)
    {
        if (epoch < 0) Errors.Argument($"{Name}: epoch = {epoch} is invalid: expected an epoch number >= 0.");
        return Rate(epoch);
    }

    private protected abstract double Rate(int epoch);

    /// <summary>Sets the optimizer's learning rate for epoch <paramref name="epoch"/> and returns it.</summary>
    public double Step(int epoch)
    {
        double rate = RateAt(epoch);
        Optimizer.LearningRate = rate;
        return rate;
    }
}
