using Spectre.Console;

namespace Downhill.Cli.Commands;

/// <summary>
/// <c>downhill demo</c>: the seeds' example end to end on the built-in <c>line</c> data: the
/// first guess m = 1, b = 1 and its errors, per-sample gradient descent epoch by epoch, and the
/// closed-form least-squares answer beside the learned one.
/// </summary>
internal static class DemoCommand
{
    // Per-sample SGD on raw x in 0..50: the curvature along m is ~2*x^2 (up to ~5000), so steps
    // near 0.001 overshoot (at 0.001 m swings to -8.6 in epoch 1; 0.0012 diverges by epoch 8,
    // measured). At 0.0005 the walk is smooth, and the flat direction (mostly b) needs ~1500
    // epochs to reach b = 29.996 (well under a second): the learning-rate lesson.
    private const double LearningRate = 0.0005;
    private const int Epochs = 1500;

    // Nine-plus-eleven points make each loss cheap: a 101 x 101 grid finds the bottom of the narrow valley within a few hundredths.
    private const int SurfacePoints = 101;

    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = $"Epochs of per-sample descent (default {Epochs}).", DefaultValueFactory = _ => Epochs };
        var lr = new Option<double>("--lr") { Description = $"Learning rate (default {LearningRate}; try 0.0012 to watch it blow up).", DefaultValueFactory = _ => LearningRate };
        var pictures = new Option<string>("--pictures") { Description = "Folder for the pictures demo-surface.png (RMSE over m and b with the descent path) and demo-loss.png (RMSE per epoch).", DefaultValueFactory = _ => "." };
        var noPictures = new Option<bool>("--no-pictures") { Description = "Draw no pictures." };
        var size = Cli.SizeOption();
        var command = new Command("demo", "Walk through the seed example: learn y = 2x + 30 from its points by gradient descent, step by step.") { epochs, lr, pictures, noPictures, size };
        command.SetAction(r =>
        {
            string? folder = r.GetValue(noPictures) ? null : r.GetValue(pictures)!;
            if (folder is not null && !Directory.Exists(folder))
                throw new UsageException($"--pictures {folder}: folder {Path.GetFullPath(folder)} does not exist (create it first, or add --no-pictures).");
            if (folder is not null) Cli.CheckFolderWritable(Path.GetFullPath(folder), $"--pictures {folder}");
            return Run(r.GetValue(epochs), r.GetValue(lr), folder, ImageSize.Parse(r.GetValue(size)!));
        });
        return command;
    }

    private static int Run(int epochs, double learningRate, string? pictures, ImageSize size)
    {
        if (epochs < 1) throw new UsageException($"--epochs {epochs} is invalid; use 1 or more.");
        var data = DataSource.Load("line", new DataOptions { Targets = ["y"] });
        var x = data.Column("x");
        var y = data.Column("y");
        AnsiConsole.MarkupLine("[bold]Downhill demo: learning a line by walking downhill on the error[/]");
        AnsiConsole.WriteLine($"The data: {data.Count} points on y = 2x + 30 (the built-in set 'line'). We pretend not to know m and b in y = m*x + b.");
        AnsiConsole.WriteLine();

        // 1. The first guess and how wrong it is.
        AnsiConsole.MarkupLine("[bold]1. A first guess: m = 1, b = 1.[/] Its predictions and errors:");
        var guess = new Table().AddColumns("x", "y", "guess m*x+b", "error", "squared error");
        double sse = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double p = 1 * x[i] + 1, e = p - y[i];
            sse += e * e;
            guess.AddRow(F(x[i]), F(y[i]), F(p), F(e), F(e * e));
        }
        AnsiConsole.Write(guess);
        double mse = sse / data.Count;
        AnsiConsole.WriteLine($"sum of squared errors {F(sse)}, mean (MSE) {F(mse)}, root (RMSE) {F(Math.Sqrt(mse))}.");
        AnsiConsole.WriteLine();

        // 2. Per-sample gradient descent, as in the spreadsheet: one update per row, in row order.
        AnsiConsole.MarkupLine($"[bold]2. Gradient descent.[/] After every row, step m and b against the gradient of that row's squared error (learning rate {F(learningRate)}).");
        AnsiConsole.WriteLine("The gradient comes from back-propagation through y = m*x + b on Downhill's autodiff tape. RMSE over all points after each epoch:");
        var formula = Formula.Parse("y = m*x + b");
        var model = new FormulaModel(formula, ["x"], ["m", "b"], new Dictionary<string, double> { ["m"] = 1, ["b"] = 1 });
        var train = new TrainingData<double>(NDArray<double>.FromArray(x, data.Count, 1), NDArray<double>.FromArray(y, data.Count, 1), null);
        var optimizer = Optimizers.Create("sgd", model.Parameters, new OptimizerSettings { LearningRate = learningRate });
        var trainer = new Trainer<double>(model, optimizer, new TrainingOptions { Epochs = epochs, BatchSize = 1, Shuffle = false, Loss = Loss.Mse });
        var curve = new Table().AddColumns("epoch", "m", "b", "RMSE");
        var show = new HashSet<int>(Enumerable.Range(1, 5).Concat(Enumerable.Range(1, 20).Select(k => k * Math.Max(1, epochs / 20))).Append(epochs));
        // The pictures follow (m, b) epoch by epoch, as the seed spreadsheet does: per-row steps zigzag far across m.
        var ms = new List<double> { model.Parameter("m").Item() };
        var bs = new List<double> { model.Parameter("b").Item() };
        var rmsePerEpoch = new List<double>();
        var result = trainer.Fit(train, null, new TrainingCallbacks
        {
            EpochEnd = epoch =>
            {
                var rmse = Metrics.Regression(trainer.Predict(train.Features), train.Targets!)["rmse"];
                rmsePerEpoch.Add(rmse);
                ms.Add(model.Parameter("m").Item());
                bs.Add(model.Parameter("b").Item());
                if (!show.Contains(epoch)) return;
                curve.AddRow(epoch.ToString(CultureInfo.InvariantCulture), F(model.Parameter("m").Item()), F(model.Parameter("b").Item()), F(rmse));
            },
        });
        AnsiConsole.Write(curve);
        if (rmsePerEpoch.Count > 0 && rmsePerEpoch[0] > Math.Sqrt(mse))
            AnsiConsole.WriteLine($"After epoch 1 the RMSE ({F(rmsePerEpoch[0])}) is worse than the first guess's ({F(Math.Sqrt(mse))}): each row pulls m toward " +
                "its own best fit, rows with large x pull hardest, so single-row steps overshoot and zigzag before they settle.");
        if (pictures is not null) DrawPictures(pictures, size, model, train, new DescentPath("m, b after each epoch", ms.ToArray(), bs.ToArray()), rmsePerEpoch);
        if (result.Divergence is { } d)
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(d.Describe())}[/]");
            AnsiConsole.WriteLine("Too large a learning rate overshoots the bottom of the bowl on every step, further each time.");
            return ExitCodes.Diverged;
        }
        double m = model.Parameter("m").Item(), b = model.Parameter("b").Item();
        AnsiConsole.WriteLine($"{result.SamplesSeen} updates in {result.Seconds:F2} s. m moved quickly; b crawled, because the error bowl is long and narrow along b:");
        AnsiConsole.WriteLine("a learning rate small enough for the steep direction (m) is slow in the flat one (b).");
        AnsiConsole.WriteLine();

        // 3. The closed form.
        var exact = LinearLeastSquares.Fit(x, 1, y);
        AnsiConsole.MarkupLine("[bold]3. The closed form.[/] Least squares has a formula for the best line; descent reaches it another way:");
        var compare = new Table().AddColumns("", "m", "b").AddRow("gradient descent", F(m), F(b)).AddRow("closed form (least squares)", F(exact.Weights[0]), F(exact.Biases[0]));
        AnsiConsole.Write(compare);
        AnsiConsole.WriteLine("Descent needs no formula, so the same walk fits models that have none: try");
        AnsiConsole.WriteLine("  downhill fit line --model \"y = m*x + b\" --optimizer sgd --lr 0.0005 --batch 1 --no-shuffle --epochs 1500");
        AnsiConsole.WriteLine("  downhill fit fashion-mnist --model mlp:16,16 --activation sigmoid --optimizer sgd --lr 0.5 --epochs 3");
        return ExitCodes.Success;
    }

    /// <summary>The seeds' two pictures: the RMSE landscape over m and b with the route the updates took, and RMSE per epoch.</summary>
    private static void DrawPictures(string folder, ImageSize size, FormulaModel model, TrainingData<double> train, DescentPath path, List<double> rmsePerEpoch)
    {
        string surfacePath = Path.Combine(folder, "demo-surface.png"), lossPath = Path.Combine(folder, "demo-loss.png");
        TrainingPictures.SurfaceWithPath(model, train, Loss.Rmse, path, "m", "b", SurfacePoints).Save(surfacePath, size);
        AnsiConsole.WriteLine($"Picture of the error landscape (RMSE over m and b) with the descent path: {surfacePath}");
        if (rmsePerEpoch.Count == 0) return;
        var epochs = Enumerable.Range(1, rmsePerEpoch.Count).Select(e => (double)e).ToArray();
        var values = rmsePerEpoch.ToArray();
        bool log = values.All(v => v > 0) && values.Max() / values.Min() >= 100;
        Draw.LossCurves(new EpochCurve("RMSE over all points", epochs, values), null,
            new LossCurvesOptions { Title = "RMSE after each epoch", LossName = "RMSE", LogScale = log }).Save(lossPath, size);
        AnsiConsole.WriteLine($"Picture of RMSE per epoch: {lossPath}");
    }

    private static string F(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
