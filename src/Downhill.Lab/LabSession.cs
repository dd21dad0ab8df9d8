using System.Globalization;
using Downhill.Analysis;
using Downhill.Data;
using Downhill.Experiments;
using Downhill.Formulas;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Lab;

/// <summary>How many rows one update trains on.</summary>
public enum BatchMode
{
    /// <summary>One row per update, as the seed spreadsheet does.</summary>
    PerSample,

    /// <summary><see cref="LabSetup.BatchSize"/> rows per update.</summary>
    Rows,

    /// <summary>Every row in one update.</summary>
    Full,
}

/// <summary>Everything a learner chose on the page; a value, so a shareable link and the CLI command are made from it.</summary>
public sealed record LabSetup
{
    /// <summary>The model: a formula such as <c>y = m*x + b</c>, or linear, logistic, softmax, mlp:H1,H2.</summary>
    public string Model { get; init; } = "y = m*x + b";

    /// <summary>A gradient optimizer's name (<see cref="Optimizers.Names"/>).</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>The learning rate; the seed's line needs about 0.0005 with per-sample steps on raw x.</summary>
    public double LearningRate { get; init; } = 0.0005;

    /// <summary>Momentum for sgd (0 for none).</summary>
    public double Momentum { get; init; }

    /// <summary>How many rows one update trains on.</summary>
    public BatchMode Batch { get; init; } = BatchMode.PerSample;

    /// <summary>Rows per update when <see cref="Batch"/> is <see cref="BatchMode.Rows"/>.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>The loss the optimizer descends.</summary>
    public Loss Loss { get; init; } = Loss.Mse;

    /// <summary>Shuffle the rows every epoch (off: the spreadsheet's row order).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Seeds the shuffle and a network's start weights.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Start values of formula parameters (1 where absent, the seed's m = 1, b = 1).</summary>
    public IReadOnlyDictionary<string, double> Start { get; init; } = new Dictionary<string, double>();

    /// <summary>The library's fit settings for this setup; the lab runs exactly what <c>downhill fit</c> runs for them.</summary>
    public FitSettings ToSettings() => new()
    {
        Model = ModelSpec.Parse(Model),
        Optimizer = Optimizer,
        OptimizerSettings = new OptimizerSettings { LearningRate = LearningRate, Momentum = Momentum > 0 ? Momentum : null },
        Loss = Loss,
        Init = ModelSpec.Parse(Model).Kind == ModelKind.Formula && Start.Count > 0 ? Start : null,
        Training = new TrainingOptions
        {
            // Play and Run epoch extend the run as they go; the session never ends on its own.
            Epochs = LabLimits.MaxEpochs,
            BatchSize = Batch switch { BatchMode.PerSample => 1, BatchMode.Rows => BatchSize, _ => null },
            Shuffle = Shuffle,
            Seed = Seed,
        },
    };

    /// <summary>The <c>downhill fit</c> command that trains this setup for <paramref name="epochs"/> epochs on <paramref name="data"/>.</summary>
    public string ToCommand(string data, int epochs)
    {
        var parts = new List<string> { "downhill fit", Quote(data), "--model", Quote(Model), "--optimizer", Optimizer, "--lr", F(LearningRate) };
        if (Momentum > 0) parts.AddRange(["--momentum", F(Momentum)]);
        parts.AddRange(["--loss", Loss.Name(), "--epochs", epochs.ToString(CultureInfo.InvariantCulture)]);
        if (Batch != BatchMode.Full) parts.AddRange(["--batch", (Batch == BatchMode.PerSample ? 1 : BatchSize).ToString(CultureInfo.InvariantCulture)]);
        if (!Shuffle) parts.Add("--no-shuffle");
        parts.AddRange(["--seed", Seed.ToString(CultureInfo.InvariantCulture)]);
        if (Start.Count > 0) parts.AddRange(["--init", string.Join(",", Start.Select(p => $"{p.Key}={F(p.Value)}"))]);
        return string.Join(" ", parts);
    }

