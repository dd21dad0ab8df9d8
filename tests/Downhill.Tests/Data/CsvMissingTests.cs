using System.Globalization;
using System.Text;
using Downhill.Data;

namespace Downhill.Tests.Data;

/// <summary>Missing cells under each <see cref="MissingValues"/> policy, checked against hand-counted rows and hand-computed fills.</summary>
public class CsvMissingTests
{
    private static Dataset Read(string text, DataOptions options = default, int threads = 1, int minPartBytes = 1 << 20) =>
        Csv.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "data.csv", options, threads, minPartBytes);

    private static string ErrorOf(string text, DataOptions options = default, int threads = 1, int minPartBytes = 1 << 20) =>
        Assert.Throws<DataFileException>(() => Read(text, options, threads, minPartBytes)).Message;

    private const string Fix = " Fill them in, or choose what to do with them: DataOptions.Missing = MissingValues.Drop leaves those rows out; " +
        "DataOptions.Missing = MissingValues.Mean (or median) fills a missing feature from the training rows and leaves out rows whose target is missing.";

    [Fact]
    public void By_default_missing_cells_are_refused_with_their_count_first_places_and_the_fix()
    {
        const string text = "a,b,y\n1,,3\nNA,2,?\n4,5,6\nn/a,null,-\n7,NaN,8\n";
        Assert.Equal("data.csv: 7 cells are missing (empty, or NA, N/A, NaN, null, ? or -), the first at line 2 column \"b\", " +
            "line 3 column \"a\", line 3 column \"y\", line 5 column \"a\", line 5 column \"b\"." + Fix,
            ErrorOf(text, new DataOptions { Targets = ["y"] }));
        Assert.Equal("data.csv: 1 cell is missing (empty, or NA, N/A, NaN, null, ? or -), at line 3 column \"x\"." + Fix,
            ErrorOf("x,y\n1,2\n ,3\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("NA")]
    [InlineData("na")]
    [InlineData("N/A")]
    [InlineData("n/a")]
    [InlineData("#N/A")]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("null")]
    [InlineData("NULL")]
    [InlineData("None")]
    [InlineData("?")]
    [InlineData("-")]
    [InlineData(" NA ")]
    [InlineData("\"NA\"")]
    public void Every_marker_is_a_missing_cell(string marker)
    {
        var d = Read($"x,y\n1,10\n{marker},20\n3,30\n", new DataOptions { Targets = ["y"], Missing = MissingValues.Drop });
        Assert.Equal([1.0, 3], d.Features<double>().ToArray());
        Assert.Equal([10.0, 30], d.Targets<double>().ToArray());
        Assert.Equal(1, d.DroppedRows);
    }

    [Theory]
    [InlineData("--", "\"--\" is not a number")]
    [InlineData("NAN2", "\"NAN2\" is not a number")]
    [InlineData("-inf", "\"-inf\" is not a finite number")]
    public void Text_that_only_looks_like_a_marker_is_still_an_error(string cell, string what)
    {
        Assert.StartsWith($"data.csv line 3, column \"x\": {what}", ErrorOf($"x,y\n1,10\n{cell},20\n", new DataOptions { Targets = ["y"], Missing = MissingValues.Drop }));
    }

    [Fact]
    public void Drop_leaves_out_rows_with_any_missing_cell_and_keeps_ids_beside_their_rows()
    {
        var d = Read("id,a,b,y\nr1,1,2,3\nr2,,5,6\nr3,7,8,9\nr4,10,11,NA\nr5,13,14,15\n",
            new DataOptions { Id = "id", Targets = ["y"], Missing = MissingValues.Drop });
        Assert.Equal(["r1", "r3", "r5"], d.Ids!);
        Assert.Equal([1.0, 2, 7, 8, 13, 14], d.Features<double>().ToArray());
        Assert.Equal([3.0, 9, 15], d.Targets<double>().ToArray());
        Assert.Equal(2, d.DroppedRows);
        Assert.Equal(0, d.MissingCells);
    }

    [Fact]
    public void Mean_keeps_missing_features_for_filling_and_never_makes_up_a_target()
    {
        var d = Read("a,b,y\n1,2,3\n,5,6\n7,8,\n10,,12\n", new DataOptions { Targets = ["y"], Missing = MissingValues.Mean });
        Assert.Equal(3, d.Count);
        Assert.Equal(1, d.DroppedRows);            // the row whose y is empty
        Assert.Equal(2, d.MissingCells);           // a on line 3, b on line 5
        Assert.Equal([3.0, 6, 12], d.Targets<double>().ToArray());
        Assert.Contains("2 feature cells are missing; fill them first", Assert.Throws<DataFileException>(() => d.Features<double>()).Message);

        // Means over the rows that have the value: a from 1 and 10, b from 2 and 5.
        var fill = MissingFill.Fit(d, MissingValues.Mean);
        Assert.Equal(new Dictionary<string, double> { ["a"] = 5.5, ["b"] = 3.5 }, fill.Fill);
        Assert.Equal([1.0, 2, 5.5, 5, 10, 3.5], d.FillMissing(fill).Features<double>().ToArray());
    }

    [Fact]
    public void Median_takes_the_middle_value_or_the_mean_of_the_two_middle_values()
    {
        var d = Read("a,b\n9,1\n,100\n1,2\n5,\n2,7\n", new DataOptions { Missing = MissingValues.Median });
        var fill = MissingFill.Fit(d, MissingValues.Median);
        // a: 9, 1, 5, 2 -> sorted 1 2 5 9 -> (2 + 5) / 2; b: 1, 100, 2, 7 -> 1 2 7 100 -> 4.5.
        Assert.Equal(new Dictionary<string, double> { ["a"] = 3.5, ["b"] = 4.5 }, fill.Fill);
    }

    [Fact]
    public void A_feature_missing_in_every_training_row_is_refused_with_the_fix()
    {
        var d = Read("a,b\n1,\n2,NA\n", new DataOptions { Missing = MissingValues.Mean });
        Assert.Equal("data.csv: the feature \"b\" is missing in every one of the 2 training rows, so it has no mean to fill with; leave the column out (DataOptions.Exclude = [\"b\"]).",
            Assert.Throws<DataFileException>(() => MissingFill.Fit(d, MissingValues.Mean)).Message);
    }

    [Fact]
    public void In_a_class_column_NA_is_a_class_and_only_an_empty_cell_is_missing()
    {
        var d = Read("x,kind\n1,cat\n2,NA\n3,\n4,dog\n", new DataOptions { Targets = ["kind"], Missing = MissingValues.Drop });
        Assert.Equal(["NA", "cat", "dog"], d.ClassNames!);
        Assert.Equal([1, 0, 2], d.Labels!);
        Assert.Equal([1.0, 2, 4], d.Features<double>().ToArray());
        Assert.Equal(1, d.DroppedRows);
    }

    [Fact]
    public void A_class_seen_only_on_dropped_rows_is_no_class()
    {
        var d = Read("x,kind\n1,cat\nNA,emu\n3,dog\n4,cat\n", new DataOptions { Targets = ["kind"], Missing = MissingValues.Drop });
        Assert.Equal(["cat", "dog"], d.ClassNames!);
        Assert.Equal([0, 1, 0], d.Labels!);
    }

    [Fact]
    public void A_numeric_target_with_markers_stays_a_regression_target()
    {
        // Auto makes classes of a target with text; missing markers are not text.
        var d = Read("x,y\n1,1.5\n2,NA\n3,2.5\n", new DataOptions { Targets = ["y"], Missing = MissingValues.Drop });
        Assert.False(d.IsClassification);
        Assert.Equal([1.5, 2.5], d.Targets<double>().ToArray());
    }

    [Fact]
    public void A_file_with_every_row_dropped_says_so()
    {
        Assert.Equal("data.csv: every one of its 2 rows has a missing target, so DataOptions.Missing = MissingValues.Mean leaves no rows.",
            ErrorOf("x,y\n1,\n2,NA\n", new DataOptions { Targets = ["y"], Missing = MissingValues.Mean }));
    }

    [Fact]
    public void Parts_read_on_several_threads_count_and_drop_the_same_cells()
    {
        var text = new StringBuilder("id,a,b,y\n");
        var expectedIds = new List<string>();
        for (int i = 0; i < 400; i++)
        {
            bool gap = i % 37 == 5;
            text.Append(CultureInfo.InvariantCulture, $"r{i},{(gap ? "NA" : i.ToString(CultureInfo.InvariantCulture))},{i * 0.5},{(i % 53 == 7 ? "" : "1")}\n");
            if (!gap && i % 53 != 7) expectedIds.Add($"r{i}");
        }
        var options = new DataOptions { Id = "id", Targets = ["y"] };
        string oneThread = ErrorOf(text.ToString(), options);
        Assert.StartsWith("data.csv: 19 cells are missing (empty, or NA, N/A, NaN, null, ? or -), the first at line 7 column \"a\", line 9 column \"y\", line 44 column \"a\",", oneThread);
        foreach (int threads in new[] { 2, 3 })
        {
            Assert.Equal(oneThread, ErrorOf(text.ToString(), options, threads, minPartBytes: 40));
            var d = Read(text.ToString(), options with { Missing = MissingValues.Drop }, threads, minPartBytes: 40);
            Assert.Equal(expectedIds, d.Ids!);
            Assert.Equal(expectedIds.Select(id => int.Parse(id[1..], CultureInfo.InvariantCulture) * 0.5), d.Column("b"));
            Assert.Equal(400 - expectedIds.Count, d.DroppedRows);
        }
    }

    [Fact]
    public void ReadTensors_drops_like_Read_and_refuses_to_fill_without_a_split()
    {
        const string text = "a,y\n1,2\nNA,4\n5,6\n";
        var stream = () => new MemoryStream(Encoding.UTF8.GetBytes(text));
        var (x, y) = Csv.ReadTensors<float>(stream(), "data.csv", new DataOptions { Targets = ["y"], Missing = MissingValues.Drop });
        Assert.Equal([1f, 5], x.ToArray());
        Assert.Equal([2f, 6], y!.ToArray());
        Assert.StartsWith("Csv.ReadTensors: MissingValues.Mean fills from the training rows",
            Assert.Throws<ArgumentException>(() => Csv.ReadTensors<float>(stream(), "data.csv", new DataOptions { Targets = ["y"], Missing = MissingValues.Mean })).Message);
    }
}
