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
    Float32,
    Float64,
}

/// <summary>Everything <c>downhill fit</c> decides, as a typed record (the CLI fills it from its options).</summary>
public sealed record FitSettings
{
    public required ModelSpec Model { get; init; }
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
    public OptimizerSettings OptimizerSettings { get; init; } = new();
    public TrainingOptions Training { get; init; } = new();

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

    public static bool IsLevenbergMarquardt(string optimizer) =>
        string.Equals(optimizer.Trim(), LevenbergMarquardtName, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Fits the model. With <c>Optimizer = "lm"</c> every accepted Levenberg-Marquardt step is
    /// reported as one <see cref="EpochRecord"/> (its <c>Epoch</c> is the iteration, its
    /// <c>LearningRate</c> 0: the method has none).
    /// </summary>
    public static FitOutcome Fit(Dataset data, FitSettings settings, TrainingCallbacks? callbacks = null, CancellationToken cancel = default)
    {
        if (IsLevenbergMarquardt(settings.Optimizer)) CheckLevenbergMarquardt(settings);
        var precision = settings.Precision ?? (settings.Model.Kind == ModelKind.Formula ? Precision.Float64 : Precision.Float32);
        return precision == Precision.Float32
            ? Run<float>(data, settings, callbacks, cancel)
            : Run<double>(data, settings, callbacks, cancel);
    }

    /// <summary>The loss a model kind implies when none is given.</summary>
    public static Loss DefaultLoss(ModelKind kind, bool classification) =>
        kind == ModelKind.Logistic ? Nn.Loss.BinaryCrossEntropy
        : classification ? Nn.Loss.CrossEntropy
        : Nn.Loss.Mse;

    /// <summary>The model and tensors a fit starts from, exactly as <c>fit</c> builds them (also used by surface, sweep and gradcheck).</summary>
    public sealed record Prepared<T>(
        Model<T> Model, TrainingData<T> Train, TrainingData<T>? Validation, Scaler? Scaler, Loss Loss,
        string[] Features, string[] Targets, int TrainRows, int ValidationRows, MissingFill? Missing = null) where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Chooses the loss and scaling, splits off validation rows and builds the (untrained) model.</summary>
    public static Prepared<T> Prepare<T>(Dataset data, FitSettings settings) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (data.Count < 2)
            Errors.Data($"{data.Source} has {data.Count} data row{(data.Count == 1 ? "" : "s")}; fitting needs at least 2.");
        var spec = settings.Model;
        if (spec.Kind == ModelKind.Formula && typeof(T) != typeof(double))
            Errors.Argument("formula models compute in double precision; leave --precision out or give float64.");
        bool classification = data.IsClassification;
        var loss = settings.Loss ?? DefaultLoss(spec.Kind, classification);
        CheckModelFitsTask(spec, loss, data);
        if (settings.Init is { Count: > 0 } && spec.Kind != ModelKind.Formula)
            Errors.Argument($"--init sets the start values of a formula's parameters; a {spec} model starts from seeded random weights (change --seed instead).");

        var (train, validation, missing) = SplitRows(data, settings);
        var scaleKind = settings.Scale ?? (spec.Kind == ModelKind.Formula ? ScalerKind.None : ScalerKind.Standard);
        if (spec.Kind == ModelKind.Formula && scaleKind != ScalerKind.None)
            Errors.Argument("formula models fit the data in its own units (--scale none): scaling would change what the formula's parameters mean.");
        // Regression targets are scaled with the features: an optimizer whose step does not grow
        // with the gradient (Adam) would otherwise need ~10^5 steps to walk a bias out to a target
        // mean like 250,000. Predictions, weights in data units and reported metrics undo it.
        var scaler = scaleKind == ScalerKind.None ? null : Scaler.Fit(train, scaleKind, scaleTargets: !classification);
        train = train.WithScaler(scaler);
        validation = validation?.WithScaler(scaler);

        if (spec.Kind == ModelKind.Formula)
        {
            var formulaModel = BuildFormula(data, spec, settings.Init, out var formulaFeatures, out var formulaTargets);
            return new Prepared<T>((Model<T>)(object)formulaModel,
                (TrainingData<T>)(object)FormulaData(train, formulaModel),
                validation is null ? null : (TrainingData<T>)(object)FormulaData(validation, formulaModel),
                null, loss, formulaFeatures, formulaTargets, train.Count, validation?.Count ?? 0, missing);
        }
        int outputs = classification ? (loss == Nn.Loss.BinaryCrossEntropy ? 1 : data.ClassNames!.Length) : data.TargetCount;
        var network = new Network<T>(spec.Kind, data.FeatureCount, outputs, spec.Hidden, settings.Activation, settings.Training.Seed);
        return new Prepared<T>(network, TrainingData<T>.From(train), validation is null ? null : TrainingData<T>.From(validation),
            scaler, loss, data.FeatureNames, data.TargetNames, train.Count, validation?.Count ?? 0, missing);
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

    private static FitOutcome Run<T>(Dataset data, FitSettings settings, TrainingCallbacks? callbacks, CancellationToken cancel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var spec = settings.Model;
        bool classification = data.IsClassification;
        var prepared = Prepare<T>(data, settings);
        var (model, trainData, validationData) = (prepared.Model, prepared.Train, prepared.Validation);
        var (scaler, loss, features, targets) = (prepared.Scaler, prepared.Loss, prepared.Features, prepared.Targets);
        // The training rows as a Dataset for least squares: the same seeded split Prepare made.
        var (train, _, _) = SplitRows(data, settings);
        if (IsLevenbergMarquardt(settings.Optimizer))
            return FitLeastSquares((FormulaModel)(object)model, settings, prepared, train, callbacks);
        var trace = settings.TraceParameters ? ParameterTrace.Of(model) : null;
        var optimizer = Optimizers.Create(settings.Optimizer, model.Parameters, settings.OptimizerSettings);
        Freeze(model, optimizer, settings.Freeze);
        var training = settings.Training with { Loss = loss };
        if (settings.Resume is { } resume)
        {
            LoadWeights(model, resume.Model);
            optimizer.ImportState(resume.Optimizer);
            int done = resume.Trainer.NextEpoch - 1;
            if (done >= training.Epochs)
                Errors.Argument($"the checkpoint has already trained {done} epochs; ask for more with --epochs (e.g. --epochs {done + 10}).");
            training = training with { Epochs = training.Epochs - done };
        }
        var trainer = new Trainer<T>(model, optimizer, training)
        {
            Schedule = settings.Schedule?.Invoke(optimizer),
            TargetScaler = scaler?.TargetOffset is null ? null : scaler,
        };
        if (settings.Resume is not null) trainer.ImportState(settings.Resume.Trainer);
        var precisionOfT = typeof(T) == typeof(float) ? Precision.Float32 : Precision.Float64;
        if (settings.CheckpointPath is { } checkpointPath)
        {
            var inner = callbacks ?? new TrainingCallbacks();
            callbacks = new TrainingCallbacks
            {
                Batch = inner.Batch,
                Epoch = inner.Epoch,
                Step = inner.Step,
                EpochEnd = epoch =>
                {
                    var snapshot = Describe(model, spec, settings.Activation, loss, features, targets, data.ClassNames, scaler, precisionOfT, null) with { Missing = prepared.Missing };
                    new Checkpoint(snapshot, optimizer.ExportState(), trainer.ExportState()).Save(checkpointPath);
                    inner.EpochEnd?.Invoke(epoch);
                },
            };
        }
        if (trace is not null)
        {
            trace.Record(0, Analysis.LossSurface.LossAt(model, trainData, loss));
            callbacks = trace.Around(callbacks);
        }
        var result = trainer.Fit(trainData, validationData, callbacks, cancel);

        var trainMetrics = trainer.Evaluate(trainData);
        var validationMetrics = validationData is null ? null : trainer.Evaluate(validationData);
        var file = Describe(model, spec, settings.Activation, loss, features, targets, data.ClassNames, scaler,
            typeof(T) == typeof(float) ? Precision.Float32 : Precision.Float64,
            validationMetrics ?? trainMetrics) with { Missing = prepared.Missing };
        LeastSquaresReport? leastSquares = null;
        if (model is FormulaModel formula && loss is Nn.Loss.Mse or Nn.Loss.Rmse && result.Divergence is null)
        {
            leastSquares = LeastSquaresFit.Analyze(formula, train, WholeParameters(settings.Freeze));
            if (leastSquares is not null) file = file with { Statistics = leastSquares.ToRecord() };
        }
        return new FitOutcome(file, result, classification ? TaskKind.Classification : TaskKind.Regression, loss,
            prepared.TrainRows, prepared.ValidationRows, trainMetrics, validationMetrics, model.ParameterCount, leastSquares, trace);
    }

    /// <summary>What <c>--optimizer lm</c> cannot be combined with, each refused with the way out.</summary>
    private static void CheckLevenbergMarquardt(FitSettings settings)
    {
        if (settings.Model.Kind != ModelKind.Formula)
            Errors.Argument($"--optimizer lm (Levenberg-Marquardt) fits formula models by least squares, not a {settings.Model} model; " +
                "write the model as a formula (e.g. --model \"y = m*x + b\"), or choose a gradient optimizer such as adam or lbfgs.");
        if (settings.Loss is { } loss && loss is not (Nn.Loss.Mse or Nn.Loss.Rmse))
            Errors.Argument($"--optimizer lm minimizes a sum of squares, so the loss must be mse or rmse, not {loss.Name()}; drop --loss or choose a gradient optimizer for {loss.Name()}.");
        if (settings.OptimizerSettings != new OptimizerSettings())
            Errors.Argument("--optimizer lm takes no learning rate or other optimizer settings: it computes each step from the Jacobian; remove --lr, --momentum and the like.");
        if (settings.Resume is not null || settings.CheckpointPath is not null)
            Errors.Argument("--optimizer lm runs in well under a second for formula fits and writes no checkpoints; remove --checkpoint and --resume.");
        if (settings.Schedule is not null)
            Errors.Argument("--optimizer lm has no learning rate to schedule; remove --schedule.");
        if (settings.TraceParameters)
            Errors.Argument("--trace records the updates of a gradient optimizer; --optimizer lm takes Levenberg-Marquardt steps instead. Remove --trace, or choose a gradient optimizer such as adam.");
        if (settings.MaxIterations is < 1)
            Errors.OutOfRange("iterations", settings.MaxIterations, "at least 1 Levenberg-Marquardt iteration (the default is 1000)");
        foreach (var f in settings.Freeze)
            if (f.Contains('['))
                Errors.Argument($"--freeze \"{f}\": formula parameters are single numbers; freeze them by name, e.g. --freeze {f[..f.IndexOf('[')].Trim()}.");
    }

    private static string[] WholeParameters(IReadOnlyList<string> freeze) =>
        freeze.Where(f => !f.Contains('[')).Select(f => f.Trim()).ToArray();

    /// <summary><c>--optimizer lm</c>: Levenberg-Marquardt on the formula's residuals, with the Jacobian from the tape.</summary>
    private static FitOutcome FitLeastSquares<T>(FormulaModel model, FitSettings settings, Prepared<T> prepared, Dataset train,
        TrainingCallbacks? callbacks) where T : unmanaged, IFloatingPointIeee754<T>
    {
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
            settings.Training.Gradient, settings.Training.Nudge, Progress);
        clock.Stop();
        var result = new TrainingResult(history, StopReason.Completed, null, null, clock.Elapsed.TotalSeconds,
            (long)report.Solver!.Evaluations * n);

        var trainMetrics = Evaluate(prepared.Model, loss, prepared.Train);
        var validationMetrics = prepared.Validation is null ? null : Evaluate(prepared.Model, loss, prepared.Validation);
        var file = Describe(prepared.Model, settings.Model, settings.Activation, loss, prepared.Features, prepared.Targets, null, null,
            Precision.Float64, validationMetrics ?? trainMetrics) with { Statistics = report.ToRecord(), Missing = prepared.Missing };
        return new FitOutcome(file, result, TaskKind.Regression, loss, prepared.TrainRows, prepared.ValidationRows,
            trainMetrics, validationMetrics, model.ParameterCount, report);
    }

