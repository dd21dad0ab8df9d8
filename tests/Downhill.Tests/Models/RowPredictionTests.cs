using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;
using Downhill.Training;

namespace Downhill.Tests.Models;

/// <summary>
/// Predictor.Predict on rows given by feature name: each row's result must carry the same bits
/// as that row of Predict(Dataset), the whole-data path the CLI uses, for every model kind.
/// </summary>
public sealed class RowPredictionTests
{
    private static Dictionary<string, double> RowOf(Dataset data, int i) =>
        data.FeatureNames.Select((name, j) => (name, j)).ToDictionary(p => p.name, p => data.RawFeature(i, p.j));

    private static Predictor Fitted(Dataset data, string model, Activation activation = Activation.Relu) =>
        new(Fitting.Fit(data, new FitSettings { Model = ModelSpec.Parse(model), Activation = activation, Training = new TrainingOptions { Epochs = 3 } }).Model);

    private static void AssertSameBits(double expected, double actual, string what) =>
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{what}: {expected:R} by the data set, {actual:R} by the row");

    private static void AssertRowsMatchDataset(Predictor predictor, Dataset data)
    {
        var whole = predictor.Predict(data);
        var many = predictor.Predict(Enumerable.Range(0, data.Count).Select(i => (IReadOnlyDictionary<string, double>)RowOf(data, i)));
        Assert.Equal(data.Count, many.Count);
        for (int i = 0; i < data.Count; i++)
        {
            var one = predictor.Predict(RowOf(data, i));
            foreach (var row in new[] { one, many[i] })
            {
                if (predictor.IsClassifier)
                {
                    Assert.Equal(whole.ClassNames![whole.Classes![i]], row.Class);
                    int c = whole.ClassNames.Length;
                    Assert.Equal(whole.ClassNames, row.Probabilities!.Keys);
                    for (int k = 0; k < c; k++)
                        AssertSameBits(whole.Probabilities![i * c + k], row.Probabilities[whole.ClassNames[k]], $"row {i}, p({whole.ClassNames[k]})");
                    Assert.Empty(row.Values);
                }
                else
                {
                    int t = whole.Columns.Length;
                    Assert.Equal(whole.Columns, row.Values.Keys);
                    for (int k = 0; k < t; k++)
                        AssertSameBits(whole.Values[i * t + k], row.Values[whole.Columns[k]], $"row {i}, {whole.Columns[k]}");
                    Assert.Null(row.Class);
                    Assert.Null(row.Probabilities);
                }
            }
        }
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("mlp:8,5")]
    public void Regression_rows_equal_the_dataset_path_bit_for_bit(string model)
    {
        var data = SmallSets.Regression();
        AssertRowsMatchDataset(Fitted(data, model), data);
    }

    /// <summary>tanh and the sigmoid, like exp, have vectorized kernels: a guard that the lone row agrees with them too.</summary>
    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    public void Smooth_activations_give_the_same_bits_too(Activation activation)
    {
        var data = SmallSets.Regression();
        AssertRowsMatchDataset(Fitted(data, "mlp:8", activation), data);
    }

    [Theory]
    [InlineData("logistic", 2)]
    [InlineData("softmax", 3)]
    [InlineData("mlp:6", 3)]
    public void Classifier_rows_equal_the_dataset_path_bit_for_bit(string model, int classes)
    {
        var data = SmallSets.Classification(classes);
        AssertRowsMatchDataset(Fitted(data, model), data);
    }

    [Fact]
    public void Formula_rows_equal_the_dataset_path_bit_for_bit()
    {
        var x = Enumerable.Range(0, 20).Select(i => i * 0.3).ToArray();
        var data = Dataset.Regression(["x", "y"], [.. x.SelectMany(v => new[] { v, 2.5 * Math.Exp(-0.4 * v) + 0.1 })], [], []);
        var predictor = new Predictor(Fitting.Fit(data, new FitSettings
        {
            Model = ModelSpec.Parse("y = a*exp(b*x) + c"), Optimizer = "lm",
            Init = new Dictionary<string, double> { ["a"] = 1, ["b"] = -0.1, ["c"] = 0 },
        }).Model);
        AssertRowsMatchDataset(predictor, data);
        // The formula reads only x: the row needs no y.
        Assert.Equal(["y"], predictor.Predict(new Dictionary<string, double> { ["x"] = 1.5 }).Values.Keys);
    }

    [Fact]
    public void A_NaN_takes_the_stored_fill_as_a_missing_cell_of_a_file_does()
    {
        static Dataset Read(string csv, DataOptions options) => Csv.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), "test.csv", options);
        var training = "a,b,y\n" + string.Join("\n", Enumerable.Range(0, 12).Select(i => i == 5 ? $"{i},,{i}" : $"{i},{i * i % 7},{2 * i - i * i % 7}"));
        var predictor = new Predictor(Fitting.Fit(Read(training, new DataOptions { Targets = ["y"], Missing = MissingValues.Mean }),
            new FitSettings { Model = ModelSpec.Parse("linear"), Training = new TrainingOptions { Epochs = 3 } }).Model);
        Assert.NotNull(predictor.File.Missing?.Fill);
        var file = Read("a,b\n1,2\n3,\n", predictor.DataOptions(withTargets: false));
        double expected = predictor.Predict(file).Values[1];
        AssertSameBits(expected, predictor.Predict(new Dictionary<string, double> { ["a"] = 3, ["b"] = double.NaN }).Values["y"], "a = 3, b missing");

        var noFill = Fitted(SmallSets.Regression(), "linear");
        var e = Assert.Throws<DataFileException>(() => noFill.Predict(new Dictionary<string, double> { ["a"] = 1, ["b"] = double.NaN, ["c"] = 3 }));
        Assert.StartsWith("the row: 1 feature cell is missing, the first in data row 1, column \"b\"", e.Message);
    }

    [Fact]
    public void A_missing_feature_is_named_with_the_expected_ones()
    {
        var predictor = Fitted(SmallSets.Regression(), "linear");
        var e = Assert.Throws<ArgumentException>(() => predictor.Predict(new Dictionary<string, double> { ["a"] = 1, ["B"] = 2, ["c"] = 3 }));
        Assert.StartsWith("the row has no feature \"b\"; the model expects \"a\", \"b\", \"c\" (it has \"a\", \"B\", \"c\").", e.Message);
        var rows = new[] { new Dictionary<string, double> { ["a"] = 1, ["b"] = 2, ["c"] = 3 }, new Dictionary<string, double> { ["a"] = 1, ["b"] = 2 } };
        e = Assert.Throws<ArgumentException>(() => predictor.Predict(rows));
        Assert.StartsWith("rows[1] has no feature \"c\"; the model expects \"a\", \"b\", \"c\"", e.Message);
    }

    [Fact]
    public void No_rows_give_no_predictions()
    {
        Assert.Empty(Fitted(SmallSets.Regression(), "linear").Predict(Array.Empty<IReadOnlyDictionary<string, double>>()));
    }
}
