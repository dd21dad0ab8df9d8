using System.Text.Json;
using Downhill.Models;
using Downhill.Nn;

namespace Downhill.Onnx;

/// <summary>
/// Writes a model file as an ONNX model (IR version 8, opset 17 of the default domain), so any
/// ONNX runtime can predict with it. Linear, logistic, softmax and MLP models are dense layers
/// (<c>MatMul</c>, <c>Add</c>, then <c>Relu</c>, <c>Sigmoid</c> or <c>Tanh</c>); a conv model
/// reshapes each row to its image, then <c>Conv</c>, pooling, <c>BatchNormalization</c> and
/// <c>Flatten</c> before its dense layers; a formula model is its
/// formula as a graph of element-wise operators.
/// <para>Input: <see cref="InputName"/>, shape [rows, features] with the features in the order
/// of <see cref="ModelFile.Features"/>, in the model's precision (float32 or float64; formulas
/// are float64). The stored scaler is part of the graph: give the data in its own units.</para>
/// <para>Outputs of a regression model (formulas included): <see cref="PredictionName"/>,
/// [rows, targets], in the targets' units (a stored target scaling is undone in the graph).
/// Outputs of a classifier: <see cref="ProbabilitiesName"/>, [rows, classes], each class's
/// probability in the order of <see cref="ModelFile.Classes"/>; <see cref="LabelName"/>,
/// [rows], int64, the index of the most probable class; and <see cref="ClassName"/>, [rows],
/// its name.</para>
/// <para>Metadata (<c>metadata_props</c>): <c>kind</c>, <c>precision</c>, <c>formula</c> (formulas),
/// and <c>features</c>, <c>targets</c> and <c>classes</c> as JSON arrays of names.</para>
/// <para>The scaler and the classifiers' probabilities are computed in float64 even for a
/// float32 model, as Downhill computes them, then rounded to float32: subtracting a mean in
/// float32 loses the digits that tell a value near the mean from it.</para>
/// <para>A missing input cell (NaN) takes the value the model stores for its feature (fitted
/// with <c>Missing = Mean</c> or <c>Median</c>), as <see cref="Predictor"/> fills it.</para>
/// </summary>
public static partial class OnnxExport
{
    /// <summary>The graph's one input: [rows, features].</summary>
    public const string InputName = "features";

    /// <summary>A regression model's output: [rows, targets].</summary>
    public const string PredictionName = "prediction";

    /// <summary>A classifier's output: [rows, classes], the probability of each class.</summary>
    public const string ProbabilitiesName = "probabilities";

    /// <summary>A classifier's output: [rows], int64, the index into the classes of the most probable one.</summary>
    public const string LabelName = "label";

    /// <summary>A classifier's output: [rows], string, the name of the most probable class.</summary>
    public const string ClassName = "class";

