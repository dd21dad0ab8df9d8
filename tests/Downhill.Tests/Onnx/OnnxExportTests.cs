using System.Text.Json;
using Downhill.Data;
using Downhill.Formulas;
using Downhill.Models;
using Downhill.Tests.Models;
using Downhill.Nn;
using Downhill.Onnx;
using Downhill.Training;
using Microsoft.ML.OnnxRuntime;

namespace Downhill.Tests.Onnx;

/// <summary>
/// Exported models run in ONNX Runtime, an implementation of ONNX written by others, and must
/// predict what Downhill's <see cref="Predictor"/> predicts for the same rows: the file means
/// what the model means, stored scaler and class names included.
/// </summary>
public sealed class OnnxExportTests
{
    /// <summary>
    /// float32 networks: the two sides sum the dot products in different orders (ONNX Runtime's
    /// MLAS kernels, Downhill's GEMM), each rounding at 2^-24 ≈ 6e-8 per step; a few steps of a small
    /// network stay below 1e-6 of the value.
    /// </summary>
    internal const double Float32Tolerance = 1e-6;

    /// <summary>float64 formulas: the same operators in the same order; library functions may differ by a few ulps (2.2e-16 each).</summary>
    internal const double Float64Tolerance = 1e-12;

    private static ModelFile Fit(Dataset data, string model, Activation activation = Activation.Relu, Precision? precision = null) =>
        Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse(model), Activation = activation, Precision = precision, Training = new TrainingOptions { Epochs = 5 },
        }).Model;

    /// <summary>The model's inputs for <paramref name="data"/>, as the Predictor reads them: [rows, features] in the file's order.</summary>
    private static double[] FeatureRows(ModelFile model, Dataset data)
    {
        int n = data.Count, f = model.Features.Length;
        var x = new double[n * f];
        for (int j = 0; j < f; j++)
        {
            var column = data.Column(model.Features[j]);
            for (int i = 0; i < n; i++) x[i * f + j] = column[i];
        }
        return x;
    }

    /// <summary>Runs the exported bytes in ONNX Runtime; every output by name.</summary>
    private static Dictionary<string, Array> RunOnnx(byte[] onnx, ModelFile model, int rows, double[] x, out IDictionary<string, string> metadata)
    {
        using var session = new InferenceSession(onnx);
        metadata = session.ModelMetadata.CustomMetadataMap;
        int[] shape = [rows, model.Features.Length];
        var input = model.Precision == "float32"
            ? NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(x.Select(v => (float)v).ToArray(), shape))
            : NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<double>(x, shape));
        using var results = session.Run([input]);
        return results.ToDictionary(r => r.Name, r => r.Value switch
        {
            Microsoft.ML.OnnxRuntime.Tensors.Tensor<float> t => (Array)t.ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.Tensor<double> t => t.ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.Tensor<long> t => t.ToArray(),
            Microsoft.ML.OnnxRuntime.Tensors.Tensor<string> t => t.ToArray(),
            var other => throw new InvalidOperationException($"output {r.Name} is a {other?.GetType()}"),
        });
    }

    private static double[] Doubles(Array values) => values switch
    {
        float[] f => [.. f.Select(v => (double)v)],
        double[] d => d,
        _ => throw new InvalidOperationException(values.GetType().Name),
    };

    /// <summary>
    /// Relative to the largest value of the output column: a value near zero that is the
    /// difference of large terms (y = y' t + u undoing the target scaling) keeps only the
    /// absolute accuracy of those terms.
    /// </summary>
    private static void AssertClose(double[] expected, double[] actual, int columns, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var scale = new double[columns];
        for (int i = 0; i < expected.Length; i++) scale[i % columns] = Math.Max(scale[i % columns], Math.Abs(expected[i]));
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]), relative = error == 0 ? 0 : error / scale[i % columns];
            Assert.True(relative <= tolerance,
                $"{what}[{i / columns}, {i % columns}]: ONNX Runtime gives {actual[i]:R}, Downhill {expected[i]:R}: error {relative:E2} of the column's largest value > {tolerance:E0}");
        }
    }

    /// <summary>Exports, runs in ONNX Runtime, and compares with Predictor.Predict on the same rows.</summary>
    internal static void AssertOnnxMatches(ModelFile model, Dataset data, double tolerance)
    {
        var stream = new MemoryStream();
        OnnxExport.Save(model, stream);
        var outputs = RunOnnx(stream.ToArray(), model, data.Count, FeatureRows(model, data), out var metadata);
        var expected = new Predictor(model).Predict(data);
        Assert.Equal(model.Kind, metadata["kind"]);
        Assert.Equal(model.Features, JsonSerializer.Deserialize<string[]>(metadata["features"]));
        Assert.Equal(model.Targets, JsonSerializer.Deserialize<string[]>(metadata["targets"]));
        if (expected.Classes is null)
        {
            Assert.Equal([OnnxExport.PredictionName], outputs.Keys);
            AssertClose(expected.Values, Doubles(outputs[OnnxExport.PredictionName]), model.Targets.Length, tolerance, OnnxExport.PredictionName);
            return;
        }
        Assert.Equal(model.Classes, JsonSerializer.Deserialize<string[]>(metadata["classes"]));
        AssertClose(expected.Probabilities!, Doubles(outputs[OnnxExport.ProbabilitiesName]), model.Classes!.Length, tolerance, OnnxExport.ProbabilitiesName);
        Assert.Equal(expected.Classes.Select(c => (long)c), (long[])outputs[OnnxExport.LabelName]);
        Assert.Equal(expected.Classes.Select(c => expected.ClassNames![c]), (string[])outputs[OnnxExport.ClassName]);
    }

    [Theory]
    [InlineData("linear", Activation.Relu)]
    [InlineData("mlp:8,5", Activation.Relu)]
    [InlineData("mlp:8,5", Activation.Sigmoid)]
    [InlineData("mlp:8,5", Activation.Tanh)]
    [InlineData("mlp:8,5", Activation.Identity)]
    public void Regression_models_predict_in_onnx_runtime_what_they_predict_in_downhill(string model, Activation activation)
    {
        var data = SmallSets.Regression();
        var file = Fit(data, model, activation);
        Assert.Equal("float32", file.Precision);
        Assert.NotNull(file.Scaler?.TargetOffset); // the graph must undo the target scaling as well as scale the inputs
        AssertOnnxMatches(file, data, Float32Tolerance);
    }

    [Fact]
    public void Every_activation_is_tested()
    {
        var tested = typeof(OnnxExportTests).GetMethod(nameof(Regression_models_predict_in_onnx_runtime_what_they_predict_in_downhill))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (Activation)a.GetData(null!).First()[1]).ToHashSet();
        Assert.Equal(Enum.GetValues<Activation>().ToHashSet(), tested);
    }

    [Theory]
    [InlineData("logistic", 2)]
    [InlineData("softmax", 3)]
    [InlineData("mlp:6", 3)]
    [InlineData("mlp:6", 2)]
    public void Classifiers_give_the_same_probabilities_labels_and_class_names(string model, int classes)
    {
        var data = SmallSets.Classification(classes);
        AssertOnnxMatches(Fit(data, model), data, Float32Tolerance);
    }

    /// <summary>A model fitted with Missing = Mean fills a missing cell (NaN) with the training mean, in the graph as in Downhill.</summary>
    [Theory]
    [InlineData("linear")]
    [InlineData("mlp:4")]
    public void Missing_cells_take_the_stored_fill(string model)
    {
        static Dataset Read(string csv, DataOptions options) => Csv.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), "test.csv", options);
        var training = "a,b,y\n" + string.Join("\n", Enumerable.Range(0, 12).Select(i => i == 5 ? $"{i},,{i}" : $"{i},{i * i % 7},{2 * i - i * i % 7}"));
        var file = Fitting.Fit(Read(training, new DataOptions { Targets = ["y"], Missing = MissingValues.Mean }),
            new FitSettings { Model = ModelSpec.Parse(model), Training = new TrainingOptions { Epochs = 3 } }).Model;
        Assert.NotNull(file.Missing?.Fill);
        var data = Read("a,b\n1,2\n3,\n,4\n", new Predictor(file).DataOptions(withTargets: false));
        Assert.Equal(2, data.MissingCells);
        AssertOnnxMatches(file, data, Float32Tolerance);
    }

    [Fact]
    public void A_float64_network_exports_as_double()
    {
        var data = SmallSets.Regression();
        var file = Fit(data, "mlp:8", Activation.Tanh, Precision.Float64);
        Assert.Equal("float64", file.Precision);
        AssertOnnxMatches(file, data, Float64Tolerance);
    }

    /// <summary>Every function of the formula language in one formula, each where it is defined (x runs over 0.1..3.9).</summary>
    private const string EveryFunction =
        "y = a*exp(b*x) + log(x + 2) + sqrt(x + 1) + abs(x - c) + sin(x) + cos(x) + tan(x/4) + tanh(x) + sigmoid(x) + relu(x - 1) " +
        "+ softplus(x) + min(x, c) + max(x, a) + pow(x + 1, b) + atan(x) + asin(x/5) + acos(x/5) + sinh(x) + cosh(x) + log10(x + 2) " +
        "+ (x - c)^3 - 2*pi*x + e + exp(-sqrt(2)) - -x";

    private static Dataset Curve()
    {
        var x = Enumerable.Range(1, 39).Select(i => i * 0.1).ToArray();
        return Dataset.Regression(["x", "y"], [.. x.SelectMany(v => new[] { v, 2.5 * Math.Exp(-0.4 * v) + 0.1 * v + 3 })], [], []);
    }

    private static ModelFile FitFormula(string formula, int iterations) => Fitting.Fit(Curve(), new FitSettings
    {
        Model = ModelSpec.Parse(formula), Optimizer = "lm", MaxIterations = iterations,
        Init = new Dictionary<string, double> { ["a"] = 1, ["b"] = -0.1, ["c"] = 1.5 }.Where(p => formula.Contains(p.Key + "*") || formula.Contains(p.Key + ")")).ToDictionary(),
    }).Model;

    [Fact]
    public void A_formula_with_every_function_matches_to_1e12()
    {
        foreach (var f in Enum.GetValues<FormulaFunction>().Select(FormulaFunctions.Name))
            Assert.Contains(f + "(", EveryFunction);
        var file = FitFormula(EveryFunction, 3);
        Assert.Equal("float64", file.Precision);
        AssertOnnxMatches(file, Curve(), Float64Tolerance);
    }

    /// <summary>
    /// One function at a time, so a small error is not lost in a large sum; the cases reach both
    /// branches of sinh (series below 0.01), softplus far on either side of 0, and atan near 0 and near ±π/2.
    /// </summary>
    [Theory]
    [InlineData("exp(x)")]
    [InlineData("log(x)")]
    [InlineData("sqrt(x)")]
    [InlineData("abs(x - 2)")]
    [InlineData("sin(x)")]
    [InlineData("cos(x)")]
    [InlineData("tan(x/4)")]
    [InlineData("tanh(x)")]
    [InlineData("sigmoid(x - 2)")]
    [InlineData("relu(x - 2)")]
    [InlineData("softplus(x - 2)")]
    [InlineData("softplus(60 - 20*x)")]
    [InlineData("softplus(x - 60)")]
    [InlineData("min(x, 2)")]
    [InlineData("max(x, 2)")]
    [InlineData("pow(x, 1.5)")]
    [InlineData("x^-2")]
    [InlineData("atan(x)")]
    [InlineData("atan(x/1000)")]
    [InlineData("atan(-100*x)")]
    [InlineData("atan(1e17*x)")]
    [InlineData("asin(x/4)")]
    [InlineData("asin(-x/4)")]
    [InlineData("acos(x/4)")]
    [InlineData("acos(-x/4)")]
    [InlineData("sinh(x)")]
    [InlineData("sinh(x/1000)")]
    [InlineData("sinh(-x/1000)")]
    [InlineData("cosh(x)")]
    [InlineData("log10(x)")]
    public void Each_function_matches_on_its_own(string function) =>
        AssertOnnxMatches(FitFormula($"y = a*{function}", 1), Curve(), Float64Tolerance);

    [Fact]
    public void A_damaged_model_is_refused_by_the_model_file_checks_before_anything_is_written()
    {
        var file = Fit(SmallSets.Regression(), "linear");
        var damaged = file with { Parameters = [file.Parameters[0] with { Shape = [2, 2] }, file.Parameters[1]] };
        var stream = new MemoryStream();
        var e = Assert.Throws<DataFileException>(() => OnnxExport.Save(damaged, stream));
        Assert.Contains("\"weight\"", e.Message);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Save_to_a_path_writes_the_same_bytes_as_to_a_stream()
    {
        var file = Fit(SmallSets.Regression(), "linear");
        var path = Path.Combine(Path.GetTempPath(), $"downhill-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExport.Save(file, path);
            Assert.Equal(OnnxExport.ToBytes(file), File.ReadAllBytes(path));
        }
        finally { File.Delete(path); }
    }
}
