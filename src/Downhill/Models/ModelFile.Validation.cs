using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Downhill.Formulas;
using Downhill.Nn;

namespace Downhill.Models;

public sealed partial record ModelFile
{
    private const string Fix = "correct it, or write the file again with ModelFile.Save";

    /// <summary>
    /// Checks that the file describes a model that can predict: known names for task, kind, loss,
    /// precision and activation; features, targets and classes that fit the task; every
    /// parameter's shape backed by its stored values (finite numbers); and the architecture the
    /// file declares (<c>kind</c>, <c>hidden</c>, <c>features</c>, classes or targets) agreeing
    /// with those shapes. The stored values are the truth: a declared size they do not back is
    /// an error naming both, so nothing is ever sized from a declaration alone (a 1 KB file
    /// declaring <c>"hidden": [46000, 46000]</c> would otherwise make <c>predict</c> allocate 24 GB).
    /// </summary>
    /// <param name="source">How messages name the file: its path, or "model file" for one built in code.</param>
    /// <exception cref="DataFileException">The first fault found, with the field, its value, what belongs there and the fix.</exception>
    public void Validate(string source = "model file") => Validate(new Where(source, Fix));

    /// <summary>How messages name the file, and the fix they end with (a checkpoint's differs).</summary>
    internal readonly record struct Where(string Source, string Fix);

    internal void Validate(Where at)
    {
        if (Format != FormatName) Fail(at, "format", Quote(Format), $"\"{FormatName}\"");
        if (Version is < 1 or > CurrentVersion) Fail(at, "version", Version.ToString(CultureInfo.InvariantCulture), $"a format version from 1 to {CurrentVersion}");
        if (Task is not ("regression" or "classification")) Fail(at, "task", Quote(Task), "\"regression\" or \"classification\"");
        bool classification = Task == "classification";
        var kind = Kind switch
        {
            "linear" => ModelKind.Linear,
            "logistic" => ModelKind.Logistic,
            "softmax" => ModelKind.Softmax,
            "mlp" => ModelKind.Mlp,
            "formula" => ModelKind.Formula,
            "conv" => ModelKind.Conv,
            _ => Fail<ModelKind>(at, "kind", Quote(Kind), "one of \"linear\", \"logistic\", \"softmax\", \"mlp\", \"formula\", \"conv\""),
        };
        if (!TryParse(Losses.Parse, Loss, out var loss))
            Fail(at, "loss", Quote(Loss), "one of \"mse\", \"rmse\", \"mae\", \"huber\", \"cross-entropy\", \"binary-cross-entropy\"");
        if (Precision is not ("float32" or "float64")) Fail(at, "precision", Quote(Precision), "\"float32\" or \"float64\"");
        if (Activation is not null && !TryParse(ActivationNames.Parse, Activation, out _))
            Fail(at, "activation", Quote(Activation), "one of \"relu\", \"sigmoid\", \"tanh\", \"identity\"");

        Names(at, "features", Features, atLeast: 1, "the names of the input columns, in order");
        Names(at, "targets", Targets, atLeast: 1, "the names of the target columns");
        bool classKind = kind is ModelKind.Logistic or ModelKind.Softmax;
        if ((classKind && !classification) || (kind is ModelKind.Linear or ModelKind.Formula && classification))
            Fail(at, "task", Quote(Task), $"\"{(classKind ? "classification" : "regression")}\" for a {Kind} model");
        if (loss.IsClassification() != classification)
            Fail(at, "loss", Quote(Loss), classification ? "\"cross-entropy\" or \"binary-cross-entropy\" for a classifier" : "a regression loss (\"mse\", \"rmse\", \"mae\", \"huber\")");
        if (classification)
        {
            Names(at, "classes", Classes, atLeast: 2, "the names of at least two classes");
            if (Targets.Length != 1) Fail(at, "targets", $"{Targets.Length} columns", "one column holding the class labels");
            if (loss == Nn.Loss.BinaryCrossEntropy && Classes!.Length != 2)
                Fail(at, "classes", $"{Classes.Length} classes", "exactly 2 with \"binary-cross-entropy\" (use \"cross-entropy\" for more)");
        }
        else if (Classes is not null)
            Fail(at, "classes", $"a list of {Classes.Length}", "no classes in a regression model (remove the field, or set \"task\": \"classification\")");

        CheckParameters(at);
        CheckScaler(at);
        if (kind == ModelKind.Formula) CheckFormula(at);
        else CheckNetwork(at, kind, OutputCount);
    }