    /// <summary>Metrics and the loss of a model fitted without a <see cref="Trainer{T}"/> (formulas: no target scaling to undo).</summary>
    private static Dictionary<string, double> Evaluate<T>(Model<T> model, Loss loss, TrainingData<T> data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Tensor<T> output;
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
            Errors.Argument($"{data.Source}: no target column; name the column to learn with --target (columns: {string.Join(", ", data.FeatureNames)}).");
        if (classification && data.ClassNames!.Length < 2)
            Errors.Data($"{data.Source}: the target \"{data.TargetNames[0]}\" has only one class ({data.ClassNames[0]}); classification needs at least two.");
        if (spec.Kind is ModelKind.Logistic or ModelKind.Softmax && !classification)
            Errors.Argument($"a {spec} model classifies, but the target \"{string.Join(", ", data.TargetNames)}\" is numeric; use --model linear for regression, or a text/class target.");
        if (spec.Kind == ModelKind.Logistic && data.ClassNames!.Length != 2)
            Errors.Argument($"a logistic model separates two classes, but \"{data.TargetNames[0]}\" has {data.ClassNames.Length}; use --model softmax.");
        if (spec.Kind == ModelKind.Linear && classification)
            Errors.Argument($"a linear model predicts numbers, but \"{data.TargetNames[0]}\" holds class labels; use --model logistic or softmax.");
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

    private static void LoadWeights<T>(Model<T> model, ModelFile file) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (file.Parameters.Length != model.Parameters.Count)
            Errors.Argument($"the checkpoint holds {file.Parameters.Length} parameters but this model has {model.Parameters.Count}; resume with the same --model.");
        for (int i = 0; i < file.Parameters.Length; i++)
        {
            var p = model.Parameters[i];
            var stored = file.Parameters[i];
            if (stored.Name != p.Name || stored.Values.Length != p.Size)
                Errors.Argument($"the checkpoint's parameter {stored.Name} {Shape.Format(stored.Shape)} does not match this model's {p.Name} {p.Shape}; resume with the same --model and data.");
            for (int k = 0; k < p.Size; k++) p.Data[k] = T.CreateTruncating(stored.Values[k]);
        }
    }

