namespace Downhill.Optim;

/// <summary>
/// What every optimizer offers whatever its element type: the learning rate that schedules
/// change, one update per <see cref="Step"/>, and its state for checkpoints.
/// </summary>
public abstract class Optimizer
{
    private double learningRate;

    private protected Optimizer(string name, double learningRate)
    {
        Name = name;
        Check.AtLeast(name, "lr", learningRate, 0);
        this.learningRate = learningRate;
    }

    /// <summary>"Adam", "Sgd", ...: how messages and checkpoints name this optimizer.</summary>
    public string Name { get; }

    /// <summary>The step size; schedules set it between epochs.</summary>
    public double LearningRate
    {
        get => learningRate;
        set
        {
            Check.AtLeast(Name, "lr", value, 0);
            learningRate = value;
        }
    }

    /// <summary>How many times <see cref="Step"/> has run.</summary>
    public long StepCount { get; protected set; }

    /// <summary>
    /// Moves every trainable parameter that has a gradient one step downhill. L-BFGS, which
    /// evaluates the loss several times per step, takes <c>Step(closure)</c> instead (every
    /// <see cref="Optimizer{T}"/> accepts that form, so a loop can always use it).
    /// </summary>
    public abstract void Step();

    /// <summary>Clears the gradients of all parameters (before the next backward pass).</summary>
    public abstract void ZeroGrad();

    /// <summary>A copy of everything the next steps depend on, for a checkpoint.</summary>
    public abstract OptimizerState ExportState();

    /// <summary>Restores <see cref="ExportState"/>'s copy so that training continues bit for bit.</summary>
    public abstract void ImportState(OptimizerState state);
}

/// <summary>
/// An optimizer's state as plain arrays: what a checkpoint file stores. Buffer names are the
/// paper's symbols with the parameter's index ("m.0", "v.0", "step.0"); values are stored as
/// double, which holds every float exactly.
/// </summary>
public sealed record OptimizerState(
    string Optimizer, long StepCount, double LearningRate, IReadOnlyDictionary<string, double[]> Buffers);
