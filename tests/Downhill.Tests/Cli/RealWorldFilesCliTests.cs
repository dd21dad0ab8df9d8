using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Downhill.Tests.Cli;

/// <summary>Files as people have them: gaps, decimal commas, text columns beside the numbers.</summary>
public class RealWorldFilesCliTests
{
    private readonly string dir = CliProcess.TempFolder();

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(dir, name), text);

    /// <summary>y = 3a - 2b + 5 on 40 rows; a is missing on every seventh row, y on row 11; a text note column.</summary>
    private static string Gappy(char delimiter = ',', char point = '.')
    {
        var text = new StringBuilder(string.Join(delimiter, "name", "a", "b", "note", "y") + "\n");
        for (int i = 0; i < 40; i++)
        {
            double a = i % 7 - 3.0, b = i % 5 * 0.5;
            string N(double v) => v.ToString("R", CultureInfo.InvariantCulture).Replace('.', point);
            text.Append(string.Join(delimiter, $"r{i}", i % 7 == 4 ? "NA" : N(a), N(b), "text here", i == 11 ? "" : N(3 * a - 2 * b + 5))).Append('\n');
        }
        return text.ToString();
    }

    private static readonly string[] Training = ["--target", "y", "--model", "linear", "--optimizer", "adam", "--lr", "0.1", "--epochs", "200", "--batch", "full", "--quiet"];

    [Fact]
    public void Fit_with_missing_mean_stores_the_fill_and_predict_uses_it()
    {
        Write("train.csv", Gappy());
        var refused = CliProcess.Run(dir, ["fit", "train.csv", .. Training, "--id", "name", "--exclude", "note"]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: train.csv: 7 cells are missing (empty, or NA, N/A, NaN, null, ? or -), the first at line 6 column \"a\", line 13 column \"a\", line 13 column \"y\",", refused.Stderr);

        var fit = CliProcess.Run(dir, ["fit", "train.csv", .. Training, "--id", "name", "--exclude", "note", "--missing", "mean", "--out", "m.json"]);
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        Assert.Contains("note: train.csv: left out 1 row with a missing target (--missing mean).", fit.Stderr);
        Assert.Contains("note: train.csv: 5 missing feature cells filled with the training rows' mean.", fit.Stderr);
        using var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "m.json")));
        var missing = model.RootElement.GetProperty("missing");
        Assert.Equal("mean", missing.GetProperty("policy").GetString());
        // The training rows' mean of a: rows 0..39 without the 6 NA rows and row 11 (y missing).
        var present = Enumerable.Range(0, 40).Where(i => i % 7 != 4 && i != 11).Select(i => i % 7 - 3.0).ToArray();
        double fill = missing.GetProperty("fill").GetProperty("a").GetDouble();
        Assert.Equal(present.Average(), fill, 12);
        Assert.Equal(["a", "b"], model.RootElement.GetProperty("features").EnumerateArray().Select(e => e.GetString()));

        Write("new.csv", "name,a,b\nfirst,NA,1\nsecond," + fill.ToString("R", CultureInfo.InvariantCulture) + ",1\n");
        var predict = CliProcess.Run(dir, "predict", "m.json", "new.csv", "--id", "name");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var lines = predict.Stdout.Trim().Split('\n');
        Assert.Equal("name,y", lines[0]);
        Assert.Equal(lines[2].Split(',')[1], lines[1].Split(',')[1]);
        Assert.Contains("note: new.csv: 1 missing feature cell filled with the model's training mean.", predict.Stderr);
    }

    [Fact]
    public void A_model_without_fill_values_refuses_to_predict_for_a_row_with_a_gap()
    {
        Assert.Equal(0, CliProcess.Run(dir, "fit", "line", "--target", "y", "--epochs", "2", "--quiet", "--out", "plain.json").ExitCode);
        Write("gap.csv", "x\n1\nNA\n");
        var predict = CliProcess.Run(dir, "predict", "plain.json", "gap.csv");
        Assert.Equal(1, predict.ExitCode);
        Assert.Contains("error: gap.csv: 1 feature cell is missing, the first in data row 2, column \"x\"; the model was fitted without fill values. " +
            "Fill the cells in, or fit with --missing mean or median", predict.Stderr);
        Assert.DoesNotContain("note:", predict.Stderr);
    }

    [Fact]
    public void A_semicolon_file_with_decimal_commas_fits_like_its_point_spelling()
    {
        Write("comma.csv", Gappy(';', ','));
        Write("point.csv", Gappy());
        string[] options = [.. Training, "--exclude", "note", "--id", "name", "--missing", "drop", "--json"];
        var comma = CliProcess.Run(dir, ["fit", "comma.csv", .. options, "--out", "c.json"]);
        var point = CliProcess.Run(dir, ["fit", "point.csv", .. options, "--out", "p.json"]);
        Assert.True(comma.ExitCode == 0, comma.Stderr);
        Assert.Contains("left out 6 rows with a missing cell (--missing drop)", comma.Stderr);
        Assert.Equal(JsonDocument.Parse(point.Stdout).RootElement.GetProperty("loss").GetDouble(), JsonDocument.Parse(comma.Stdout).RootElement.GetProperty("loss").GetDouble());

        Write("tab.csv", Gappy('\t', ','));
        var tab = CliProcess.Run(dir, ["fit", "tab.csv", .. options, "--decimal", ",", "--out", "t.json"]);
        Assert.True(tab.ExitCode == 0, tab.Stderr);
        Assert.Equal(JsonDocument.Parse(point.Stdout).RootElement.GetProperty("loss").GetDouble(), JsonDocument.Parse(tab.Stdout).RootElement.GetProperty("loss").GetDouble());

        // The library reads '|' files; the CLI refused to name that delimiter until it was added to its list.
        Write("pipe.csv", Gappy('|'));
        var pipe = CliProcess.Run(dir, ["fit", "pipe.csv", .. options, "--delimiter", "|", "--out", "b.json"]);
        Assert.True(pipe.ExitCode == 0, pipe.Stderr);
        Assert.Equal(JsonDocument.Parse(point.Stdout).RootElement.GetProperty("loss").GetDouble(), JsonDocument.Parse(pipe.Stdout).RootElement.GetProperty("loss").GetDouble());
    }

    [Fact]
    public void A_text_column_error_names_the_flags_that_fix_it_and_features_take_globs()
    {
        Write("wide.csv", "name,px0,px1,px2,y\nann,1,2,3,4\nbob,2,1,0,5\ncid,0,0,1,6\n");
        var text = CliProcess.Run(dir, ["fit", "wide.csv", .. Training]);
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("\"ann\" is not a number (every column other than the target is a feature by default; make a text column the id (--id name) or leave it out (--exclude name), or choose the features).", text.Stderr);
        var glob = CliProcess.Run(dir, ["fit", "wide.csv", .. Training, "--features", "px1..px2", "--out", "g.json"]);
        Assert.True(glob.ExitCode == 0, glob.Stderr);
        using var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "g.json")));
        Assert.Equal(["px1", "px2"], model.RootElement.GetProperty("features").EnumerateArray().Select(e => e.GetString()));
        var help = CliProcess.Run(dir, "fit", "--help");
        Assert.Contains("x1..x20", help.Stdout);
        Assert.Contains("--missing", help.Stdout);
    }
}