    /// <summary>The setup as a URL query (<c>?model=...&amp;lr=...</c>): a link that restores it (<see cref="FromQuery"/>).</summary>
    public string ToQuery()
    {
        var pairs = new List<(string, string)>
        {
            ("model", Model), ("optimizer", Optimizer), ("lr", F(LearningRate)), ("momentum", F(Momentum)),
            ("batch", Batch.ToString()), ("batchsize", BatchSize.ToString(CultureInfo.InvariantCulture)), ("loss", Loss.Name()),
            ("shuffle", Shuffle ? "1" : "0"), ("seed", Seed.ToString(CultureInfo.InvariantCulture)),
        };
        if (Start.Count > 0) pairs.Add(("start", string.Join(",", Start.Select(p => $"{p.Key}={F(p.Value)}"))));
        return "?" + string.Join("&", pairs.Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2)}"));
    }

    /// <summary>
    /// The setup a link describes (<see cref="ToQuery"/>); what a link leaves out, or gives in a
    /// form that cannot be read, keeps the value of <paramref name="fallback"/>.
    /// </summary>
    public static LabSetup FromQuery(string query, LabSetup fallback)
    {
        var values = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Uri.UnescapeDataString(g.Last()[1].Replace('+', ' ')), StringComparer.Ordinal);
        string? Get(string key) => values.GetValueOrDefault(key);
        double Number(string key, double d) => double.TryParse(Get(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : d;
        int Whole(string key, int d) => int.TryParse(Get(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : d;
        var start = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var pair in (Get("start") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            if (pair.Split('=', 2) is [var name, var value] && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
                start[name.Trim()] = v;
        return fallback with
        {
            Model = Get("model") ?? fallback.Model,
            Optimizer = Get("optimizer") ?? fallback.Optimizer,
            LearningRate = Number("lr", fallback.LearningRate),
            Momentum = Number("momentum", fallback.Momentum),
            Batch = Enum.TryParse<BatchMode>(Get("batch"), out var batch) ? batch : fallback.Batch,
            BatchSize = Math.Max(1, Whole("batchsize", fallback.BatchSize)),
            Loss = Get("loss") is { } loss && TryLoss(loss) is { } l ? l : fallback.Loss,
            Shuffle = Get("shuffle") is { } shuffle ? shuffle == "1" : fallback.Shuffle,
            Seed = Whole("seed", fallback.Seed),
            Start = start.Count > 0 ? start : fallback.Start,
        };

        static Loss? TryLoss(string text)
        {
            try { return Losses.Parse(text); }
            catch (ArgumentException) { return null; }
        }
    }

    private static string Quote(string s) => s.All(c => char.IsLetterOrDigit(c) || "-_.:".Contains(c)) ? s : $"\"{s}\"";

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The bounds that keep one browser tab from taking the machine.</summary>
public static class LabLimits
{
    /// <summary>Rows a data set may have in the lab.</summary>
    public const int MaxRows = 5_000;

    /// <summary>Bytes an uploaded CSV may have.</summary>
    public const long MaxUploadBytes = 1_000_000;

    /// <summary>Parameters a model may have in the lab.</summary>
    public const int MaxParameters = 10_000;

    /// <summary>The epochs a session may run before it must be reset.</summary>
    public const int MaxEpochs = 100_000;

    /// <summary>Epochs one Run-epoch click may ask for.</summary>
    public const int MaxEpochsPerClick = 1_000;

    /// <summary>Updates one Run-epoch click may take, whatever the data and batch: one tab cannot hold a core for minutes.</summary>
    public const int MaxUpdatesPerClick = 200_000;

    /// <summary>Rows up to which the per-sample table is kept (a row per update).</summary>
    public const int MaxTableRows = 200;

    /// <summary>Points kept on the landscape path; older ones are thinned out beyond it.</summary>
    public const int MaxPathPoints = 20_000;
}

/// <summary>One row of the seed spreadsheet: an update, the row it trained on and what it did to the parameters.</summary>
/// <param name="Row">The training row (0-based).</param>
/// <param name="Inputs">The row's features by name.</param>
/// <param name="Target">The row's target.</param>
/// <param name="Before">Every scalar parameter before the update.</param>
/// <param name="Prediction">The model's output on the row before the update.</param>
/// <param name="Loss">The row's loss before the update (its squared error under mse).</param>
/// <param name="Gradient">The gradient of that loss by each parameter.</param>
/// <param name="After">Every scalar parameter after the update.</param>
public sealed record SampleUpdate(int Row, IReadOnlyDictionary<string, double> Inputs, double Target,
    IReadOnlyDictionary<string, double> Before, double Prediction, double Loss,
    IReadOnlyDictionary<string, double> Gradient, IReadOnlyDictionary<string, double> After);

/// <summary>A row where a hand-derived derivative disagrees with the library's gradient.</summary>
/// <param name="Row">The training row (0-based).</param>
/// <param name="Yours">The learner's derivative on the row.</param>
/// <param name="True">The library's gradient of the row's loss.</param>
public sealed record CalculusRow(int Row, double Yours, double True);

/// <summary>The outcome of "check your calculus": the rows where the derivative is wrong, or why it could not be checked.</summary>
/// <param name="Parameter">The parameter the derivative is by.</param>
/// <param name="Rows">How many rows were checked.</param>
/// <param name="Wrong">The rows where it disagrees.</param>
/// <param name="Error">Why it could not be checked (a parse error with its caret, an unknown name), or null.</param>
public sealed record CalculusCheck(string Parameter, int Rows, IReadOnlyList<CalculusRow> Wrong, string? Error)
{
    /// <summary>True when the derivative was checked and agrees on every row.</summary>
    public bool Right => Error is null && Wrong.Count == 0;
}

/// <summary>
/// One browser tab's lab: the data, the setup and the library's <see cref="FitSession"/> it
/// drives. Holds no maths of its own: every number it shows comes from the library.
/// </summary>
public sealed class LabSession
{
    private readonly List<SampleUpdate> table = [];
    private readonly List<(double A, double B)> path = [];

    /// <summary>A lab on the seed's line with the seed's setup.</summary>
    public LabSession()
    {
        Data = DataSource.Load("line", new DataOptions { Targets = ["y"] });
        DataName = "line";
        Session = Restart(Setup);
    }

    /// <summary>The data being fitted.</summary>
    public Dataset Data { get; private set; }

    /// <summary>"line" or the uploaded file's name.</summary>
    public string DataName { get; private set; }

    /// <summary>The setup the session runs.</summary>
    public LabSetup Setup { get; private set; } = new();

    /// <summary>The library's training session.</summary>
    public FitSession Session { get; private set; }

    /// <summary>The problem with the last setup or data the learner gave, or null when it was taken.</summary>
    public string? Error { get; private set; }

    /// <summary>The column of a formula error (1-based), for the caret under the formula box.</summary>
    public int? ErrorColumn { get; private set; }

    /// <summary>The per-sample updates of the current epoch (per-sample batches on small data only).</summary>
    public IReadOnlyList<SampleUpdate> Table => table;

    /// <summary>The two parameters the landscape is drawn over, or null when the model has fewer than two scalars.</summary>
    public (string A, string B)? LandscapeAxes { get; private set; }

    /// <summary>The landscape path: the two parameters at the start and after every update.</summary>
    public IReadOnlyList<(double A, double B)> Path => path;

    /// <summary>The loss over the two landscape parameters (computed once per setup), or null.</summary>
    public Surface? Landscape { get; private set; }

    /// <summary>The epoch and batch the run diverged on, and a learning rate that works (from a sweep), or null.</summary>
    public (Divergence Where, double? Suggested)? Diverged { get; private set; }

    /// <summary>Every scalar parameter by name (<c>m</c>, <c>weight[0,1]</c>) as it is now.</summary>
    public IReadOnlyDictionary<string, double> Parameters() => Scalars(Session.Snapshot(), s => s.Parameters);

    /// <summary>Takes one update (one batch) and records it in the table and the path.</summary>
    public void Step()
    {
        if (Session.IsFinished) return;
        var rows = Session.NextBatchRows();
        var before = Session.Snapshot();
        double[]? outputs = rows.Length == 1 && Data.Count <= LabLimits.MaxTableRows ? Session.Outputs(rows)[0] : null;
        if (before.BatchesDone == 0) table.Clear();
        Session.Step();
        var after = Session.Snapshot();
        if (outputs is not null && !Session.IsFinished)
        {
            int r = rows[0];
            table.Add(new SampleUpdate(r,
                Session.Plan.TrainRows.FeatureNames.ToDictionary(n => n, n => Session.Plan.TrainRows.Column(n)[r]),
                Session.Plan.TrainRows.TargetNames.Length > 0 ? Session.Plan.TrainRows.Column(Session.Plan.TrainRows.TargetNames[0])[r] : double.NaN,
                Scalars(before, s => s.Parameters), outputs[0], after.Loss,
                Scalars(after, s => s.Gradients), Scalars(after, s => s.Parameters)));
        }
        Record(after);
    }

    /// <summary>
    /// Runs <paramref name="epochs"/> epochs (the rest of the current one counts as the first), at
    /// most <see cref="LabLimits.MaxEpochsPerClick"/> epochs and <see cref="LabLimits.MaxUpdatesPerClick"/> updates.
    /// </summary>
    public void RunEpochs(int epochs)
    {
        epochs = Math.Clamp(epochs, 1, LabLimits.MaxEpochsPerClick);
        int target = Session.Epoch + epochs - (Session.Batch > 1 ? 1 : 0);
        long stop = Session.Updates + LabLimits.MaxUpdatesPerClick;
        while (!Session.IsFinished && (Session.Epoch < target || Session.Batch > 1) && Session.Updates < stop) Step();
    }

    /// <summary>Back to exactly the start of this setup.</summary>
    public void Reset()
    {
        Session.Reset();
        table.Clear();
        path.Clear();
        Diverged = null;
        Record(Session.Snapshot());
    }

    /// <summary>Takes a new setup; on a problem keeps the running one and says what is wrong (<see cref="Error"/>).</summary>
    public bool Apply(LabSetup setup) => Try(() => { Session = Restart(setup); Setup = setup; });

    /// <summary>Random start values for a formula's parameters, or a new seed for a network's, drawn from <paramref name="random"/>.</summary>
    public bool RandomizeStart(Random random)
    {
        // A network's start is its seeded random weights: a new seed is a new random start.
        if (Session.Plan.Model.Kind != ModelKind.Formula) return Apply(Setup with { Seed = random.Next(1, 100_000) });
        var names = Parameters().Keys;
        return Apply(Setup with { Start = names.ToDictionary(n => n, _ => Math.Round(random.NextDouble() * 10 - 5, 2)) });
    }

    /// <summary>The model file of the model as it is now, in the format <c>downhill predict</c> reads.</summary>
    public string ModelFileJson() => Session.Outcome().Model.ToJson();

    /// <summary>The traces of every chart as the lab is now.</summary>
    public LabView View() => LabView.Of(this);

    /// <summary>Back to the seed's line (the setup is kept).</summary>
    public bool UseLine()
    {
        var previous = (Data, DataName);
        return Try(() =>
        {
            (Data, DataName) = (DataSource.Load("line", new DataOptions { Targets = ["y"] }), "line");
            try { Session = Restart(Setup); }
            catch { (Data, DataName) = previous; throw; }
        });
    }

    /// <summary>Takes an uploaded CSV (already read into memory); on a problem keeps the data it had and says why.</summary>
    public bool Upload(string name, byte[] content)
    {
        if (content.Length > LabLimits.MaxUploadBytes)
            return Fail($"{name} has {content.Length:N0} bytes; the lab takes files up to {LabLimits.MaxUploadBytes:N0} bytes (fit larger ones with 'downhill fit').");
        var previous = (Data, DataName);
        return Try(() =>
        {
            using var stream = new MemoryStream(content, writable: false);
            var data = Csv.Read(stream, name);
            if (data.Count > LabLimits.MaxRows)
                throw new DataFileException($"{name} has {data.Count:N0} rows; the lab takes up to {LabLimits.MaxRows:N0} (fit larger data with 'downhill fit').");
            (Data, DataName) = (data, name);
            try { Session = Restart(Setup); }
            catch { (Data, DataName) = previous; throw; }
        });
    }

    /// <summary>The analytic gradient beside central differences at the current parameters (the library's gradient check).</summary>
    public GradCheckReport CheckGradient() =>
        ModelGradCheck.Run(Data, Setup.ToSettings() with { Init = Session.Plan.Model.Kind == ModelKind.Formula ? new Dictionary<string, double>(Parameters()) : null }, Math.Min(Data.Count, 64));

    /// <summary>
    /// Checks a derivative the learner worked out by hand (<paramref name="derivative"/>, over the
    /// data's columns and the parameters) against the library's gradient of each row's loss by
    /// <paramref name="parameter"/>, on every row at the current parameters.
    /// </summary>
    public CalculusCheck CheckCalculus(string parameter, string derivative)
    {
        var current = Parameters();
        if (!current.ContainsKey(parameter))
            return new CalculusCheck(parameter, 0, [], $"the model has no parameter '{parameter}'; it has {string.Join(", ", current.Keys)}.");
        Formula formula;
        try { formula = Formula.Parse(derivative); }
        catch (FormulaException e) { return new CalculusCheck(parameter, 0, [], e.Message); }
        var rows = Session.Plan.TrainRows;
        var names = rows.FeatureNames.Concat(rows.TargetNames).ToArray();
        var unknown = formula.Variables.Where(v => !names.Contains(v) && !current.ContainsKey(v)).ToList();
        if (unknown.Count > 0)
            return new CalculusCheck(parameter, 0, [], $"'{string.Join("', '", unknown)}' in your derivative is neither a column ({string.Join(", ", names)}) nor a parameter ({string.Join(", ", current.Keys)}).");
        int index = current.Keys.ToList().IndexOf(parameter);
        var all = Enumerable.Range(0, rows.Count).ToArray();
        var truth = Session.RowGradients(all);
        var columns = names.Select(rows.Column).ToArray();
        var wrong = new List<CalculusRow>();
        var values = new Dictionary<string, double>(current, StringComparer.Ordinal);
        foreach (int r in all)
        {
            for (int c = 0; c < names.Length; c++) values[names[c]] = columns[c][r];
            double yours = formula.Evaluate(values), exact = truth[r][index];
            if (!(Math.Abs(yours - exact) <= CalculusTolerance * Math.Max(1, Math.Abs(exact)))) wrong.Add(new CalculusRow(r, yours, exact));
        }
        return new CalculusCheck(parameter, rows.Count, wrong, null);
    }

    /// <summary>
    /// How far a hand-derived derivative may be from the library's, relative to its size (at least 1):
    /// far above rounding (about 1e-15 here), far below any real mistake in a derivative.
    /// </summary>
    public const double CalculusTolerance = 1e-9;

    private FitSession Restart(LabSetup setup)
    {
        var plan = Fitting.Plan(Data, setup.ToSettings());
        var session = Fitting.Start(plan);
        var start = Scalars(session.Snapshot(), s => s.Parameters);
        if (start.Count > LabLimits.MaxParameters)
            throw new ArgumentException($"the model has {start.Count:N0} parameters; the lab takes up to {LabLimits.MaxParameters:N0} (use smaller layers).");
        Session = session;
        table.Clear();
        path.Clear();
        Diverged = null;
        var names = start.Keys.ToList();
        LandscapeAxes = names.Count >= 2 ? (names[0], names[1]) : null;
        Landscape = LandscapeAxes is var (a, b) ? Surface(plan, a, b, start[a], start[b]) : null;
        Record(session.Snapshot());
        return session;
    }

    /// <summary>
    /// The loss over a window that holds the start and, for a formula under squared error, the
    /// bottom of the valley (found by the library's Levenberg-Marquardt): the path stays on the
    /// map unless it diverges.
    /// </summary>
    private static Surface Surface(FitPlan plan, string a, string b, double a0, double b0)
    {
        var bottom = Bottom(plan);
        var prepared = plan.Build<double>();
        return LossSurface.OverParameters(prepared.Model, prepared.Train, plan.Loss,
            Axis(a, a0, bottom?.GetValueOrDefault(a, a0) ?? a0), Axis(b, b0, bottom?.GetValueOrDefault(b, b0) ?? b0));

        static GridAxis Axis(string name, double start, double end)
        {
            double lo = Math.Min(start, end), hi = Math.Max(start, end);
            double pad = Math.Max((hi - lo) * 0.4, Math.Max(2, Math.Abs(start)));
            return new GridAxis(name, Enumerable.Range(0, LandscapePoints).Select(i => lo - pad + (hi - lo + 2 * pad) * i / (LandscapePoints - 1)).ToArray());
        }
    }

    /// <summary>Points per landscape axis: 61 x 61 losses are quick on the lab's row limit and smooth enough for contours.</summary>
    private const int LandscapePoints = 61;

    private static Dictionary<string, double>? Bottom(FitPlan plan)
    {
        if (plan.Model.Kind != ModelKind.Formula || plan.Loss is not (Loss.Mse or Loss.Rmse)) return null;
        try
        {
            // Only what least squares reads: the gradient settings (rate, batch) are not its business and some it refuses.
            var fit = Fitting.Fit(plan.Data, new FitSettings { Model = plan.Model, Loss = plan.Loss, Init = plan.Settings.Init, Optimizer = Fitting.LevenbergMarquardtName });
            return fit.Result.Divergence is null ? fit.Model.Parameters.Where(p => p.Values.Length == 1).ToDictionary(p => p.Name, p => p.Values[0]) : null;
        }
        catch (Exception e) when (e is ArgumentException or DataFileException or InvalidOperationException)
        {
            // No least-squares answer (a formula LM cannot take): the map is drawn around the start alone.
            return null;
        }
    }

    private void Record(SessionSnapshot snapshot)
    {
        if (LandscapeAxes is var (a, b))
        {
            var values = Scalars(snapshot, s => s.Parameters);
            if (path.Count >= LabLimits.MaxPathPoints) path.RemoveRange(1, path.Count / 2);
            path.Add((values[a], values[b]));
        }
        // Only a finished run can have diverged; Result copies the history, too much to ask for after every step.
        if (Session is { IsFinished: true } && Diverged is null && Session.Result.Divergence is { } d) Diverged = (d, SuggestRate());
    }

    /// <summary>The largest rate of a short sweep below the one that diverged that trains without diverging.</summary>
    private double? SuggestRate()
    {
        var rates = Enumerable.Range(1, 6).Select(k => Setup.LearningRate / Math.Pow(4, k)).ToArray();
        var settings = Setup.ToSettings() with { Training = Setup.ToSettings().Training with { Epochs = 5 } };
        var runs = LearningRateSweep.Run(Data, settings, rates);
        return runs.Where(r => !r.Diverged && double.IsFinite(r.FinalLoss)).OrderBy(r => r.FinalLoss).Select(r => (double?)r.LearningRate).FirstOrDefault();
    }

    private static Dictionary<string, double> Scalars(SessionSnapshot s, Func<SessionSnapshot, double[]?[]> values)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var arrays = values(s);
        for (int i = 0; i < s.Names.Length; i++)
        {
            var v = arrays[i];
            if (v is null) continue;
            if (v.Length == 1) result[s.Names[i]] = v[0];
            else for (int j = 0; j < v.Length; j++) result[$"{s.Names[i]}[{j}]"] = v[j];
        }
        return result;
    }

    private bool Try(Action action)
    {
        try
        {
            action();
            Error = null;
            ErrorColumn = null;
            return true;
        }
        catch (FormulaException e)
        {
            Error = e.Message;
            ErrorColumn = e.Column;
            return false;
        }
        catch (Exception e) when (e is ArgumentException or DataFileException or InvalidOperationException or FormatException)
        {
            return Fail(e.Message);
        }
    }

    private bool Fail(string message)
    {
        Error = message;
        ErrorColumn = null;
        return false;
    }
}