    private static TrainingData<double> FormulaData(Dataset data, FormulaModel model) =>
        new(model.InputsFrom(data), model.TargetFrom(data), null);

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
    private static void Freeze<T>(Model<T> model, Optimizer<T> optimizer, IReadOnlyList<string> freeze)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var spec in freeze)
        {
            var (p, element) = ParameterElement.Resolve(model, spec, "--freeze");
            if (element is not int flat) { p.RequiresGrad = false; continue; }
            int k = model.Parameters.ToList().IndexOf(p);
            var mask = optimizer.FrozenMask(k) ?? new bool[p.Size];
            mask[flat] = true;
            optimizer.SetFrozenMask(k, mask);
        }
    }

    public static ModelFile Describe<T>(Model<T> model, ModelSpec spec, Activation activation, Loss loss,
        string[] features, string[] targets, string[]? classes, Scaler? scaler, Precision precision,
        Dictionary<string, double>? metrics) where T : unmanaged, IFloatingPointIeee754<T> => new()
    {
        Task = classes is null ? "regression" : "classification",
        Kind = spec.Kind.ToString().ToLowerInvariant(),
        Formula = spec.Formula,
        Hidden = spec.Kind == ModelKind.Mlp ? spec.Hidden.ToArray() : null,
        Activation = spec.Kind == ModelKind.Mlp ? activation.Name() : null,
        Loss = loss.Name(),
        Precision = precision == Precision.Float32 ? "float32" : "float64",
        Features = features,
        Targets = targets,
        Classes = classes,
        Scaler = scaler,
        Parameters = model.Parameters.Select(p => new ParameterRecord(p.Name!, p.Shape.ToArray(),
            p.ToArray().Select(double.CreateTruncating).ToArray())).ToArray(),
        Metrics = metrics,
    };
}
