using System.Globalization;
using System.Numerics;
using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;

namespace Downhill.Training;

/// <summary>How a fit finds its parameters.</summary>
public enum Solver
{
    /// <summary>A gradient optimizer, epoch by epoch (<see cref="TrainingSession{T}"/>).</summary>
    Gradient,

    /// <summary>Levenberg-Marquardt least squares on a formula's residuals.</summary>
    LeastSquares,
}

/// <summary>
/// Every decision of a fit, made once by <see cref="Fitting.Plan"/>: the task, loss, precision,
/// solver, scaling, the seeded split and the scaler fitted on the training rows. A plan is a
/// value: print it (<see cref="Describe"/>), test it, and build the same start from it as often
/// as needed (<see cref="Build{T}"/>): fit, report, sweep, surface and gradcheck all read the
/// same plan instead of deciding again.
/// </summary>
public sealed record FitPlan
{
    /// <summary>The whole data set the plan was made for, in its own units.</summary>
    public required Dataset Data { get; init; }
    /// <summary>The settings as given, before any choice was filled in.</summary>
    public required FitSettings Settings { get; init; }
    /// <summary>Regression or classification, as chosen (see <see cref="TaskReason"/>).</summary>
    public required TaskKind Task { get; init; }

    /// <summary>Why <see cref="Task"/> was chosen, in words (the data's target kind, or the setting that asked for it).</summary>
    public required string TaskReason { get; init; }
    /// <summary>The loss to minimize: the one asked for, or the task's default (MSE or cross-entropy).</summary>
    public required Loss Loss { get; init; }
    /// <summary>The number type the model trains in.</summary>
    public required Precision Precision { get; init; }
    /// <summary>The method that fits: a gradient optimizer, or Levenberg-Marquardt for a least-squares formula fit.</summary>
    public required Solver Solver { get; init; }
    /// <summary>How features (and regression targets) are scaled before training.</summary>
    public required ScalerKind Scale { get; init; }

    /// <summary>The training rows in the data's units (least squares fits these).</summary>
    public required Dataset TrainRows { get; init; }

    /// <summary>The held-out rows in the data's units, or null without validation.</summary>
    public Dataset? ValidationRows { get; init; }

    /// <summary>Fitted on the training rows only; null when <see cref="Scale"/> is none.</summary>
    public Scaler? Scaler { get; init; }

    /// <summary>The values that filled missing features, from the training rows only; null under the error policy.</summary>
    public MissingFill? Missing { get; init; }

    /// <summary>The model asked for, from <see cref="Settings"/>.</summary>
    public ModelSpec Model => Settings.Model;

    /// <summary>Doubts about the decisions (a task inferred from the data that may not be meant), for the user to read.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// How to read the per-epoch losses (<see cref="EpochRecord.TrainLoss"/>, which are in the
    /// units the model trains in): multiply by <c>Factor</c> to get <c>Units</c>. With a scaled
    /// regression target, mse is in the target's squared standard deviations and rmse and mae in
    /// standard deviations, so one target converts exactly to the data's units; huber, or several
    /// targets, stay in standardized units and say so.
    /// </summary>
    public (double Factor, string Units) EpochLossUnits
    {
        get
        {
            if (Task == TaskKind.Classification) return (1, "");
            if (Scaler?.TargetScale is not { } scale) return (1, "data units");
            if (scale.Length == 1 && Loss is Nn.Loss.Mse) return (scale[0] * scale[0], "data units");
            if (scale.Length == 1 && Loss is Nn.Loss.Rmse or Nn.Loss.Mae) return (scale[0], "data units");
            return (1, "standardized units");
        }
    }

    /// <summary>Updates an automatic epoch count aims for (<see cref="FitSettings.AutomaticEpochs"/>).</summary>
    public const int AutomaticUpdates = 20_000;

    /// <summary>Rows seen (over all epochs) that end an automatic epoch count sooner on large data.</summary>
    public const int AutomaticSamples = 10_000_000;

