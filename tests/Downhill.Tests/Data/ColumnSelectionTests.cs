using System.Text;
using Downhill.Data;

namespace Downhill.Tests.Data;

/// <summary>Choosing columns of wide files: globs, ranges, excluded columns, the id, and errors with close matches.</summary>
public class ColumnSelectionTests
{
    private static Dataset Read(string text, DataOptions options) =>
        Csv.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "data.csv", options);

    private static string ErrorOf(string text, DataOptions options) =>
        Assert.Throws<DataFileException>(() => Read(text, options)).Message;

    private const string Wide = "name,x1,x2,x3,px0,px1,note,y\nann,1,2,3,4,5,hi,6\n";

    [Fact]
    public void A_glob_picks_every_fitting_column_in_file_order()
    {
        var d = Read(Wide, new DataOptions { Targets = ["y"], Features = ["px*", "x?"] });
        Assert.Equal(["px0", "px1", "x1", "x2", "x3"], d.FeatureNames);
        Assert.Equal([4.0, 5, 1, 2, 3], d.Features<double>().ToArray());
    }

    [Fact]
    public void A_range_picks_the_columns_between_two_names()
    {
        var d = Read(Wide, new DataOptions { Targets = ["y"], Features = ["x2..px0"] });
        Assert.Equal(["x2", "x3", "px0"], d.FeatureNames);
        Assert.Equal("data.csv: the range \"x3..x1\" runs backwards (\"x3\" is column 4, \"x1\" column 2); write x1..x3.",
            ErrorOf(Wide, new DataOptions { Targets = ["y"], Features = ["x3..x1"] }));
    }

    [Fact]
    public void Id_and_exclude_keep_text_columns_out_of_the_default_features()
    {
        var d = Read(Wide, new DataOptions { Targets = ["y"], Id = "name", Exclude = ["note", "px*"] });
        Assert.Equal(["x1", "x2", "x3"], d.FeatureNames);
        Assert.Equal(["ann"], d.Ids!);
    }

    [Fact]
    public void A_pattern_passes_over_the_target_and_excluded_columns_but_a_name_may_not()
    {
        var d = Read("x1,x2,x3,y\n1,2,3,4\n", new DataOptions { Targets = ["x3"], Features = ["x*"], Exclude = ["x1"] });
        Assert.Equal(["x2"], d.FeatureNames);
        Assert.Equal("data.csv: column \"x1\" is named as a feature and excluded; list it in one of the two.",
            ErrorOf("x1,x2,y\n1,2,3\n", new DataOptions { Targets = ["y"], Features = ["x1", "x2"], Exclude = ["x1"] }));
        Assert.Equal("data.csv: column \"y\" is a target, so it cannot also be excluded; list each column in one role.",
            ErrorOf("x1,x2,y\n1,2,3\n", new DataOptions { Targets = ["y"], Exclude = ["y"] }));
    }

    [Fact]
    public void A_column_whose_name_looks_like_a_pattern_is_found_by_its_name()
    {
        var d = Read("a*,a1,y\n1,2,3\n", new DataOptions { Targets = ["y"], Features = ["a*"] });
        Assert.Equal(["a*"], d.FeatureNames);
    }

    [Fact]
    public void An_unknown_column_names_its_close_matches()
    {
        Assert.Equal("data.csv: no feature column \"X2\" (did you mean \"x2\"? the columns are: name, x1, x2, x3, px0, px1, note, y).",
            ErrorOf(Wide, new DataOptions { Targets = ["y"], Features = ["X2"] }));
        Assert.Equal("data.csv: no excluded column \"nots\" (did you mean \"note\"? the columns are: name, x1, x2, x3, px0, px1, note, y).",
            ErrorOf(Wide, new DataOptions { Targets = ["y"], Exclude = ["nots"] }));
        Assert.Equal("data.csv: no column fits the feature pattern \"q*\" (the columns are: name, x1, x2, x3, px0, px1, note, y).",
            ErrorOf(Wide, new DataOptions { Targets = ["y"], Features = ["q*"] }));
        Assert.Equal("data.csv: no id column \"nme\" (did you mean \"name\"? the columns are: name, x1, x2, x3, px0, px1, note, y).",
            ErrorOf(Wide, new DataOptions { Targets = ["y"], Id = "nme" }));
    }

    [Fact]
    public void A_wide_header_is_listed_by_its_first_columns_and_count()
    {
        var header = string.Join(",", Enumerable.Range(0, 30).Select(i => $"c{i}"));
        var message = ErrorOf(header + "\n" + string.Join(",", Enumerable.Repeat("1", 30)) + "\n", new DataOptions { Features = ["zz"] });
        Assert.Equal($"data.csv: no feature column \"zz\" (the columns are: {string.Join(", ", Enumerable.Range(0, 20).Select(i => $"c{i}"))}, ... (30 in all)).", message);
    }

    [Theory]
    [InlineData("px*", "px12", true)]
    [InlineData("px*", "px", true)]
    [InlineData("px*", "p", false)]
    [InlineData("*1", "x11", true)]
    [InlineData("x?", "x1", true)]
    [InlineData("x?", "x12", false)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("*", "", true)]
    public void Glob_matches_like_a_shell(string pattern, string name, bool fits) =>
        Assert.Equal(fits, ColumnSelection.Glob(pattern, name));
}
