using Downhill.Nn;

namespace Downhill.Training;

/// <summary>How the gradient is obtained each step.</summary>
public enum GradientMode
{
    /// <summary>Reverse-mode autodiff: loss.Backward().</summary>
    Analytic,
    /// <summary>(f(θ + e) - f(θ)) / e for each parameter: the seed spreadsheet's way.</summary>
    Forward,
    /// <summary>(f(θ + e) - f(θ - e)) / 2e: twice the cost, far more accurate.</summary>
    Central,
}

/// <summary>Everything the training loop needs besides the model, data and optimizer. Defaults are the CLI's.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training data (default 10); at least 1.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Rows per update; null means the full batch (one update per epoch). 1 = per-sample updates.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Visit the rows in a new random order each epoch (default true); off gives the file's order, as the seeds' spreadsheet.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seeds the shuffling and the starting weights, so a run repeats bit for bit (default 42).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The loss minimized (default MSE).</summary>
    public Loss Loss { get; init; } = Loss.Mse;

    /// <summary>How each step's gradient is obtained (default: autodiff).</summary>
    public GradientMode Gradient { get; init; } = GradientMode.Analytic;

    /// <summary>The finite-difference step for numerical gradients (the spreadsheet nudges by 0.01).</summary>
    public double Nudge { get; init; } = 0.01;

    /// <summary>Stop after this many epochs without a better validation loss, and restore the best weights.</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Clip the gradient's global L2 norm to this value before each step.</summary>
    public double? ClipNorm { get; init; }

    /// <summary>Clip every gradient element to [-v, v] before each step.</summary>
    public double? ClipValue { get; init; }

    /// <summary>A loss above this many times the first one counts as divergence (as does NaN or infinity).</summary>
    public double DivergenceFactor { get; init; } = 1e12;

    /// <summary>Throws, naming the option and its value, when an option is out of range; the training loop calls it before any work.</summary>
    public void Validate()
    {
        if (Epochs < 1) Errors.OutOfRange("TrainingOptions.Epochs", Epochs, "at least 1 epoch");
        if (BatchSize is < 1) Errors.OutOfRange("TrainingOptions.BatchSize", BatchSize, "null (the full batch) or a batch size of at least 1");
        if (!(Nudge > 0)) Errors.OutOfRange("TrainingOptions.Nudge", Nudge, "a positive step such as 0.01");
        if (EarlyStoppingPatience is < 1) Errors.OutOfRange("TrainingOptions.EarlyStoppingPatience", EarlyStoppingPatience, "a patience of at least 1 epoch");
        if (ClipNorm is not null && !(ClipNorm > 0)) Errors.OutOfRange("TrainingOptions.ClipNorm", ClipNorm, "a positive norm");
        if (ClipValue is not null && !(ClipValue > 0)) Errors.OutOfRange("TrainingOptions.ClipValue", ClipValue, "a positive value");
    }
}