    /// <summary>Epochs for about <see cref="AutomaticUpdates"/> updates or <see cref="AutomaticSamples"/> rows, within 10..1,000.</summary>
    public static int ChooseEpochs(int trainRows, int? batchSize)
    {
        int batch = Math.Min(batchSize ?? trainRows, trainRows);
        long batches = (trainRows + batch - 1) / batch;
        long forUpdates = (AutomaticUpdates + batches - 1) / batches;
        long forSamples = (AutomaticSamples + trainRows - 1L) / trainRows;
        return (int)Math.Clamp(Math.Min(forUpdates, forSamples), 10, 1000);
    }

    /// <summary>The plan in a few lines, as <c>fit --plan</c> prints it.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>
        {
            $"data: {Data.Source}, {Data.Count} rows: {TrainRows.Count} to train" + (ValidationRows is { } v ? $", {v.Count} held out for validation (seed {Settings.Training.Seed})" : ""),
            $"task: {Task.ToString().ToLowerInvariant()} ({TaskReason})",
            $"model: {Model}" + (Model.Kind is ModelKind.Mlp or ModelKind.Conv ? $", activation {Settings.Activation.Name()}" : ""),
            $"loss: {Loss.Name()}" + (Settings.Loss is null && Settings.Training.Loss is Nn.Loss.Mse ? " (the default for this model and task)" : ""),
            $"precision: {(Precision == Precision.Float32 ? "float32" : "float64")}",
            $"scaling: {Scale.ToString().ToLowerInvariant()}" + (Scaler?.TargetOffset is not null ? " (features and target)" : Scaler is not null ? " (features)" : ""),
            Solver == Solver.LeastSquares
                ? "solver: Levenberg-Marquardt least squares"
                : $"solver: {Settings.Optimizer}, {Settings.Training.Epochs} epochs{(Settings.AutomaticEpochs ? " (chosen for the data's size)" : "")}, batch {Settings.Training.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "full"}, gradient {Settings.Training.Gradient.ToString().ToLowerInvariant()}",
        };
        return lines;
    }

    /// <summary>
    /// A fresh start from this plan: the untrained model (seeded) and the training and validation
    /// tensors, scaled. Building twice gives the same bits.
    /// </summary>
    public Fitting.Prepared<T> Build<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != (Precision == Precision.Float32 ? typeof(float) : typeof(double)))
            Errors.Argument($"this plan computes in {Precision}; build it with that element type.");
        var train = TrainRows.WithScaler(Scaler);
        var validation = ValidationRows?.WithScaler(Scaler);
        var spec = Model;
        if (spec.Kind == ModelKind.Formula)
        {
            var formulaModel = Fitting.BuildFormula(Data, spec, Settings.Init, out var formulaFeatures, out var formulaTargets);
            return new Fitting.Prepared<T>((Model<T>)(object)formulaModel,
                (TrainingData<T>)(object)FormulaData(train, formulaModel),
                validation is null ? null : (TrainingData<T>)(object)FormulaData(validation, formulaModel),
                null, Loss, formulaFeatures, formulaTargets, train.Count, validation?.Count ?? 0);
        }
        bool classification = Task == TaskKind.Classification;
        int outputs = classification ? (Loss == Nn.Loss.BinaryCrossEntropy ? 1 : Data.ClassNames!.Length) : Data.TargetCount;
        Model<T> network = spec.Kind == ModelKind.Conv
            ? new ConvNet<T>(spec.Layers, spec.Image, Data.FeatureCount, outputs, Settings.Activation, Settings.Training.Seed)
            : new Network<T>(spec.Kind, Data.FeatureCount, outputs, spec.Hidden, Settings.Activation, Settings.Training.Seed);
        return new Fitting.Prepared<T>(network, TrainingData<T>.From(train), validation is null ? null : TrainingData<T>.From(validation),
            Scaler, Loss, Data.FeatureNames, Data.TargetNames, train.Count, validation?.Count ?? 0);
    }

    internal static TrainingData<double> FormulaData(Dataset data, FormulaModel model) =>
        new(model.InputsFrom(data), model.TargetFrom(data), null);
}
