namespace Downhill.Cli.Options;

/// <summary>The model and its loss: kind or formula, activation, scaling, start values, frozen weights.</summary>
internal sealed class ModelOptionSet
{
    public readonly Option<string> Model = new Option<string>("--model")
    {
        Description = "linear, logistic, softmax, mlp:H1,H2,..., layers such as conv:32x3x3,pool:2,conv:64x3x3,pool:2,dense:128 (options :s2 stride, :p1 padding; also avgpool:2, dropout:0.25, batchnorm) or a formula such as \"y = a*exp(b*x) + c\" (column names are data, other names are parameters).",
        DefaultValueFactory = _ => "linear",
        // The completions would read <linear|logistic|mlp:|softmax>, hiding that a formula is welcome.
        HelpName = "model",
    }.Suggest(OptionValues.Models);
    public readonly Option<string> Activation = new Option<string>("--activation")
    {
        Description = "Hidden-layer activation for mlp, and of convolutions and hidden dense layers for conv.",
        DefaultValueFactory = _ => "relu",
    }.OneOf(OptionValues.Activations, IsKnown(ActivationNames.Parse));
    public readonly Option<string?> Loss = new Option<string?>("--loss") { Description = "The loss to minimize (default: mse for numbers, cross-entropy for classes)." }
        .OneOf(OptionValues.Losses, IsKnown(Losses.Parse));
    public readonly Option<string?> Scale = new Option<string?>("--scale") { Description = "Feature scaling (default standard; none for formulas)." }
        .OneOf(OptionValues.Of<ScalerKind>());
    public readonly Option<string?> Image = new("--image") { Description = "The image in each row for conv models: height x width, or height x width x channels (e.g. 28x28, 32x32x3); default a square one-channel image." };
    public readonly Option<string?> Init = new("--init") { Description = "Start values of formula parameters, e.g. a=1,b=0.1 (default 1)." };
    public readonly Option<string[]> Freeze = new("--freeze") { Description = "Keep a parameter (b) or one element (\"weight[0,1]\") fixed; repeatable. Networks train on standardized data, so add --scale none to hold a value in the data's own units." };
    public readonly Option<string?> Precision = new Option<string?>("--precision") { Description = "Floating-point type the model computes in (default float64 for formulas, float32 for networks)." }
        .OneOf(OptionValues.Of<Training.Precision>(), t => PrecisionAlias(t) is not null);

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Model, Image, Activation, Loss, Scale, Init, Freeze, Precision }) command.Add(o);
    }

    public ModelSpec Spec(ParseResult r)
    {
        var spec = ModelSpec.Parse(r.GetValue(Model)!);
        if (r.GetValue(Image) is not { } image) return spec;
        if (spec.Kind != ModelKind.Conv)
            throw new ArgumentException($"--image {image} describes the input of a conv model, but --model is {spec}; use a layer list such as --model conv:32x3x3,pool:2,dense:128, or leave --image out.");
        return spec with { Image = ImageShape.Parse(image) };
    }

    public Activation ReadActivation(ParseResult r) => ActivationNames.Parse(r.GetValue(Activation)!);

    public Loss? ReadLoss(ParseResult r) => r.GetValue(Loss) is { } l ? Losses.Parse(l) : null;

    public ScalerKind? ReadScale(ParseResult r) => r.GetValue(Scale) is { } s ? OptionValues.Parse<ScalerKind>(s) : null;

    /// <summary>The library's parser as a yes/no: it knows the spellings accepted but not offered (ce for cross-entropy).</summary>
    private static Func<string, bool> IsKnown<T>(Func<string, T> parse) => text =>
    {
        try { parse(text); return true; }
        catch (ArgumentException) { return false; }
    };

    public Dictionary<string, double>? ReadInit(ParseResult r)
    {
        var pairs = Parse.NameValues(r.GetValue(Init), "--init");
        return pairs.Count == 0 ? null : pairs.ToDictionary(p => p.Key, p => p.Value);
    }

    public Precision? ReadPrecision(ParseResult r) =>
        r.GetValue(Precision) is { } p ? PrecisionAlias(p) ?? OptionValues.Parse<Precision>(p) : null;

    /// <summary>C#'s names for the two types, accepted but not offered.</summary>
    private static Precision? PrecisionAlias(string text) => text.Trim().ToLowerInvariant() switch
    {
        "float" or "single" => Training.Precision.Float32,
        "double" => Training.Precision.Float64,
        _ => null,
    };
}
