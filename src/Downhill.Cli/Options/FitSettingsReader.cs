namespace Downhill.Cli.Options;

/// <summary>The data, model, optimizer and training options that fit, surface, sweep and gradcheck share.</summary>
internal sealed class FitSettingsReader(string defaultOptimizer)
{
    public readonly DataOptionSet Data = new();
    public readonly ModelOptionSet Model = new();
    public readonly OptimizerOptionSet Optimizer = new(defaultOptimizer, OptionValues.FitOptimizers);
    public readonly TrainingOptionSet Training = new();
    public readonly Option<string?> Task = new Option<string?>("--task")
    {
        Description = "What the targets are (default: inferred: text targets, logistic, softmax and cross-entropy mean classification). Use it for numeric class labels such as 0..9 with an mlp.",
    }.OneOf(OptionValues.Tasks);

    public void AddTo(Command command, bool optimizer = true, bool training = true)
    {
        Data.AddTo(command);
        Model.AddTo(command);
        command.Add(Task);
        if (optimizer) Optimizer.AddTo(command);
        if (training) Training.AddTo(command);
    }

    /// <summary>Reads the data with the target kind the model implies (so a stray text cell is reported as such).</summary>
    public Dataset LoadData(ParseResult r)
    {
        var data = Cli.LoadData(r.GetValue(Data.Data)!, ReadDataOptions(r));
        DataOptionSet.ReportMissing(data, $"the training rows' {data.MissingPolicy.ToString().ToLowerInvariant()}");
        return data;
    }

    /// <summary>The data options with the target kind the model implies.</summary>
    public DataOptions ReadDataOptions(ParseResult r)
    {
        var spec = Model.Spec(r);
        var loss = Model.ReadLoss(r);
        var task = r.GetValue(Task) is { } t ? OptionValues.Parse<TargetKind>(t) : (TargetKind?)null;
        var options = Data.Read(r) with
        {
            TargetKind = task ?? spec.Kind switch
            {
                ModelKind.Linear or ModelKind.Formula => TargetKind.Regression,
                ModelKind.Logistic or ModelKind.Softmax => TargetKind.Classification,
                _ when loss is { } l && Nn.Losses.IsClassification(l) => TargetKind.Classification,
                _ => TargetKind.Auto,
            },
        };
        return options;
    }

    public FitSettings Read(ParseResult r, bool optimizer = true, bool training = true) => new()
    {
        Model = Model.Spec(r),
        Activation = Model.ReadActivation(r),
        Loss = Model.ReadLoss(r),
        Scale = Model.ReadScale(r),
        Optimizer = optimizer ? Optimizer.Name(r) : defaultOptimizer,
        OptimizerSettings = optimizer ? Optimizer.Read(r) : new OptimizerSettings(),
        Training = training ? Training.Read(r) : new TrainingOptions(),
        AutomaticEpochs = training && r.GetResult(Training.Epochs) is null or { Implicit: true },
        Init = Model.ReadInit(r),
        Freeze = Parse.List(r.GetValue(Model.Freeze)),
        ValidationFraction = training ? r.GetValue(Training.Validation) : 0,
        Schedule = training && r.GetValue(Training.Schedule) is { } s ? ScheduleSpec.Parse(s) : null,
        Precision = Model.ReadPrecision(r),
    };
}