    /// <summary>
    /// The width of a network's last layer: one output per target, per class, or a single logit for a
    /// classifier trained with binary cross-entropy. Read once <see cref="Validate(string)"/> has checked the loss and classes.
    /// </summary>
    internal int OutputCount => Classes is null ? Targets.Length : Losses.Parse(Loss) == Nn.Loss.BinaryCrossEntropy ? 1 : Classes.Length;

    /// <summary>Each parameter: a name of its own, a shape of positive sizes whose product is the number of values stored, finite values.</summary>
    private void CheckParameters(Where at)
    {
        if (Parameters is null || Parameters.Length == 0) Fail(at, "parameters", Parameters is null ? "missing" : "an empty list", "the model's parameters (name, shape, values)");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Parameters.Length; i++)
        {
            var p = Parameters[i];
            string field = $"parameters[{i}]";
            if (p is null) Fail(at, field, "null", "an object with name, shape and values");
            if (string.IsNullOrEmpty(p.Name)) Fail(at, field + ".name", Quote(p.Name), "the parameter's name, e.g. \"weight\"");
            if (!names.Add(p.Name)) Fail(at, field + ".name", Quote(p.Name), "a name no other parameter has");
            if (p.Shape is null) Fail(at, field + ".shape", "missing", "the parameter's sizes, e.g. [3, 1] ([] for a single number)");
            if (p.Values is null) Fail(at, field + ".values", "missing", "the parameter's values");
            long size = 1;
            bool counted = true;
            for (int d = 0; d < p.Shape.Length; d++)
            {
                if (p.Shape[d] < 1) Fail(at, $"{field}.shape[{d}]", p.Shape[d].ToString(CultureInfo.InvariantCulture), $"a positive size (parameter \"{p.Name}\")");
                // Stops counting once past the values stored: the product of a damaged shape can overflow a long.
                if (size <= p.Values.Length) size *= p.Shape[d];
                else counted = false;
            }
            if (size != p.Values.Length)
                Errors.Data($"{at.Source}: parameter \"{p.Name}\" has \"shape\": {Shape.Format(p.Shape)}, which holds {(counted ? Count(size, "value") : "more than " + Count(p.Values.Length, "value"))}, " +
                    $"but {Count(p.Values.Length, "value is", "values are")} stored; the values are the model, so the shape must match them; {at.Fix}.");
            for (int k = 0; k < p.Values.Length; k++)
                if (!double.IsFinite(p.Values[k]))
                    Fail(at, $"{field}.values[{k}]", Number(p.Values[k]), $"a finite number (parameter \"{p.Name}\"); a model with NaN or infinite parameters predicts nothing useful");
        }
    }

    /// <summary>One offset and one scale per feature (and per target when targets are scaled), all finite.</summary>
    private void CheckScaler(Where at)
    {
        if (Scaler is not { } s) return;
        if (s.FeatureOffset is null || s.FeatureScale is null) Fail(at, "scaler", "an object without feature offsets or scales", "featureOffset and featureScale, one per feature");
        if (s.FeatureOffset.Length != Features.Length)
            Fail(at, "scaler.featureOffset", $"a list of {s.FeatureOffset.Length}", $"one offset per feature ({Features.Length})");
        if ((s.TargetOffset?.Length ?? Targets.Length) != Targets.Length)
            Fail(at, "scaler.targetOffset", $"a list of {s.TargetOffset!.Length}", $"one offset per target ({Targets.Length})");
        foreach (var (field, values) in new[] { ("featureOffset", s.FeatureOffset), ("targetOffset", s.TargetOffset ?? []) })
            for (int k = 0; k < values.Length; k++)
                if (!double.IsFinite(values[k])) Fail(at, $"scaler.{field}[{k}]", Number(values[k]), "a finite number");
    }

    /// <summary>An equation whose right side names only parameters (one number each) and features.</summary>
    private void CheckFormula(Where at)
    {
        if (Formula is null) Fail(at, "formula", "missing", "the model's equation, e.g. \"y = a*x + b\"");
        Formula formula;
        try { formula = Formulas.Formula.Parse(Formula); }
        catch (FormulaException e) { throw new DataFileException($"{at.Source}: \"formula\" \"{Formula}\" cannot be read: {e.Reason} (column {e.Column}); {at.Fix}."); }
        if (!formula.IsEquation) Fail(at, "formula", Quote(Formula), "an equation with the target on the left, e.g. \"y = a*x + b\"");
        if (Hidden is { Length: > 0 }) Fail(at, "hidden", $"a list of {Hidden.Length}", "no hidden layers in a formula model (remove the field)");
        if (Precision != "float64") Fail(at, "precision", Quote(Precision), "\"float64\": formula models compute in double");
        if (Targets.Length != 1) Fail(at, "targets", $"{Targets.Length} columns", "one: the formula's left side");
        for (int i = 0; i < Parameters.Length; i++)
        {
            var p = Parameters[i];
            if (p.Values.Length != 1) Fail(at, $"parameters[{i}].values", $"a list of {p.Values.Length}", $"one number: formula parameter \"{p.Name}\" is a single number (\"shape\": [])");
            if (Features.Contains(p.Name)) Fail(at, $"parameters[{i}].name", Quote(p.Name), "a name that is not also a feature");
        }
        foreach (var name in formula.Right.Variables())
            if (!Features.Contains(name) && !Parameters.Any(p => p.Name == name))
                Errors.Data($"{at.Source}: the formula \"{Formula}\" uses \"{name}\", which is neither a parameter ({List(Parameters.Select(p => p.Name))}) " +
                    $"nor a feature ({List(Features)}); add it to \"parameters\" or \"features\"; {at.Fix}.");
    }

    /// <summary>
    /// The parameters a network of the declared kind, hidden sizes, features and outputs has,
    /// in order, with the shapes the stored ones must have; checked before any layer is built.
    /// </summary>
    private void CheckNetwork(Where at, ModelKind kind, int outputs)
    {
        var (expected, declared) = kind == ModelKind.Conv ? ConvParameters(at, outputs) : DenseParameters(at, kind, outputs);
        if (Parameters.Length != expected.Count)
            Errors.Data($"{at.Source}: {Parameters.Length} parameters are stored ({List(Parameters.Select(p => p.Name))}), but {declared} has {expected.Count} " +
                $"({List(expected.Select(e => e.Name))}); {at.Fix}.");
        for (int i = 0; i < expected.Count; i++)
        {
            var (name, shape) = expected[i];
            var stored = Parameters[i];
            if (stored.Name != name)
                Fail(at, $"parameters[{i}].name", Quote(stored.Name), $"\"{name}\", as parameter {i + 1} of {declared}");
            if (!stored.Shape.AsSpan().SequenceEqual(shape))
                Errors.Data($"{at.Source}: parameter \"{name}\" stores {Count(stored.Values.Length, "value")} in \"shape\": {Shape.Format(stored.Shape)}, " +
                    $"but {declared} needs {Shape.Format(shape)}; the stored values are the model, so {(kind == ModelKind.Conv ? "\"layers\", \"image\"" : "\"hidden\"")}, \"features\" and the classes or targets must fit them; {at.Fix}.");
        }
    }

    /// <summary>
    /// A conv model's parameters, then its kept state, from "layers" and "image" by the walk that
    /// builds the network (<see cref="ConvNet{T}.Plan"/>). The image must cover the features
    /// exactly, so its size is backed by the feature names stored.
    /// </summary>
    private (List<(string Name, int[] Shape)>, string) ConvParameters(Where at, int outputs)
    {
        if (Hidden is not null) Fail(at, "hidden", $"a list of {Hidden.Length}", "no hidden sizes in a conv model (its layers are in \"layers\")");
        if (string.IsNullOrWhiteSpace(Layers)) Fail(at, "layers", Quote(Layers), "the layer list of a conv model, e.g. \"conv:32x3x3,pool:2,dense:128\"");
        IReadOnlyList<LayerSpec> specs = [];
        try { specs = ModelSpec.Parse(Layers).Layers; }
        catch (ArgumentException e) { Errors.Data($"{at.Source}: field \"layers\" is {Quote(Layers)}: {e.Message} {at.Fix}."); }
        if (specs.Count == 0) Fail(at, "layers", Quote(Layers), "a list of layers such as \"conv:32x3x3,pool:2,dense:128\"");
        ImageShape? image = null;
        if (specs.Any(l => l.IsSpatial) || Image is not null)
        {
            if (Image is not [> 0, > 0, > 0] || (long)Image[0] * Image[1] * Image[2] != Features.Length)
                Fail(at, "image", Image is null ? "missing" : Shape.Format(Image), $"[channels, height, width] covering the {Features.Length} features");
            image = StoredImage;
        }
        List<ConvNet<double>.Step> plan = [];
        try { plan = ConvNet<double>.Plan(specs, image, Features.Length, outputs); }
        catch (ArgumentException e) { Errors.Data($"{at.Source}: the layers {Quote(Layers)} do not fit the image {Shape.Format(Image ?? [])}: {e.Message} {at.Fix}."); }
        var expected = plan.SelectMany(p => p.Parameters()).Concat(plan.SelectMany(p => p.State())).ToList();
        return (expected, $"\"kind\": \"conv\", \"layers\": {Quote(Layers)} with {Features.Length} features and {Count(outputs, "output")}");
    }

    /// <summary>The weight and bias of each dense layer of a linear, logistic, softmax or mlp model.</summary>
    private (List<(string Name, int[] Shape)>, string) DenseParameters(Where at, ModelKind kind, int outputs)
    {
        if (Layers is not null || Image is not null) Fail(at, Layers is not null ? "layers" : "image", "present", $"no layers or image in a {Kind} model (remove the field, or set \"kind\": \"conv\")");
        int[] hidden = Hidden ?? [];
        if (kind == ModelKind.Mlp && hidden.Length == 0) Fail(at, "hidden", Hidden is null ? "missing" : "an empty list", "the hidden layer sizes of an mlp, e.g. [16, 16]");
        if (kind != ModelKind.Mlp && hidden.Length > 0) Fail(at, "hidden", $"a list of {hidden.Length}", $"no hidden layers in a {Kind} model (remove the field, or set \"kind\": \"mlp\")");
        for (int i = 0; i < hidden.Length; i++)
            if (hidden[i] < 1) Fail(at, $"hidden[{i}]", hidden[i].ToString(CultureInfo.InvariantCulture), "a positive number of units");
        int layers = hidden.Length + 1;
        var expected = new List<(string Name, int[] Shape)>();
        for (int l = 0; l < layers; l++)
        {
            int fanIn = l == 0 ? Features.Length : hidden[l - 1], fanOut = l < hidden.Length ? hidden[l] : outputs;
            string prefix = layers == 1 ? "" : $"dense{l + 1}.";
            expected.Add((prefix + "weight", [fanIn, fanOut]));
            expected.Add((prefix + "bias", [fanOut]));
        }
        string declared = $"\"kind\": \"{Kind}\"{(hidden.Length > 0 ? $", \"hidden\": {Shape.Format(hidden)}" : "")} with {Features.Length} features and {outputs} output{(outputs == 1 ? "" : "s")}";
        return (expected, declared);
    }

    private static void Names(Where at, string field, string[]? names, int atLeast, string expected)
    {
        if (names is null || names.Length < atLeast)
            Fail(at, field, names is null ? "missing" : names.Length == 0 ? "an empty list" : $"a list of {names.Length}", expected);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (string.IsNullOrEmpty(names[i])) Fail(at, $"{field}[{i}]", Quote(names[i]), "a name");
            if (!seen.Add(names[i])) Fail(at, $"{field}[{i}]", Quote(names[i]), $"a name that appears once in \"{field}\"");
        }
    }

    private static bool TryParse<T>(Func<string, T> parse, string? text, out T value)
    {
        value = default!;
        if (text is null) return false;
        try { value = parse(text); return true; }
        catch (ArgumentException) { return false; }
    }

    private static string Count(long n, string one, string? many = null) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many ?? one + "s");

    private static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string? s) => s is null ? "missing" : $"\"{s}\"";

    private static string List(IEnumerable<string> names)
    {
        var s = string.Join(", ", names);
        return s.Length == 0 ? "none" : s;
    }

    [DoesNotReturn]
    private static void Fail(Where at, string field, string value, string expected) =>
        Errors.Data($"{at.Source}: field \"{field}\" is {value}; expected {expected}; {at.Fix}.");

    [DoesNotReturn]
    private static T Fail<T>(Where at, string field, string value, string expected)
    {
        Fail(at, field, value, expected);
        return default!;
    }
}
