using System.Numerics;
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

    public string Optimizer { get; init; } = "adam";
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
    ParameterTrace? Trace = null);

/// <summary>
/// The whole of <c>downhill fit</c> as one library call: choose the task, loss and scaling,
/// split off validation rows, build the model, train it, and describe it as a model file.
/// </summary>
public static class Fitting
{
    public static FitOutcome Fit(Dataset data, FitSettings settings, TrainingCallbacks? callbacks = null, CancellationToken cancel = default)
    {
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
        string[] Features, string[] Targets, int TrainRows, int ValidationRows) where T : unmanaged, IFloatingPointIeee754<T>;

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

        var (train, validation) = settings.ValidationFraction > 0
            ? data.Split(settings.ValidationFraction, settings.Training.Seed)
            : (data, null);
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
                null, loss, formulaFeatures, formulaTargets, train.Count, validation?.Count ?? 0);
        }
        int outputs = classification ? (loss == Nn.Loss.BinaryCrossEntropy ? 1 : data.ClassNames!.Length) : data.TargetCount;
        var network = new Network<T>(spec.Kind, data.FeatureCount, outputs, spec.Hidden, settings.Activation, settings.Training.Seed);
        return new Prepared<T>(network, TrainingData<T>.From(train), validation is null ? null : TrainingData<T>.From(validation),
            scaler, loss, data.FeatureNames, data.TargetNames, train.Count, validation?.Count ?? 0);
    }

    private static FitOutcome Run<T>(Dataset data, FitSettings settings, TrainingCallbacks? callbacks, CancellationToken cancel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var spec = settings.Model;
        bool classification = data.IsClassification;
        var prepared = Prepare<T>(data, settings);
        var (model, trainData, validationData) = (prepared.Model, prepared.Train, prepared.Validation);
        var (scaler, loss, features, targets) = (prepared.Scaler, prepared.Loss, prepared.Features, prepared.Targets);
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
                    var snapshot = Describe(model, spec, settings.Activation, loss, features, targets, data.ClassNames, scaler, precisionOfT, null);
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
            validationMetrics ?? trainMetrics);
        return new FitOutcome(file, result, classification ? TaskKind.Classification : TaskKind.Regression, loss,
            prepared.TrainRows, prepared.ValidationRows, trainMetrics, validationMetrics, model.ParameterCount, trace);
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

    private static TrainingData<double> FormulaData(Dataset data, FormulaModel model)
    {
        int n = data.Count, m = model.Inputs;
        var x = new double[n * m];
        for (int j = 0; j < m; j++)
        {
            var column = data.Column(model.InputNames[j]);
            for (int i = 0; i < n; i++) x[i * m + j] = column[i];
        }
        Tensor<double> target;
        using (Autograd.NoGrad())
            target = model.Target(name => Tensor<double>.Wrap(data.Column(name), n));
        if (target.Size == 1 && n != 1) target = target * Tensor<double>.Ones(n);
        var y = target.Detach().Reshape(n, 1);
        y.CheckFinite($"{data.Source}: the formula's left side '{model.Formula.Target}'");
        return new TrainingData<double>(Tensor<double>.Wrap(x, n, m), y, null);
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