    /// <summary>The symbolic size of the first dimension: any number of rows.</summary>
    private const string Rows = "rows";

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> as ONNX, atomically (a temporary
    /// file renamed over the target). The file is checked first (<see cref="ModelFile.Validate(string)"/>).
    /// </summary>
    public static void Save(ModelFile model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        var bytes = ToBytes(model);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>Writes <paramref name="model"/> as ONNX to <paramref name="stream"/>, which is left open.</summary>
    public static void Save(ModelFile model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToBytes(model));
    }

    /// <summary>The ONNX <c>ModelProto</c> of <paramref name="model"/>, as bytes.</summary>
    public static byte[] ToBytes(ModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Validate();
        var graph = model.Kind switch
        {
            "formula" => FormulaGraph(model),
            "conv" => ConvGraph(model),
            _ => NetworkGraph(model),
        };
        var version = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0";
        string doc = $"A Downhill {model.Kind} model ({model.Task}, {model.Precision}). Input \"{InputName}\": [rows, {model.Features.Length}] " +
            $"({string.Join(", ", model.Features)}), in the data's units. " +
            (model.Classes is null
                ? $"Output \"{PredictionName}\": [rows, {model.Targets.Length}] ({string.Join(", ", model.Targets)})."
                : $"Outputs \"{ProbabilitiesName}\": [rows, {model.Classes.Length}] ({string.Join(", ", model.Classes)}), \"{LabelName}\": [rows] class index, \"{ClassName}\": [rows] class name.");
        return graph.ToModel("downhill_" + model.Kind, doc, Metadata(model), version);
    }

    private static IEnumerable<KeyValuePair<string, string>> Metadata(ModelFile model)
    {
        yield return new("kind", model.Kind);
        yield return new("task", model.Task);
        yield return new("precision", model.Precision);
        if (model.Formula is not null) yield return new("formula", model.Formula);
        yield return new("features", JsonSerializer.Serialize(model.Features));
        yield return new("targets", JsonSerializer.Serialize(model.Targets));
        if (model.Classes is not null) yield return new("classes", JsonSerializer.Serialize(model.Classes));
    }

    private static OnnxType TypeOf(ModelFile model) => model.Precision == "float32" ? OnnxType.Float : OnnxType.Double;

    /// <summary>
    /// Dense layers in sequence, as <see cref="Network{T}"/> computes them: x·W + b, then the
    /// activation on every layer but the last. Parameters come in pairs (weight [in, out], bias
    /// [out]), in layer order; <see cref="ModelFile.Validate(string)"/> has checked their shapes.
    /// </summary>
    private static OnnxGraph NetworkGraph(ModelFile model)
    {
        var g = NetworkInput(model, out string x);
        var activation = HiddenActivation(model);
        int layers = model.Parameters.Length / 2;
        for (int i = 0; i < layers; i++)
            x = DenseLayer(g, x, model.Parameters[2 * i], model.Parameters[2 * i + 1], i < layers - 1 ? activation : Activation.Identity);
        if (model.Classes is not null) ClassifierOutputs(g, model, x, model.OutputCount);
        else PredictionOutput(g, model, x);
        return g;
    }

    /// <summary>A network's graph with its input declared; <paramref name="x"/> is that input filled and scaled (<see cref="Prepared"/>).</summary>
    private static OnnxGraph NetworkInput(ModelFile model, out string x)
    {
        var type = TypeOf(model);
        var g = new OnnxGraph(type);
        g.Input(InputName, type, [Rows, model.Features.Length], $"[rows, features]: {string.Join(", ", model.Features)}");
        x = Prepared(g, model, scale: true);
        return g;
    }

    /// <summary>The activation of hidden layers (and convolutions) as stored; relu when the file names none, as Downhill reads it.</summary>
    private static Activation HiddenActivation(ModelFile model) =>
        model.Activation is null ? Activation.Relu : ActivationNames.Parse(model.Activation);

    /// <summary>x·W + b for a weight [in, out] and bias [out], then <paramref name="activation"/>.</summary>
    private static string DenseLayer(OnnxGraph g, string x, ParameterRecord weight, ParameterRecord bias, Activation activation)
    {
        x = g.Add("MatMul", x, Parameter(g, weight));
        x = g.Add("Add", x, Parameter(g, bias));
        return Activate(g, x, activation);
    }

    /// <summary>A stored parameter (or kept state) as an initializer of its name and shape.</summary>
    private static string Parameter(OnnxGraph g, ParameterRecord p) => g.NDArray(p.Name, p.Values, [.. p.Shape.Select(d => (long)d)]);

    /// <summary>The element-wise operator of <paramref name="activation"/> on <paramref name="x"/>; no node for the identity.</summary>
    private static string Activate(OnnxGraph g, string x, Activation activation) => activation switch
    {
        Activation.Identity => x,
        Activation.Relu => g.Add("Relu", x),
        Activation.Sigmoid => g.Add("Sigmoid", x),
        Activation.Tanh => g.Add("Tanh", x),
        _ => throw new System.Diagnostics.UnreachableException($"activation {activation} has no ONNX operator here"),
    };

    /// <summary>
    /// The input as the model reads it, computed in float64 as Downhill computes it (see the class
    /// remarks): missing cells (NaN) take the values stored with the model (the training rows'
    /// means or medians), then the stored scaler maps each feature, x' = (x - offset) / scale,
    /// unless <paramref name="scale"/> is false (a formula reads its columns as they are).
    /// </summary>
    private static string Prepared(OnnxGraph g, ModelFile model, bool scale)
    {
        var type = TypeOf(model);
        var fill = model.Missing?.Fill;
        var scaler = scale ? model.Scaler : null;
        if (fill is null && scaler is null) return InputName;
        var x = g.Cast(InputName, type, OnnxType.Double);
        long[] row = [model.Features.Length];
        if (fill is not null)
        {
            // A feature without a stored value stays NaN, where Downhill refuses the row.
            var values = model.Features.Select(f => fill.TryGetValue(f, out var v) ? v : double.NaN).ToArray();
            x = g.Add("Where", g.Add("IsNaN", x), g.NDArray(null, values, row, OnnxType.Double), x);
        }
        if (scaler is not null)
        {
            x = g.Add("Sub", x, g.NDArray(null, scaler.FeatureOffset, row, OnnxType.Double));
            x = g.Add("Div", x, g.NDArray(null, scaler.FeatureScale, row, OnnxType.Double));
        }
        return g.Cast(x, OnnxType.Double, type);
    }

    /// <summary>
    /// Raw scores [rows, outputs] to probabilities, label and class name, as <see cref="Predictor.Predict(Data.Dataset)"/>
    /// does: one output is the logit of the second class (p = sigmoid, the first class 1 - p), several
    /// are softmax scores. In float64, then rounded to the model's type.
    /// </summary>
    private static void ClassifierOutputs(OnnxGraph g, ModelFile model, string scores, int width)
    {
        var type = TypeOf(model);
        var wide = g.Cast(scores, type, OnnxType.Double);
        int classes = model.Classes!.Length;
        string probabilities;
        if (width == 1)
        {
            var second = g.Add("Sigmoid", wide);
            var first = g.Add("Sub", g.NDArray(null, [1.0], [], OnnxType.Double), second);
            probabilities = g.Node("Concat", [first, second], null, ("axis", 1));
        }
        else probabilities = g.Node("Softmax", [wide], null, ("axis", 1));
        var label = g.Node("ArgMax", [probabilities], LabelName, ("axis", 1), ("keepdims", 0));
        g.Node("Cast", [probabilities], ProbabilitiesName, ("to", (long)type));
        g.Node("Gather", [g.Strings("class_names", model.Classes), label], ClassName, ("axis", 0));
        g.Output(ProbabilitiesName, type, [Rows, classes], $"[rows, classes]: the probability of each of {string.Join(", ", model.Classes)}");
        g.Output(LabelName, OnnxType.Int64, [Rows], "[rows]: the index of the most probable class");
        g.Output(ClassName, OnnxType.String, [Rows], "[rows]: the name of the most probable class");
    }

    /// <summary>The model's outputs [rows, targets] in the targets' units: a stored target scaling (y = y' t + u) undone in float64.</summary>
    private static void PredictionOutput(OnnxGraph g, ModelFile model, string y)
    {
        var type = TypeOf(model);
        if (model.Scaler is { TargetOffset: { } offset, TargetScale: { } scale })
        {
            var wide = g.Cast(y, type, OnnxType.Double);
            wide = g.Add("Mul", wide, g.NDArray(null, scale, [scale.Length], OnnxType.Double));
            wide = g.Add("Add", wide, g.NDArray(null, offset, [offset.Length], OnnxType.Double));
            y = g.Cast(wide, OnnxType.Double, type);
        }
        g.Node("Identity", [y], PredictionName);
        g.Output(PredictionName, type, [Rows, model.Targets.Length], $"[rows, targets]: {string.Join(", ", model.Targets)}");
    }
}
