using System.Numerics;
using Downhill.Models;
using Downhill.Optim;

namespace Downhill.Training;

/// <summary>
/// A gradient fit of a <see cref="FitPlan"/> that can be driven from outside: the plan's model,
/// optimizer, schedule, checkpoints and trace around one <see cref="TrainingSession{T}"/>.
/// <see cref="Fitting.Fit(FitPlan, TrainingCallbacks?, CancellationToken)"/> runs one to the end;
/// the lab steps one; each MPI rank drives one. <see cref="Outcome"/> describes the model as it is now.
/// </summary>
public abstract class FitSession
{
    private protected FitSession(FitPlan plan) => Plan = plan;

    /// <summary>The plan the session runs; every decision of the fit is there.</summary>
    public FitPlan Plan { get; }

    /// <inheritdoc cref="TrainingSession{T}.Path"/>
    public abstract TrainingPath Path { get; }
    /// <inheritdoc cref="TrainingSession{T}.WhyNotFaster"/>
    public abstract string? WhyNotFaster { get; }
    /// <inheritdoc cref="TrainingSession{T}.Epoch"/>
    public abstract int Epoch { get; }
    /// <inheritdoc cref="TrainingSession{T}.Batch"/>
    public abstract int Batch { get; }
    /// <inheritdoc cref="TrainingSession{T}.BatchesPerEpoch"/>
    public abstract int BatchesPerEpoch { get; }
    /// <inheritdoc cref="TrainingSession{T}.Updates"/>
    public abstract long Updates { get; }
    /// <inheritdoc cref="TrainingSession{T}.IsFinished"/>
    public abstract bool IsFinished { get; }
    /// <inheritdoc cref="TrainingSession{T}.History"/>
    public abstract IReadOnlyList<EpochRecord> History { get; }
    /// <inheritdoc cref="TrainingSession{T}.Result"/>
    public abstract TrainingResult Result { get; }

    /// <inheritdoc cref="TrainingSession{T}.Step"/>
    public abstract StepProgress? Step(CancellationToken cancel = default);

    /// <inheritdoc cref="TrainingSession{T}.RunEpoch"/>
    public abstract EpochRecord? RunEpoch(CancellationToken cancel = default);

    /// <inheritdoc cref="TrainingSession{T}.Run(int, CancellationToken)"/>
    public abstract TrainingResult Run(int epochs, CancellationToken cancel = default);

    /// <inheritdoc cref="TrainingSession{T}.Run(CancellationToken)"/>
    public abstract TrainingResult Run(CancellationToken cancel = default);

    /// <inheritdoc cref="TrainingSession{T}.Extend"/>
    public abstract void Extend(int epochs);

    /// <inheritdoc cref="TrainingSession{T}.Reset"/>
    public abstract void Reset();

    /// <inheritdoc cref="TrainingSession{T}.Snapshot"/>
    public abstract SessionSnapshot Snapshot();

    /// <summary>The model file, metrics and statistics of the model as it is now (final once <see cref="IsFinished"/>).</summary>
    public abstract FitOutcome Outcome();

    /// <inheritdoc cref="TrainingSession{T}.NextBatchRows"/>
    /// <remarks>Row numbers index <see cref="FitPlan.TrainRows"/>.</remarks>
    public abstract int[] NextBatchRows();

    /// <summary>
    /// The model's outputs as it is now for some training rows (indices into <see cref="FitPlan.TrainRows"/>),
    /// one array of outputs per row, in the data's units (a scaled target is scaled back). For a formula
    /// this is its right-hand side; for a classifier, the scores before softmax or sigmoid.
    /// </summary>
    public abstract double[][] Outputs(IReadOnlyList<int> rows);

