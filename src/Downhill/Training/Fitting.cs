using System.Diagnostics;
using System.Numerics;
using Downhill.Analysis;
using Downhill.Data;
using Downhill.Formulas;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Optim;

namespace Downhill.Training;

/// <summary>Element precision of a fit.</summary>
public enum Precision
{
    /// <summary>Single precision: half the memory and about twice the speed; enough for networks.</summary>
    Float32,
    /// <summary>Double precision: for formulas and least squares, where lost digits show in the estimates.</summary>
    Float64,
}

/// <summary>Everything <c>downhill fit</c> decides, as a typed record (the CLI fills it from its options).</summary>
public sealed record FitSettings
{
    /// <summary>The model to fit (<see cref="ModelSpec.Parse"/> reads its text form).</summary>
    public required ModelSpec Model { get; init; }
    /// <summary>The hidden layers' activation of an mlp (default relu); other models ignore it.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Null: mse for regression, cross-entropy for softmax/mlp classifiers, binary-cross-entropy for logistic.</summary>
    public Loss? Loss { get; init; }

    /// <summary>Null: standard for linear, logistic, softmax and MLP models; none for formulas.</summary>
    public ScalerKind? Scale { get; init; }

    /// <summary>
    /// A gradient optimizer's name (<see cref="Optimizers.Names"/>), or <see cref="Fitting.LevenbergMarquardtName"/>
    /// for Levenberg-Marquardt least squares (formula models with an mse or rmse loss).
    /// </summary>
    public string Optimizer { get; init; } = "adam";

    /// <summary>
    /// Levenberg-Marquardt only: the most iterations (Jacobian evaluations); null keeps
    /// <see cref="LevenbergMarquardtOptions.MaxIterations"/> (1000). <c>Training.Epochs</c> is not used by lm.
    /// </summary>
    public int? MaxIterations { get; init; }
    /// <summary>The optimizer's hyper-parameters; null ones take PyTorch's defaults.</summary>
    public OptimizerSettings OptimizerSettings { get; init; } = new();
    /// <summary>Epochs, batch size, loss, seed and the rest of the training loop's options.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>
    /// Let the plan choose <c>Training.Epochs</c>: enough for about <see cref="FitPlan.AutomaticUpdates"/>
    /// updates or <see cref="FitPlan.AutomaticSamples"/> rows seen, whichever comes first, at least 10
    /// and at most 1,000 epochs. Ten fixed epochs leave a model of a small data set (iris: 50 updates)
    /// far from trained.
    /// </summary>
    public bool AutomaticEpochs { get; init; }

    /// <summary>Start values of formula parameters (default 1).</summary>
    public IReadOnlyDictionary<string, double>? Init { get; init; }

    /// <summary>Parameters (<c>b</c>) or single elements (<c>weight[0,1]</c>) kept fixed.</summary>
    public IReadOnlyList<string> Freeze { get; init; } = [];

    /// <summary>Fraction of rows held out (seeded) for validation; 0 for none.</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Builds the learning-rate schedule for the optimizer, if any.</summary>
    public Func<Optimizer, LearningRateSchedule>? Schedule { get; init; }

    /// <summary>Null: float64 for formulas, float32 for networks.</summary>
    public Precision? Precision { get; init; }

    /// <summary>Save a checkpoint here after every epoch (atomic write).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Continue from this checkpoint: weights, optimizer and loop state; Epochs counts the total.</summary>
    public Checkpoint? Resume { get; init; }

    /// <summary>Record every parameter value after every update in <see cref="FitOutcome.Trace"/>
    /// (at most <see cref="ParameterTrace.DefaultMaxParameters"/> parameters; checked before training).</summary>
    public bool TraceParameters { get; init; }

    /// <summary>
    /// Data-parallel training with the other ranks of this reducer (see <see cref="Trainer{T}.Reducer"/>);
    /// only rank 0 writes the checkpoint. Null: one process. Levenberg-Marquardt ignores it.
    /// </summary>
    public IGradientReducer? Reducer { get; init; }
}

