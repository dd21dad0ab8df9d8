using Downhill.Data;

namespace Downhill.Tests.Data;

public class DatasetTests
{
    private static Dataset Numbers(int rows)
    {
        // Row i: features (i, 10 i), target 100 i, so every value says which row it came from.
        var x = new double[rows * 2];
        var y = new double[rows];
        for (int i = 0; i < rows; i++) { x[2 * i] = i; x[2 * i + 1] = 10 * i; y[i] = 100 * i; }
        return Dataset.Regression(["a", "b"], x, ["y"], y);
    }

    [Fact]
    public void Features_and_targets_copy_the_asked_rows()
    {
        var d = Numbers(5);
        var f = d.Features<float>([3, 1, 3]);
        Assert.Equal([3, 2], f.Shape.Dimensions.ToArray());
        Assert.Equal([3f, 30, 1, 10, 3, 30], f.ToArray());
        Assert.Equal([300.0, 100, 300], d.Targets<double>([3, 1, 3]).ToArray());
    }

    [Fact]
    public void Split_is_deterministic_disjoint_and_complete()
    {
        var d = Numbers(100);
        var (train1, validation1) = d.Split(0.2, seed: 42);
        var (train2, validation2) = d.Split(0.2, seed: 42);
        var (_, validation3) = d.Split(0.2, seed: 43);
        Assert.Equal(80, train1.Count);
        Assert.Equal(20, validation1.Count);
        Assert.Equal(validation1.Column("a"), validation2.Column("a"));
        Assert.Equal(train1.Column("a"), train2.Column("a"));
        Assert.NotEqual(validation1.Column("a"), validation3.Column("a"));
        var all = train1.Column("a").Concat(validation1.Column("a")).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (double)i), all);
        // Rows stay whole: target and features move together, and each part keeps file order.
        Assert.Equal(validation1.Column("a").Select(a => 100 * a), validation1.Column("y"));
        Assert.Equal(validation1.Column("a").Order(), validation1.Column("a"));
    }

    [Fact]
    public void Split_fractions_that_leave_a_side_empty_are_errors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbers(10).Split(1.0, 1));
        Assert.Equal("(in memory): holding out 0.01 of 10 rows leaves no validation rows; use a fraction that keeps at least one row on each side.",
            Assert.Throws<DataFileException>(() => Numbers(10).Split(0.01, 1)).Message);
    }

    [Fact]
    public void Subset_keeps_labels_ids_and_class_names()
    {
        var d = Dataset.Classification(["x"], [1, 2, 3], "kind", [0, 1, 0], ["cat", "dog"]);
        var s = d.Subset([1, 1, 2]);
        Assert.Equal([1, 1, 0], s.Labels!);
        Assert.Equal(["cat", "dog"], s.ClassNames!);
        Assert.Equal([2.0, 2, 3], s.Column("x"));
        Assert.Equal([0.0, 1, 0, 1, 1, 0], s.Targets<double>().ToArray());
    }

    [Fact]
    public void Bad_rows_and_columns_are_errors()
    {
        var d = Numbers(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Subset([3]));
        Assert.Equal("(in memory): no column \"c\" (the columns are: a, b, y).", Assert.Throws<DataFileException>(() => d.Column("c")).Message);
        Assert.Equal("(in memory) has no class labels (its target is numeric); a text target, or TargetKind.Classification, makes classes.",
            Assert.Throws<DataFileException>(() => d.LabelsOf()).Message);
    }

    [Fact]
    public void Id_column_rides_along_and_is_not_a_feature()
    {
        var d = Csv.Read(new MemoryStream("name,x,y\nann,1,2\nbob,3,4\n"u8.ToArray()), "p.csv", new DataOptions { Targets = ["y"], Id = "name" });
        Assert.Equal(["x"], d.FeatureNames);
        Assert.Equal("name", d.IdName);
        Assert.Equal(["bob"], d.Subset([1]).Ids!);
    }
}
