namespace Downhill.Optim;

/// <summary>Hyper-parameters of <see cref="ReduceOnPlateau"/>, with PyTorch's defaults (mode "min", threshold mode "rel").</summary>
public readonly record struct PlateauOptions
{
    /// <summary>PyTorch's defaults: factor 0.1, patience 10, threshold 1e-4, no cooldown, no minimum rate, eps 1e-8.</summary>
    public PlateauOptions() { }
    /// <summary>The rate is multiplied by this when the metric stalls.</summary>
    public double Factor { get; init; } = 0.1;
    /// <summary>Epochs without improvement that are tolerated before a reduction.</summary>
    public int Patience { get; init; } = 10;
    /// <summary>Relative improvement that counts: the metric must fall below best · (1 − threshold).</summary>
    public double Threshold { get; init; } = 1e-4;
    /// <summary>Epochs to wait after a reduction before counting bad epochs again.</summary>
    public int Cooldown { get; init; }
    /// <summary>The rate never goes below this.</summary>
    public double MinRate { get; init; }
    /// <summary>A reduction smaller than this is skipped.</summary>
    public double Eps { get; init; } = 1e-8;
}

/// <summary>
/// Divides the learning rate when a metric (the validation loss) has stopped falling, as
/// PyTorch's <c>ReduceLROnPlateau</c> in mode "min" with relative threshold. Call
/// <see cref="Step"/> with the metric after each epoch:
/// <code>
/// if metric &lt; best·(1 − threshold): best ← metric, bad ← 0   else bad ← bad + 1
/// if cooling down: cooldown ← cooldown − 1, bad ← 0
/// if bad > patience: lr ← max(lr·factor, minRate) (when that changes lr by more than eps),
///                    cooldown ← Cooldown, bad ← 0
/// </code>
/// </summary>
public sealed class ReduceOnPlateau
{
    /// <summary>Watches a metric for <paramref name="optimizer"/> with PyTorch's defaults.</summary>
    public ReduceOnPlateau(Optimizer optimizer) : this(optimizer, new PlateauOptions()) { }

    /// <summary>Watches a metric for <paramref name="optimizer"/>; the options are checked here and a bad one is named with its value.</summary>
    public ReduceOnPlateau(Optimizer optimizer, PlateauOptions options)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        const string name = "ReduceOnPlateau";
        if (!(options.Factor >= 0 && options.Factor < 1)) Check.Invalid(name, "factor", options.Factor, "0 <= factor < 1");
        Check.AtLeast(name, "patience", options.Patience, 0);
        Check.AtLeast(name, "threshold", options.Threshold, 0);
        Check.AtLeast(name, "cooldown", options.Cooldown, 0);
        Check.AtLeast(name, "minRate", options.MinRate, 0);
        Check.AtLeast(name, "eps", options.Eps, 0);
        Optimizer = optimizer;
        Options = options;
    }

    /// <summary>The optimizer whose rate is lowered.</summary>
    public Optimizer Optimizer { get; }
    /// <summary>The options given at construction.</summary>
    public PlateauOptions Options { get; }

    /// <summary>The lowest metric seen so far (+∞ before the first Step).</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    /// <summary>Epochs since the last improvement (reset by a reduction and during cooldown).</summary>
    public int BadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownLeft { get; private set; }

    /// <summary>Records this epoch's metric; lowers the optimizer's rate if it has stalled. Returns the rate now in force.</summary>
    public double Step(double metric)
    {
        if (double.IsNaN(metric))
            Errors.Argument("ReduceOnPlateau: the metric is NaN; pass a number (did training diverge?).");
        if (metric < Best * (1 - Options.Threshold))
        {
            Best = metric;
            BadEpochs = 0;
        }
        else BadEpochs++;

        if (CooldownLeft > 0)
        {
            CooldownLeft--;
            BadEpochs = 0;
        }
        if (BadEpochs > Options.Patience)
        {
            double old = Optimizer.LearningRate;
            double reduced = Math.Max(old * Options.Factor, Options.MinRate);
            if (old - reduced > Options.Eps) Optimizer.LearningRate = reduced;
            CooldownLeft = Options.Cooldown;
            BadEpochs = 0;
        }
        return Optimizer.LearningRate;
    }

    /// <summary>Puts back the counters saved from <see cref="Best"/>, <see cref="BadEpochs"/> and <see cref="CooldownLeft"/> (resuming from a checkpoint).</summary>
    public void Restore(double best, int badEpochs, int cooldownLeft)
    {
        if (badEpochs < 0 || cooldownLeft < 0)
            Errors.Argument($"ReduceOnPlateau: badEpochs = {badEpochs} and cooldownLeft = {cooldownLeft} must both be >= 0.");
        (Best, BadEpochs, CooldownLeft) = (best, badEpochs, cooldownLeft);
    }
}