/// <summary>What a fit produced: the model file (ready to save), the training record and final metrics.</summary>
public sealed record FitOutcome(
    ModelFile Model,
    TrainingResult Result,
    TaskKind Task,
    Loss Loss,
    int TrainRows,
    int ValidationRows,
    IReadOnlyDictionary<string, double> TrainMetrics,
    IReadOnlyDictionary<string, double>? ValidationMetrics,
    int ParameterCount,
    LeastSquaresReport? LeastSquares = null,
    ParameterTrace? Trace = null)
{
    /// <summary>The plan the fit ran (null only for outcomes made by hand).</summary>
    public FitPlan? Plan { get; init; }

    /// <summary>Things the user should know about this fit (an inferred task that may be wrong, a run far from converged).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>True when Levenberg-Marquardt did the fit (then <see cref="LeastSquares"/> holds its run).</summary>
    public bool IsLevenbergMarquardt => LeastSquares?.Solver is not null;
}

/// <summary>
/// The whole of <c>downhill fit</c> as one library call: choose the task, loss and scaling,
/// split off validation rows, build the model, train it, and describe it as a model file.
/// </summary>
public static class Fitting
{
    /// <summary>The <see cref="FitSettings.Optimizer"/> name of Levenberg-Marquardt least squares.</summary>
    public const string LevenbergMarquardtName = "lm";

