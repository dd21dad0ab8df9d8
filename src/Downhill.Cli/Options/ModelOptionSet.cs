namespace Downhill.Cli.Options;

/// <summary>The model and its loss: kind or formula, activation, scaling, start values, frozen weights.</summary>
internal sealed class ModelOptionSet
{
    public readonly Option<string> Model = new("--model")
    {
        Description = "linear, logistic, softmax, mlp:H1,H2,... or a formula such as \"y = a*exp(b*x) + c\" (column names are data, other names are parameters).",
        DefaultValueFactory = _ => "linear",
    };
    public readonly Option<string> Activation = new("--activation")
    {
        Description = "Hidden-layer activation for mlp: relu, sigmoid or tanh.",
        DefaultValueFactory = _ => "relu",
    };
    public readonly Option<string?> Loss = new("--loss") { Description = "mse, rmse, mae, huber, cross-entropy or binary-cross-entropy (default: mse for numbers, cross-entropy for classes)." };
    public readonly Option<string?> Scale = new("--scale") { Description = "Feature scaling: standard, minmax or none (default standard; none for formulas)." };
    public readonly Option<string?> Init = new("--init") { Description = "Start values of formula parameters, e.g. a=1,b=0.1 (default 1)." };
    public readonly Option<string[]> Freeze = new("--freeze") { Description = "Keep a parameter (b) or one element (\"weight[0,1]\") fixed; repeatable. Networks train on standardized data, so add --scale none to hold a value in the data's own units." };
    public readonly Option<string?> Precision = new("--precision") { Description = "float32 or float64 (default float64 for formulas, float32 for networks)." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Model, Activation, Loss, Scale, Init, Freeze, Precision }) command.Add(o);
    }

    public ModelSpec Spec(ParseResult r) => ModelSpec.Parse(r.GetValue(Model)!);

    public Activation ReadActivation(ParseResult r) => ActivationNames.Parse(r.GetValue(Activation)!);

    public Loss? ReadLoss(ParseResult r) => r.GetValue(Loss) is { } l ? Losses.Parse(l) : null;

    public ScalerKind? ReadScale(ParseResult r) => r.GetValue(Scale)?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "standard" => ScalerKind.Standard,
        "minmax" => ScalerKind.MinMax,
        "none" => ScalerKind.None,
        var s => throw new UsageException($"--scale '{s}' is unknown; use standard, minmax or none."),
    };

    public Dictionary<string, double>? ReadInit(ParseResult r)
    {
        var pairs = Parse.NameValues(r.GetValue(Init), "--init");
        return pairs.Count == 0 ? null : pairs.ToDictionary(p => p.Key, p => p.Value);
    }

    public Precision? ReadPrecision(ParseResult r) => r.GetValue(Precision)?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "float32" or "float" or "single" => Training.Precision.Float32,
        "float64" or "double" => Training.Precision.Float64,
        var s => throw new UsageException($"--precision '{s}' is unknown; use float32 or float64."),
    };
}
