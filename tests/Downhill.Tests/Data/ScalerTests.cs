using System.Text.Json;
using Downhill.Data;

namespace Downhill.Tests.Data;

public class ScalerTests
{
    // Column a = 1, 2, 3, 4 (mean 2.5, population std sqrt(1.25)); column b constant 7; y = 2a + 3b + 1.
    private static Dataset Sample() =>
        Dataset.Regression(["a", "b"], [1, 7, 2, 7, 3, 7, 4, 7], ["y"], [24, 26, 28, 30]);

    [Fact]
    public void Standard_uses_mean_and_population_std_and_leaves_constant_columns_at_scale_one()
    {
        var s = Scaler.Fit(Sample(), ScalerKind.Standard);
        Assert.Equal([2.5, 7], s.FeatureOffset);
        Assert.Equal([Math.Sqrt(1.25), 1], s.FeatureScale);
        var f = Sample().WithScaler(s).Features<double>().ToArray();
        Assert.All(f, v => Assert.False(double.IsNaN(v)));
        Assert.Equal(-1.5 / Math.Sqrt(1.25), f[0], 15);
        Assert.Equal(0.0, f[1]);
        Assert.Null(s.TargetOffset);
    }

    [Fact]
    public void MinMax_maps_training_range_to_unit_interval()
    {
        var s = Scaler.Fit(Sample(), ScalerKind.MinMax, scaleTargets: true);
        Assert.Equal([1.0, 7], s.FeatureOffset);
        Assert.Equal([3.0, 1], s.FeatureScale);
        Assert.Equal([24.0], s.TargetOffset!);
        Assert.Equal([6.0], s.TargetScale!);
        var scaled = Sample().WithScaler(s);
        Assert.Equal([0, 1 / 3.0, 2 / 3.0, 1], scaled.Features<double>().ToArray().Where((_, i) => i % 2 == 0));
        Assert.Equal([0, 1 / 3.0, 2 / 3.0, 1], scaled.Targets<double>().ToArray());
        // Column gives original units whatever the scaler.
        Assert.Equal([1.0, 2, 3, 4], scaled.Column("a"));
    }

    [Fact]
    public void Inverse_linear_gives_the_same_predictions_in_original_units()
    {
        var s = Scaler.Fit(Sample(), ScalerKind.Standard, scaleTargets: true);
        double[] w = [0.7, -1.3], b = [0.2];
        var (wo, bo) = s.InverseLinear(w, b);
        var data = Sample();
        for (int i = 0; i < data.Count; i++)
        {
            var row = new[] { data.Column("a")[i], data.Column("b")[i] };
            var scaledRow = (double[])row.Clone();
            s.TransformFeatures(scaledRow);
            var prediction = new[] { w[0] * scaledRow[0] + w[1] * scaledRow[1] + b[0] };
            s.InverseTargets(prediction);
            Assert.Equal(prediction[0], wo[0] * row[0] + wo[1] * row[1] + bo[0], 12);
        }
    }

    [Fact]
    public void None_is_the_identity()
    {
        var s = Scaler.Fit(Sample(), ScalerKind.None);
        Assert.Equal(Sample().Features<double>().ToArray(), Sample().WithScaler(s).Features<double>().ToArray());
    }

    [Fact]
    public void Round_trips_through_json()
    {
        var s = Scaler.Fit(Sample(), ScalerKind.Standard, scaleTargets: true);
        var back = JsonSerializer.Deserialize<Scaler>(JsonSerializer.Serialize(s))!;
        Assert.Equal(s.Kind, back.Kind);
        Assert.Equal(s.FeatureOffset, back.FeatureOffset);
        Assert.Equal(s.FeatureScale, back.FeatureScale);
        Assert.Equal(s.TargetOffset!, back.TargetOffset!);
        Assert.Equal(s.TargetScale!, back.TargetScale!);
    }

    [Fact]
    public void Wrong_width_is_an_error()
    {
        var s = Scaler.Fit(Sample(), ScalerKind.Standard);
        var other = Dataset.Regression(["a"], [1, 2], ["y"], [1, 2]);
        Assert.Equal("(in memory): the scaler was fitted on 2 features but this data has 1; fit the scaler on data with the same columns.",
            Assert.Throws<DataFileException>(() => other.WithScaler(s)).Message);
        Assert.Throws<ArgumentException>(() => new Scaler(ScalerKind.Standard, [0], [0]));
    }
}