    /// <summary>
    /// The gradient of each row's own loss (the loss of a batch of that one row) at the parameters
    /// as they are now, one array per row: every parameter's elements in the order of
    /// <see cref="SessionSnapshot.Names"/>, flattened, 0 for frozen ones. In the units the model
    /// trains in (scaled, when the plan scales). The session's own gradients are left as they were.
    /// The lab checks a learner's hand-derived derivative against these, row by row.
    /// </summary>
    public abstract double[][] RowGradients(IReadOnlyList<int> rows);
}

internal sealed class FitSession<T> : FitSession where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Fitting.Prepared<T> prepared;
    private readonly Optimizer<T> optimizer;
    private readonly Trainer<T> trainer;
    private readonly TrainingSession<T> session;
    private readonly ParameterTrace? trace;
    private readonly double startRate;

    public FitSession(FitPlan plan, TrainingCallbacks? callbacks, bool resettable) : base(plan)
    {
        var settings = plan.Settings;
        prepared = plan.Build<T>();
        var model = prepared.Model;
        trace = settings.TraceParameters ? ParameterTrace.Of(model) : null;
        optimizer = Optimizers.Create(settings.Optimizer, model.Parameters, settings.OptimizerSettings);
        Fitting.Freeze(model, optimizer, settings.Freeze);
        startRate = optimizer.LearningRate;
        var training = settings.Training with { Loss = plan.Loss };
        // NOTE: the schedule is made before a checkpoint's state is imported: it scales the rate
        // the run started with, not the decayed rate the checkpoint stopped at.
        var schedule = settings.Schedule?.Invoke(optimizer);
        if (settings.Resume is { } resume)
        {
            Fitting.LoadWeights(model, resume.Model);
            optimizer.ImportState(resume.Optimizer);
            int done = resume.Trainer.NextEpoch - 1;
            if (done >= training.Epochs)
                Errors.Setting("TrainingOptions.Epochs", $"the checkpoint has already trained {done} epochs; ask for more with TrainingOptions.Epochs (e.g. TrainingOptions.Epochs = {done + 10}).");
            training = training with { Epochs = training.Epochs - done };
        }
        trainer = new Trainer<T>(model, optimizer, training)
        {
            Schedule = schedule,
            TargetScaler = prepared.Scaler?.TargetOffset is null ? null : prepared.Scaler,
            Reducer = settings.Reducer,
        };
        if (settings.Resume is not null) trainer.ImportState(settings.Resume.Trainer);
        // Every rank holds the same state; one writer keeps ranks on a shared disk from racing.
        if (settings.CheckpointPath is { } checkpointPath && settings.Reducer is null or { Rank: 0 })
        {
            var inner = callbacks ?? new TrainingCallbacks();
            callbacks = new TrainingCallbacks
            {
                Batch = inner.Batch,
                Epoch = inner.Epoch,
                Step = inner.Step,
                EpochEnd = epoch =>
                {
                    new Checkpoint(Describe(null), optimizer.ExportState(), trainer.ExportState()).Save(checkpointPath);
                    inner.EpochEnd?.Invoke(epoch);
                },
            };
        }
        if (trace is not null)
        {
            RecordStart(trace);
            callbacks = trace.Around(callbacks);
        }
        session = trainer.Start(prepared.Train, prepared.Validation, callbacks, resettable);
    }

    public override TrainingPath Path => session.Path;
    public override string? WhyNotFaster => session.WhyNotFaster;
    public override int Epoch => session.Epoch;
    public override int Batch => session.Batch;
    public override int BatchesPerEpoch => session.BatchesPerEpoch;
    public override long Updates => session.Updates;
    public override bool IsFinished => session.IsFinished;
    public override IReadOnlyList<EpochRecord> History => session.History;
    public override TrainingResult Result => session.Result;
    public override StepProgress? Step(CancellationToken cancel = default) => session.Step(cancel);
    public override EpochRecord? RunEpoch(CancellationToken cancel = default) => session.RunEpoch(cancel);
    public override TrainingResult Run(int epochs, CancellationToken cancel = default) => session.Run(epochs, cancel);
    public override TrainingResult Run(CancellationToken cancel = default) => session.Run(cancel);
    public override void Extend(int epochs) => session.Extend(epochs);
    public override SessionSnapshot Snapshot() => session.Snapshot();
    public override int[] NextBatchRows() => session.NextBatchRows();

    private void CheckRows(IReadOnlyList<int> rows)
    {
        foreach (int row in rows)
            if ((uint)row >= (uint)prepared.Train.Count)
                Errors.OutOfRange("rows", row, $"a training row from 0 to {prepared.Train.Count - 1}");
    }

    public override double[][] RowGradients(IReadOnlyList<int> rows)
    {
        CheckRows(rows);
        var parameters = prepared.Model.Parameters;
        var saved = parameters.Select(p => p.Grad).ToArray();
        var result = new double[rows.Count][];
        try
        {
            for (int i = 0; i < rows.Count; i++)
            {
                var one = prepared.Train.Rows([rows[i]]);
                foreach (var p in parameters) p.ZeroGrad();
                Nn.Losses.Compute(Plan.Loss, prepared.Model.Forward(one.Features), one.Targets, one.Labels).Backward();
                result[i] = [.. parameters.SelectMany(p => p.Grad is { } g ? g.ToArray().Select(double.CreateTruncating) : new double[p.Size])];
            }
        }
        finally
        {
            for (int k = 0; k < parameters.Count; k++) parameters[k].Grad = saved[k];
        }
        return result;
    }

    public override double[][] Outputs(IReadOnlyList<int> rows)
    {
        CheckRows(rows);
        var output = trainer.Predict(prepared.Train.Rows([.. rows]).Features);
        int width = output.Shape[1];
        var values = output.ToArray();
        var result = new double[rows.Count][];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = new double[width];
            for (int j = 0; j < width; j++) row[j] = double.CreateTruncating(values[i * width + j]);
            // The trainer scales regression targets with the features; undo it so outputs read in the data's units.
            if (trainer.TargetScaler is { } scaler) scaler.InverseTargets(row);
            result[i] = row;
        }
        return result;
    }

    public override void Reset()
    {
        session.Reset();
        if (trace is null) return;
        trace.Clear();
        RecordStart(trace);
    }

    /// <summary>Row 0 of the trace: the start values and the full training loss there.</summary>
    private void RecordStart(ParameterTrace trace) => trace.Record(0, prepared.Model.LossOn(prepared.Train, Plan.Loss));

    private ModelFile Describe(Dictionary<string, double>? metrics) =>
        Fitting.Describe(prepared.Model, Plan.Model, Plan.Settings.Activation, Plan.Loss, prepared.Features, prepared.Targets,
            Plan.Data.ClassNames, prepared.Scaler, Plan.Precision, metrics) with { Missing = Plan.Missing };

    public override FitOutcome Outcome()
    {
        var result = session.Result;
        var trainMetrics = trainer.Evaluate(prepared.Train);
        var validationMetrics = prepared.Validation is null ? null : trainer.Evaluate(prepared.Validation);
        var file = Describe(validationMetrics ?? trainMetrics);
        LeastSquaresReport? leastSquares = null;
        if (prepared.Model is FormulaModel formula && Plan.Loss is Nn.Loss.Mse or Nn.Loss.Rmse && result.Divergence is null)
        {
            leastSquares = LeastSquaresFit.Analyze(formula, Plan.TrainRows, Fitting.WholeParameters(Plan.Settings.Freeze));
            if (leastSquares is not null) file = file with { Statistics = leastSquares.ToRecord() };
        }
        return new FitOutcome(file, result, Plan.Task, Plan.Loss, prepared.TrainRows, prepared.ValidationRows,
            trainMetrics, validationMetrics, prepared.Model.ParameterCount, leastSquares, trace)
        {
            Plan = Plan,
            Warnings = [.. Plan.Warnings, .. FitChecks.RunWarnings(result, Plan.Task, trainMetrics, Plan.TrainRows, startRate)],
        };
    }
}
