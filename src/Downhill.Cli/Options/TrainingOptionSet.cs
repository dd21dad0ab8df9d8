namespace Downhill.Cli.Options;

/// <summary>How long and in what steps to train.</summary>
internal sealed class TrainingOptionSet
{
    public readonly Option<int> Epochs = new("--epochs")
    {
        Description = $"Passes over the training data (default: chosen for the data's size: enough for about {FitPlan.AutomaticUpdates:N0} updates, at least 10 and at most 1,000 epochs; 'fit --plan' shows the number).",
        DefaultValueFactory = _ => 10,
    };
    public readonly Option<string> Batch = new("--batch")
    {
        Description = "Rows per update: full (one update per epoch), or N (1 = per-sample updates, as in the seed spreadsheet).",
        DefaultValueFactory = _ => "32",
    };
    public readonly Option<bool> NoShuffle = new("--no-shuffle") { Description = "Keep the rows in file order (shuffling each epoch is on by default)." };
    public readonly Option<int> Seed = new("--seed") { Description = "Seed for initialization, shuffling and splits: the same seed gives the same model.", DefaultValueFactory = _ => 42 };
    public readonly Option<string> Gradient = new Option<string>("--gradient")
    {
        Description = "analytic (back-propagation), forward or central (finite differences: nudge each parameter by --nudge).",
        DefaultValueFactory = _ => "analytic",
    }.OneOf(OptionValues.Of<GradientMode>());
    public readonly Option<double?> Nudge = new("--nudge") { Description = "Finite-difference step for --gradient forward|central (default 0.01 for forward, like the spreadsheet; 1e-6 for central)." };
    public readonly Option<int?> EarlyStopping = new("--early-stopping") { Description = "Stop after PATIENCE epochs without a better validation loss; restore the best weights." };
    public readonly Option<double> Validation = new("--validation") { Description = "Hold out this fraction of rows (seeded) to watch for overfitting, e.g. 0.2.", DefaultValueFactory = _ => 0 };
    public readonly Option<string?> Schedule = new("--schedule") { Description = "Learning-rate schedule: step:SIZE[:GAMMA], exponential:GAMMA, cosine:TMAX[:MIN], warmup:N, joined with + (warmup:5+cosine:45)." };
    public readonly Option<double?> ClipNorm = new("--clip-norm") { Description = "Clip the gradient's global L2 norm to this value." };
    public readonly Option<int?> Threads = new("--threads") { Description = "Threads for matrix products (default: all cores)." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Epochs, Batch, NoShuffle, Seed, Gradient, Nudge, EarlyStopping, Validation, Schedule, ClipNorm, Threads })
            command.Add(o);
    }

    public TrainingOptions Read(ParseResult r)
    {
        string batch = r.GetValue(Batch)!.Trim().ToLowerInvariant();
        int? batchSize = batch == "full" ? null
            : int.TryParse(batch, out int b) && b >= 1 ? b
            : throw new UsageException($"--batch '{batch}' is not 'full' or a whole number >= 1.");
        var mode = OptionValues.Parse<GradientMode>(r.GetValue(Gradient)!);
        if (mode == GradientMode.Analytic && r.GetValue(Nudge) is not null)
            throw new UsageException("--nudge sets the finite-difference step of --gradient forward or central; with analytic gradients it has no effect. Add --gradient forward (or central), or drop --nudge.");
        if (r.GetValue(Threads) is int t)
        {
            if (t < 1) throw new UsageException($"--threads {t} is invalid; use 1 or more.");
            Parallelism.Threads = t;
        }
        double validation = r.GetValue(Validation);
        if (validation is < 0 or >= 1) throw new UsageException($"--validation {validation} is invalid; give a fraction between 0 and 1, e.g. 0.2.");
        return new TrainingOptions
        {
            Epochs = r.GetValue(Epochs),
            BatchSize = batchSize,
            Shuffle = !r.GetValue(NoShuffle),
            Seed = r.GetValue(Seed),
            Gradient = mode,
            Nudge = r.GetValue(Nudge) ?? (mode == GradientMode.Central ? 1e-6 : 0.01),
            EarlyStoppingPatience = r.GetValue(EarlyStopping),
            ClipNorm = r.GetValue(ClipNorm),
        };
    }
}