    /// <summary>True when <paramref name="optimizer"/> names Levenberg-Marquardt ("lm", any case).</summary>
    public static bool IsLevenbergMarquardt(string optimizer) =>
        string.Equals(optimizer.Trim(), LevenbergMarquardtName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Fits the model. With <c>Optimizer = "lm"</c> every accepted Levenberg-Marquardt step is
    /// reported as one <see cref="EpochRecord"/> (its <c>Epoch</c> is the iteration, its
    /// <c>LearningRate</c> 0: the method has none).
    /// </summary>
    public static FitOutcome Fit(Dataset data, FitSettings settings, TrainingCallbacks? callbacks = null, CancellationToken cancel = default) =>
        Fit(Plan(data, settings), callbacks, cancel);

    /// <summary>Runs a plan to the end: Levenberg-Marquardt, or a gradient session run through.</summary>
    public static FitOutcome Fit(FitPlan plan, TrainingCallbacks? callbacks = null, CancellationToken cancel = default)
    {
        // Least squares fits formulas, which the plan keeps in double precision.
        if (plan.Solver == Solver.LeastSquares) return FitLeastSquares(plan, plan.Build<double>(), callbacks, cancel);
        // Run to the end once: no copy of the start is kept for a Reset that cannot come.
        var session = NewSession(plan, callbacks, resettable: false);
        session.Run(cancel);
        return session.Outcome();
    }

    /// <summary>A gradient fit as a session that can be stepped, run by epochs and reset (the lab and MPI ranks drive it).</summary>
    public static FitSession Start(FitPlan plan, TrainingCallbacks? callbacks = null)
    {
        if (plan.Solver != Solver.Gradient)
            Errors.Argument("Levenberg-Marquardt computes whole steps from the Jacobian and cannot be stepped as a session; use Fitting.Fit, or choose a gradient optimizer.");
        return NewSession(plan, callbacks, resettable: true);
    }

    private static FitSession NewSession(FitPlan plan, TrainingCallbacks? callbacks, bool resettable) =>
        plan.Precision == Precision.Float32
            ? new FitSession<float>(plan, callbacks, resettable)
            : new FitSession<double>(plan, callbacks, resettable);

    /// <summary>The loss a model kind implies when none is given.</summary>
    public static Loss DefaultLoss(ModelKind kind, bool classification) =>
        kind == ModelKind.Logistic ? Nn.Loss.BinaryCrossEntropy
        : classification ? Nn.Loss.CrossEntropy
        : Nn.Loss.Mse;

    /// <summary>The model and tensors a fit starts from, exactly as <c>fit</c> builds them (also used by surface, sweep and gradcheck).</summary>
    public sealed record Prepared<T>(
        Model<T> Model, TrainingData<T> Train, TrainingData<T>? Validation, Scaler? Scaler, Loss Loss,
        string[] Features, string[] Targets, int TrainRows, int ValidationRows) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Plans the fit and builds its start (<see cref="Plan"/> then <see cref="FitPlan.Build{T}"/>).</summary>
    public static Prepared<T> Prepare<T>(Dataset data, FitSettings settings) where T : unmanaged, IFloatingPointIeee754<T> =>
        Plan(data, settings with { Precision = typeof(T) == typeof(float) ? Training.Precision.Float32 : Training.Precision.Float64 }).Build<T>();

    /// <summary>
    /// Makes every decision of a fit once: task, loss, precision, solver, scaling, the seeded
    /// validation split and the scaler (fitted on the training rows). Checks that they fit
    /// together and says what is wrong and how to fix it when they do not.
    /// </summary>
    public static FitPlan Plan(Dataset data, FitSettings settings)
    {
        var solver = IsLevenbergMarquardt(settings.Optimizer) ? Solver.LeastSquares : Solver.Gradient;
        if (solver == Solver.LeastSquares) CheckLevenbergMarquardt(settings);
        var precision = settings.Precision ?? (settings.Model.Kind == ModelKind.Formula ? Training.Precision.Float64 : Training.Precision.Float32);
        if (data.Count < 2)
            Errors.Data($"{data.Source} has {data.Count} data row{(data.Count == 1 ? "" : "s")}; fitting needs at least 2.");
        var spec = settings.Model;
        if (spec.Kind == ModelKind.Formula && precision != Training.Precision.Float64)
            Errors.Setting("FitSettings.Precision", "formula models compute in double precision; leave FitSettings.Precision out or give FitSettings.Precision = Precision.Float64.");
        bool classification = data.IsClassification;
        FitChecks.CheckClasses(data);
        // Trainer reads TrainingOptions.Loss, Fitting chooses FitSettings.Loss and passes it on; a loss given only in
        // FitSettings.Training used to be replaced without a word. It is taken when FitSettings.Loss is absent, and a
        // disagreement is refused (mse, TrainingOptions' default, cannot be told from "not given", so it defers).
        var trainingLoss = settings.Training.Loss is not Nn.Loss.Mse ? settings.Training.Loss : (Loss?)null;
        if (settings.Loss is { } given && trainingLoss is { } other && other != given)
            Errors.Setting("FitSettings.Loss", $"FitSettings.Loss = {given.Name()} but FitSettings.Training.Loss = {other.Name()}; Fitting trains one loss: give it once, in FitSettings.Loss.");
        var loss = settings.Loss ?? trainingLoss ?? DefaultLoss(spec.Kind, classification);
        CheckModelFitsTask(spec, loss, data);
        if (settings.Init is { Count: > 0 } && spec.Kind != ModelKind.Formula)
            Errors.Setting("FitSettings.Init", $"FitSettings.Init sets the start values of a formula's parameters; a {spec} model starts from seeded random weights (change TrainingOptions.Seed instead).");
        settings.Training.Validate();
        if (settings.Training.EarlyStoppingPatience is int patience && !(settings.ValidationFraction > 0) && solver == Solver.Gradient)
            Errors.Setting("TrainingOptions.EarlyStoppingPatience", $"TrainingOptions.EarlyStoppingPatience = {patience} watches the validation loss, but no rows are held out for validation; add FitSettings.ValidationFraction = 0.2 (or leave early stopping out).");
        if (precision == Training.Precision.Float32) FitChecks.CheckFloat32Range(data);

        var (train, validation, missing) = SplitRows(data, settings);
        var scaleKind = settings.Scale ?? (spec.Kind == ModelKind.Formula ? ScalerKind.None : ScalerKind.Standard);
        if (spec.Kind == ModelKind.Formula && scaleKind != ScalerKind.None)
            Errors.Setting("FitSettings.Scale", "formula models fit the data in its own units (FitSettings.Scale = ScalerKind.None): scaling would change what the formula's parameters mean.");
        // Regression targets are scaled with the features: an optimizer whose step does not grow
        // with the gradient (Adam) would otherwise need ~10^5 steps to walk a bias out to a target
        // mean like 250,000. Predictions, weights in data units and reported metrics undo it.
        var scaler = scaleKind == ScalerKind.None ? null : Scaler.Fit(train, scaleKind, scaleTargets: !classification);
        if (settings.AutomaticEpochs && solver == Solver.Gradient)
            settings = settings with { Training = settings.Training with { Epochs = FitPlan.ChooseEpochs(train.Count, settings.Training.BatchSize) } };
        return new FitPlan
        {
            Data = data,
            Settings = settings,
            Task = classification ? TaskKind.Classification : TaskKind.Regression,
            TaskReason = TaskReason(data),
            Loss = loss,
            Precision = precision,
            Solver = solver,
            Scale = scaleKind,
            TrainRows = train,
            ValidationRows = validation,
            Scaler = scaler,
            Missing = missing,
            Warnings = FitChecks.TaskWarnings(data, spec).ToArray(),
        };
    }

    /// <summary>
    /// The seeded validation split, then missing features filled from the training rows alone,
    /// so that, as for the scaler, no validation row shapes what the model is trained on.
    /// </summary>
    private static (Dataset Train, Dataset? Validation, MissingFill? Missing) SplitRows(Dataset data, FitSettings settings)
    {
        // A formula reads its target (the left side) from feature columns; it is a target all the
        // same, never made up: a row missing it is left out, and the fill has no value for it.
        string[] formulaTargets = settings.Model.Kind == ModelKind.Formula && data.MissingPolicy != MissingValues.Error
            ? [.. (Formula.Parse(settings.Model.Formula!).Target?.Variables() ?? []).Where(data.FeatureNames.Contains)]
            : [];
        if (formulaTargets.Length > 0 && data.MissingCells > 0)
        {
            var columns = formulaTargets.Select(data.Column).ToArray();
            data = data.Subset([.. Enumerable.Range(0, data.Count).Where(i => columns.All(c => !double.IsNaN(c[i])))]);
        }
        var (train, validation) = settings.ValidationFraction > 0
            ? data.Split(settings.ValidationFraction, settings.Training.Seed)
            : (data, null);
        if (data.MissingPolicy == MissingValues.Error) return (train, validation, null);
        var fill = MissingFill.Fit(train, data.MissingPolicy);
        foreach (var target in formulaTargets) fill.Fill?.Remove(target);
        return (train.FillMissing(fill), validation?.FillMissing(fill), fill);
    }

    private static string TaskReason(Dataset data)
    {
        if (data.TargetCount == 0) return "no target column";
        string target = string.Join(", ", data.TargetNames.Select(t => $"\"{t}\""));
        return data.ClassNames is { } classes
            ? $"the target {target} holds {classes.Length} class labels"
            : $"the target {target} is numeric";
    }

    /// <summary>What <c>--optimizer lm</c> cannot be combined with, each refused with the way out.</summary>
    private static void CheckLevenbergMarquardt(FitSettings settings)
    {
        if (settings.Model.Kind != ModelKind.Formula)
            Errors.Setting("FitSettings.Model", $"FitSettings.Optimizer = \"lm\" (Levenberg-Marquardt) fits formula models by least squares, not a {settings.Model} model; " +
                "write the model as a formula (e.g. FitSettings.Model = ModelSpec.Parse(\"y = m*x + b\")), or choose a gradient optimizer such as adam or lbfgs.");
        if (settings.Loss is { } loss && loss is not (Nn.Loss.Mse or Nn.Loss.Rmse))
            Errors.Setting("FitSettings.Loss", $"FitSettings.Optimizer = \"lm\" minimizes a sum of squares, so the loss must be mse or rmse, not {loss.Name()}; leave FitSettings.Loss out or choose a gradient optimizer for {loss.Name()}.");
        if (settings.OptimizerSettings != new OptimizerSettings())
            Errors.Setting("FitSettings.OptimizerSettings", "FitSettings.Optimizer = \"lm\" takes no learning rate or other optimizer settings: it computes each step from the Jacobian; " +
                "remove OptimizerSettings.LearningRate, OptimizerSettings.Momentum and the like.");
        if (settings.Resume is not null || settings.CheckpointPath is not null)
            Errors.Setting(settings.Resume is not null ? "FitSettings.Resume" : "FitSettings.CheckpointPath",
                "FitSettings.Optimizer = \"lm\" runs in well under a second for formula fits and writes no checkpoints; remove FitSettings.CheckpointPath and FitSettings.Resume.");
        if (settings.Schedule is not null)
            Errors.Setting("FitSettings.Schedule", "FitSettings.Optimizer = \"lm\" has no learning rate to schedule; remove FitSettings.Schedule.");
        if (settings.TraceParameters)
            Errors.Setting("FitSettings.TraceParameters", "FitSettings.TraceParameters records the updates of a gradient optimizer; FitSettings.Optimizer = \"lm\" takes Levenberg-Marquardt steps instead. " +
                "Remove FitSettings.TraceParameters, or choose a gradient optimizer such as adam.");
        if (settings.MaxIterations is < 1)
            Errors.OutOfRange("FitSettings.MaxIterations", settings.MaxIterations, "at least 1 Levenberg-Marquardt iteration (the default is 1000)");
        foreach (var f in settings.Freeze)
            if (f.Contains('['))
                Errors.Setting("FitSettings.Freeze", $"FitSettings.Freeze \"{f}\": formula parameters are single numbers; freeze them by name, e.g. FitSettings.Freeze = [\"{f[..f.IndexOf('[')].Trim()}\"].");
    }

    internal static string[] WholeParameters(IReadOnlyList<string> freeze) =>
        freeze.Where(f => !f.Contains('[')).Select(f => f.Trim()).ToArray();

    /// <summary><c>--optimizer lm</c>: Levenberg-Marquardt on the formula's residuals, with the Jacobian from the tape.</summary>
    private static FitOutcome FitLeastSquares(FitPlan plan, Prepared<double> prepared, TrainingCallbacks? callbacks, CancellationToken cancel)
    {
        var (settings, train, model) = (plan.Settings, plan.TrainRows, (FormulaModel)prepared.Model);
        var loss = prepared.Loss;
        var history = new List<EpochRecord>();
        var clock = Stopwatch.StartNew();
        double lastSeconds = 0;
        int n = train.Count;
        var options = new LevenbergMarquardtOptions();
        if (settings.MaxIterations is int most) options = options with { MaxIterations = most };
        double LossOf(double rss) => loss == Nn.Loss.Rmse ? Math.Sqrt(rss / n) : rss / n;
        void Progress(LevenbergMarquardtProgress p)
        {
            if (p.Iteration == 0) return;
            double now = clock.Elapsed.TotalSeconds;
            var record = new EpochRecord(p.Iteration, LossOf(p.ResidualSumOfSquares), null,
                new Dictionary<string, double>(), 0, now - lastSeconds);
            lastSeconds = now;
            history.Add(record);
            callbacks?.Epoch?.Invoke(record);
        }
        var report = LeastSquaresFit.Fit(model, train, options, WholeParameters(settings.Freeze),
            settings.Training.Gradient, settings.Training.Nudge, Progress, cancel);
        clock.Stop();
        var stop = report.Solver!.StoppedBecause == LeastSquaresStop.Cancelled ? StopReason.Cancelled : StopReason.Completed;
        var result = new TrainingResult(history, stop, null, null, clock.Elapsed.TotalSeconds,
            (long)report.Solver!.Evaluations * n) { Path = TrainingPath.LeastSquares };

        var trainMetrics = Evaluate(prepared.Model, loss, prepared.Train);
        var validationMetrics = prepared.Validation is null ? null : Evaluate(prepared.Model, loss, prepared.Validation);
        var file = Describe(prepared.Model, settings.Model, settings.Activation, loss, prepared.Features, prepared.Targets, null, null,
            Precision.Float64, validationMetrics ?? trainMetrics) with { Statistics = report.ToRecord(), Missing = plan.Missing };
        return new FitOutcome(file, result, TaskKind.Regression, loss, prepared.TrainRows, prepared.ValidationRows,
            trainMetrics, validationMetrics, model.ParameterCount, report) { Plan = plan, Warnings = plan.Warnings };
    }

    /// <summary>Metrics and the loss of a model fitted without a <see cref="Trainer{T}"/> (formulas: no target scaling to undo).</summary>
    internal static Dictionary<string, double> Evaluate<T>(Model<T> model, Loss loss, TrainingData<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NDArray<T> output;
        using (Autograd.NoGrad())
            output = model.Forward(data.Features);
        var metrics = Metrics.Compute(loss, output, data);
        metrics["loss"] = double.CreateTruncating(Losses.Compute(loss, output, data.Targets, data.Labels).Item());
        return metrics;
    }

    private static void CheckModelFitsTask(ModelSpec spec, Loss loss, Dataset data)
    {
        bool classification = data.IsClassification;
        if (data.TargetCount == 0 && spec.Kind != ModelKind.Formula)
            Errors.Setting("DataOptions.Targets", $"{data.Source}: no target column; name the column to learn with DataOptions.Targets (columns: {string.Join(", ", data.FeatureNames)}).");
        if (classification && data.ClassNames!.Length < 2)
            Errors.Data($"{data.Source}: the target \"{data.TargetNames[0]}\" has only one class ({data.ClassNames[0]}); classification needs at least two.");
        if (spec.Kind is ModelKind.Logistic or ModelKind.Softmax && !classification)
            Errors.Setting("FitSettings.Model", $"a {spec} model classifies, but the target \"{string.Join(", ", data.TargetNames)}\" is numeric; use FitSettings.Model = ModelSpec.Parse(\"linear\") for regression, or a text/class target.");
        if (spec.Kind == ModelKind.Logistic && data.ClassNames!.Length != 2)
            Errors.Setting("FitSettings.Model", $"a logistic model separates two classes, but \"{data.TargetNames[0]}\" has {data.ClassNames.Length}; use FitSettings.Model = ModelSpec.Parse(\"softmax\").");
        if (spec.Kind == ModelKind.Linear && classification)
            Errors.Setting("FitSettings.Model", $"a linear model predicts numbers, but \"{data.TargetNames[0]}\" holds class labels; use FitSettings.Model = ModelSpec.Parse(\"logistic\") or softmax.");
        if (loss.IsClassification() != classification && spec.Kind != ModelKind.Formula)
            Errors.Argument(classification
                ? $"loss {loss.Name()} is for numeric targets, but \"{data.TargetNames[0]}\" holds class labels; use cross-entropy."
                : $"loss {loss.Name()} is for class labels, but the target is numeric; use mse, rmse, mae or huber.");
        if (spec.Kind == ModelKind.Formula && (classification || loss.IsClassification()))
            Errors.Argument("formula models are fitted by regression (mse, rmse, mae or huber) to a numeric target.");
    }

    /// <summary>Splits the formula's names into data columns and parameters, and checks its target.</summary>
    public static FormulaModel BuildFormula(Dataset data, ModelSpec spec, IReadOnlyDictionary<string, double>? init,
        out string[] features, out string[] targets)
    {
        var formula = Formula.Parse(spec.Formula!);
        var columns = data.FeatureNames.Concat(data.TargetNames).ToArray();
        var split = formula.Split(columns, data.Source);
        if (!formula.IsEquation)
            Errors.Argument($"formula '{formula.Text}' has no '=': write the target on the left, e.g. \"y = {formula.Text}\".");
        var targetNames = new HashSet<string>(StringComparer.Ordinal);
        CollectColumns(formula.Target!, columns, targetNames);
        var inputs = split.Columns.Where(c => !targetNames.Contains(c) || Appears(formula.Right, c)).ToArray();
        if (inputs.Length == 0)
        {
            // Every name on the right would be a parameter: almost always a misspelt column.
            var names = formula.Right.Variables();
            Errors.Argument($"formula '{formula.Text}': the right side uses no column of {data.Source}, so it would fit one constant; " +
                $"is one of {string.Join(", ", names)} meant to be a column? The columns are: {string.Join(", ", columns)}.");
        }
        features = inputs;
        targets = [formula.Target!.ToString()];
        if (split.Parameters.Count == 0)
            Errors.Argument($"formula '{formula.Text}' has no parameters to fit: every name in it is a column of {data.Source}.");
        return new FormulaModel(formula, inputs, split.Parameters, init);
    }

    internal static void LoadWeights<T>(Model<T> model, ModelFile file) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var stored = model.Stored.ToArray();
        if (file.Parameters.Length != stored.Length)
            Errors.Argument($"the checkpoint holds {file.Parameters.Length} parameters but this model has {stored.Length}; resume with the same FitSettings.Model.");
        for (int i = 0; i < file.Parameters.Length; i++)
        {
            var p = stored[i];
            var record = file.Parameters[i];
            if (record.Name != p.Name || record.Values.Length != p.Size)
                Errors.Argument($"the checkpoint's parameter {record.Name} {Shape.Format(record.Shape)} does not match this model's {p.Name} {p.Shape}; resume with the same FitSettings.Model and data.");
            for (int k = 0; k < p.Size; k++) p.Data[k] = T.CreateTruncating(record.Values[k]);
        }
    }

