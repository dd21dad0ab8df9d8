using System.Globalization;
using System.Text;
using Downhill.Data;
using Downhill.Models;
using Downhill.Training;

namespace Downhill.Tests.Data;

/// <summary>Fill values come from the training rows alone, travel in the model file, and are what predict uses.</summary>
public class MissingFillTests
{
    private static Dataset Read(string text, DataOptions options) =>
        Csv.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "data.csv", options);

    /// <summary>y = 2a - b + 1, with a missing on every fifth row; a grows with the row so a subset's mean differs from the whole's.</summary>
    private static string Rows()
    {
        var text = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 40; i++)
        {
            double a = i * i * 0.1, b = i % 3;
            text.Append(CultureInfo.InvariantCulture, $"{(i % 5 == 2 ? "NA" : a.ToString("R", CultureInfo.InvariantCulture))},{b},{2 * a - b + 1}\n");
        }
        return text.ToString();
    }

    private static double MeanOfPresent(double[] values) => values.Where(v => !double.IsNaN(v)).Average();

    private static FitSettings Linear(double validation) => new()
    {
        Model = ModelSpec.Parse("linear"),
        Training = new TrainingOptions { Epochs = 3, Seed = 11 },
        ValidationFraction = validation,
    };

    [Fact]
    public void The_fill_is_the_mean_of_the_training_rows_only_and_is_stored_in_the_model_file()
    {
        var data = Read(Rows(), new DataOptions { Targets = ["y"], Missing = MissingValues.Mean });
        var outcome = Fitting.Fit(data, Linear(validation: 0.25));

        var (train, _) = data.Split(0.25, seed: 11);
        double trainMean = MeanOfPresent(train.Column("a")), allMean = MeanOfPresent(data.Column("a"));
        Assert.NotEqual(allMean, trainMean, 6);     // the test could tell the two apart
        Assert.Equal(MissingValues.Mean, outcome.Model.Missing!.Policy);
        Assert.Equal(trainMean, outcome.Model.Missing.Fill!["a"], 12);
        Assert.Equal(MeanOfPresent(train.Column("b")), outcome.Model.Missing.Fill["b"], 12);

        var json = outcome.Model.ToJson();
        Assert.Contains("\"missing\": {", json);
        Assert.Contains("\"policy\": \"mean\"", json);
        var loaded = ModelFile.Load(WriteTemp(json));
        Assert.Equal(outcome.Model.Missing.Fill, loaded.Missing!.Fill);
    }

    [Fact]
    public void Predict_fills_a_missing_feature_with_the_stored_value()
    {
        var data = Read(Rows(), new DataOptions { Targets = ["y"], Missing = MissingValues.Median });
        var model = Fitting.Fit(data, Linear(validation: 0)).Model;
        double median = model.Missing!.Fill!["a"];
        var predictor = new Predictor(model);
        var options = predictor.DataOptions(withTargets: false);
        Assert.Equal(MissingValues.Mean, options.Missing);   // keep missing features for the stored fill

        var withGap = Read("a,b\nNA,1\n3,2\n", options);
        var filledByHand = Read(FormattableString.Invariant($"a,b\n{median:R},1\n3,2\n"), options);
        Assert.Equal(predictor.Predict(filledByHand).Values, predictor.Predict(withGap).Values);
    }

    [Fact]
    public void A_model_fitted_with_drop_refuses_missing_cells_to_predict_and_drops_them_to_evaluate()
    {
        var data = Read(Rows(), new DataOptions { Targets = ["y"], Missing = MissingValues.Drop });
        Assert.Equal(8, data.DroppedRows);
        var model = Fitting.Fit(data, Linear(validation: 0)).Model;
        Assert.Equal(MissingValues.Drop, model.Missing!.Policy);
        Assert.Null(model.Missing.Fill);
        var predictor = new Predictor(model);
        var gaps = Read("a,b\n1,2\n3,NA\n", predictor.DataOptions(withTargets: false));
        Assert.Equal("data.csv: 1 feature cell is missing, the first in data row 2, column \"b\"; the model was fitted leaving such rows out (DataOptions.Missing = MissingValues.Drop), " +
            "so it has no values to fill them with. Fill the cells in, or fit with DataOptions.Missing = MissingValues.Mean or median to store fill values in the model.",
            Assert.Throws<DataFileException>(() => predictor.Predict(gaps)).Message);
        var labelled = Read("a,b,y\n1,2,3\n3,NA,5\n4,1,?\n", predictor.DataOptions(withTargets: true));
        Assert.Equal(1, labelled.Count);
        Assert.Equal(2, labelled.DroppedRows);
    }

    [Fact]
    public void A_formula_never_fills_its_left_side_and_leaves_out_rows_without_it()
    {
        // y = 2x + 1 where present; y is missing on the rows x = 1 and x = 5, x on the row y = 7.
        var data = Read("x,y\n0,1\n1,\n2,5\nNA,7\n4,9\n5,NA\n6,13\n", new DataOptions { Missing = MissingValues.Mean });
        var settings = new FitSettings { Model = ModelSpec.Parse("y = a*x + b"), Optimizer = Fitting.LevenbergMarquardtName };
        var outcome = Fitting.Fit(data, settings);
        Assert.Equal(5, outcome.TrainRows);   // the rows x = 1 and x = 5 are left out, not given the mean of y
        // x's fill is the mean of 0, 2, 4, 6 (the rows kept): 3, where y = 7 = 2 * 3 + 1, so the line stays exact.
        Assert.Equal(new Dictionary<string, double> { ["x"] = 3 }, outcome.Model.Missing!.Fill);
        Assert.Equal(2, outcome.Model.Parameters.Single(p => p.Name == "a").Values[0], 9);
        Assert.Equal(1, outcome.Model.Parameters.Single(p => p.Name == "b").Values[0], 9);
    }

    [Fact]
    public void A_fit_without_a_policy_stores_no_missing_field()
    {
        var data = Read("a,y\n1,2\n2,4\n3,6\n", new DataOptions { Targets = ["y"] });
        var model = Fitting.Fit(data, Linear(validation: 0)).Model;
        Assert.Null(model.Missing);
        Assert.DoesNotContain("\"missing\"", model.ToJson());
    }

    private static string WriteTemp(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"downhill-missing-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return path;
    }
}