    private static void CollectColumns(Expr e, string[] columns, HashSet<string> found)
    {
        foreach (var name in e.Variables())
            if (columns.Contains(name)) found.Add(name);
    }

    private static bool Appears(Expr e, string name) => e.Variables().Contains(name);

    /// <summary>
    /// <c>b</c> freezes a whole parameter (no gradient); <c>weight[0,1]</c> one element (the
    /// optimizer leaves it and its state untouched), as in the seeds' "freezing one weight".
    /// </summary>
    internal static void Freeze<T>(Model<T> model, Optimizer<T> optimizer, IReadOnlyList<string> freeze)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var spec in freeze)
        {
            var (p, element) = ParameterElement.Resolve(model, spec, "FitSettings.Freeze");
            if (element is not int flat) { p.RequiresGrad = false; continue; }
            int k = model.Parameters.ToList().IndexOf(p);
            var mask = optimizer.FrozenMask(k) ?? new bool[p.Size];
            mask[flat] = true;
            optimizer.SetFrozenMask(k, mask);
        }
    }

    /// <summary>The model file for a trained <paramref name="model"/>: its parameters with everything needed to predict from raw data later (columns, classes, scaler, precision).</summary>
    public static ModelFile Describe<T>(Model<T> model, ModelSpec spec, Activation activation, Loss loss,
        string[] features, string[] targets, string[]? classes, Scaler? scaler, Precision precision,
        Dictionary<string, double>? metrics) where T : unmanaged, IFloatingPointIeee754<T> => new()
    {
        Task = classes is null ? "regression" : "classification",
        Kind = spec.Kind.ToString().ToLowerInvariant(),
        Formula = spec.Formula,
        Hidden = spec.Kind == ModelKind.Mlp ? spec.Hidden.ToArray() : null,
        Activation = spec.Kind is ModelKind.Mlp or ModelKind.Conv ? activation.Name() : null,
        Layers = spec.Kind == ModelKind.Conv ? string.Join(",", spec.Layers) : null,
        Image = (model as ConvNet<T>)?.Image?.ToArray(),
        Loss = loss.Name(),
        Precision = precision == Precision.Float32 ? "float32" : "float64",
        Features = features,
        Targets = targets,
        Classes = classes,
        Scaler = scaler,
        Parameters = model.Stored.Select(p => new ParameterRecord(p.Name!, p.Shape.ToArray(),
            p.ToArray().Select(double.CreateTruncating).ToArray())).ToArray(),
        Metrics = metrics,
    };
}
