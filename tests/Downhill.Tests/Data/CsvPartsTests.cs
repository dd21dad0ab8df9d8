using System.Globalization;
using System.Text;
using Downhill.Data;

namespace Downhill.Tests.Data;

/// <summary>
/// Reading a file in parts on several threads must give what one pass front to back gives:
/// the same rows bit for bit, the same classes, the same first error on the same line. Parts
/// here are made tiny (<see cref="TinyPart"/> bytes) so that small files are cut many times.
/// </summary>
public class CsvPartsTests
{
    private const int TinyPart = 40;

    private static Dataset Read(string text, DataOptions options, int threads, int minPartBytes = TinyPart) =>
        Csv.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "data.csv", options, threads, minPartBytes);

    private static string ErrorOf(string text, DataOptions options, int threads) =>
        Assert.Throws<DataFileException>(() => Read(text, options, threads)).Message;

    /// <summary>Rows of numbers written with "R" (so double.Parse of the text is the reference), a target last.</summary>
    private static (string Text, double[] Features, double[] Targets) Numbers(int rows, int seed, string newline = "\n")
    {
        var rng = new Random(seed);
        var text = new StringBuilder("a,b,c,y" + newline);
        var features = new List<double>();
        var targets = new List<double>();
        for (int i = 0; i < rows; i++)
        {
            var row = new double[4];
            for (int j = 0; j < 4; j++)
                row[j] = rng.Next(4) == 0 ? Math.Round(rng.NextDouble() * 100 - 50, rng.Next(0, 5)) : (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-20, 20));
            text.Append(string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).Append(newline);
            features.AddRange(row[..3]);
            targets.Add(row[3]);
        }
        return (text.ToString(), [.. features], [.. targets]);
    }

    private static void AssertSame(Dataset expected, Dataset actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.FeatureNames, actual.FeatureNames);
        Assert.Equal(expected.TargetNames, actual.TargetNames);
        Assert.Equal(Bits(expected.Features<double>().ToArray()), Bits(actual.Features<double>().ToArray()));
        if (expected.IsClassification || expected.TargetCount == 0)
        {
            Assert.Equal(expected.ClassNames, actual.ClassNames);
            Assert.Equal(expected.Labels, actual.Labels);
        }
        else
        {
            Assert.Equal(Bits(expected.Targets<double>().ToArray()), Bits(actual.Targets<double>().ToArray()));
        }
        Assert.Equal(expected.Ids, actual.Ids);
    }

    private static long[] Bits(double[] values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    [Theory]
    [InlineData("\n", 2)]
    [InlineData("\n", 3)]
    [InlineData("\n", 7)]
    [InlineData("\r\n", 2)]
    [InlineData("\r\n", 5)]
    public void Parts_read_the_same_values_as_double_parse(string newline, int threads)
    {
        var (text, features, targets) = Numbers(500, seed: threads, newline);
        var options = new DataOptions { Targets = ["y"] };
        var d = Read(text, options, threads);
        Assert.Equal(Bits(features), Bits(d.Features<double>().ToArray()));
        Assert.Equal(Bits(targets), Bits(d.Targets<double>().ToArray()));
        AssertSame(Read(text, options, threads: 1), d);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void A_last_line_without_a_line_break_is_read(int threads)
    {
        var (text, features, _) = Numbers(300, seed: 1);
        var d = Read(text.TrimEnd('\n'), new DataOptions { Targets = ["y"] }, threads);
        Assert.Equal(300, d.Count);
        Assert.Equal(Bits(features), Bits(d.Features<double>().ToArray()));
    }

    [Fact]
    public void Blank_lines_anywhere_leave_no_gaps_between_parts()
    {
        // Blank lines (LF and CRLF) before the header, in runs, and at the end: rows hold fewer than their lines.
        var rng = new Random(3);
        var text = new StringBuilder("\n\r\nx,y\n");
        var expected = new List<double>();
        for (int i = 0; i < 400; i++)
        {
            if (rng.Next(5) == 0) text.Append(rng.Next(2) == 0 ? "\n\n\n" : "\r\n");
            text.Append(CultureInfo.InvariantCulture, $"{i},{i * 0.5}\n");
            expected.Add(i);
        }
        text.Append("\n\n\n");
        var options = new DataOptions { Targets = ["y"] };
        var d = Read(text.ToString(), options, threads: 4);
        Assert.Equal(expected, d.Column("x"));
        AssertSame(Read(text.ToString(), options, threads: 1), d);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.9)]
    public void A_quote_anywhere_still_reads_the_same_values(double where)
    {
        // One quoted number early or late: the file is then read front to back.
        var (text, features, _) = Numbers(300, seed: 4);
        var lines = text.Split('\n');
        int at = (int)(where * 300) + 1;
        var fields = lines[at].Split(',', 2);
        lines[at] = $"\"{fields[0]}\",{fields[1]}";
        var quoted = string.Join('\n', lines);
        var options = new DataOptions { Targets = ["y"] };
        var d = Read(quoted, options, threads: 4);
        Assert.Equal(Bits(features), Bits(d.Features<double>().ToArray()));
        AssertSame(Read(quoted, options, threads: 1), d);
    }

    [Fact]
    public void A_line_break_inside_quotes_late_in_the_file_counts_in_line_numbers()
    {
        var text = new StringBuilder("id,x\n");
        for (int i = 0; i < 300; i++) text.Append(CultureInfo.InvariantCulture, $"{(i == 200 ? "\"two\nlines\"" : "r" + i)},{i}\n");
        text.Append("z,oops\n");
        var options = new DataOptions { Id = "id" };
        foreach (int threads in new[] { 1, 3 })
            Assert.Equal("data.csv line 303, column \"x\": \"oops\" is not a number (every column other than the target is a feature by default; make a text column the id (DataOptions.Id = \"x\") or leave it out (DataOptions.Exclude = [\"x\"]), or choose the features).",
                ErrorOf(text.ToString(), options, threads));
    }

    [Fact]
    public void Quoted_ids_with_line_breaks_read_the_same()
    {
        var text = new StringBuilder("id,x\n");
        for (int i = 0; i < 200; i++) text.Append(CultureInfo.InvariantCulture, $"{(i % 7 == 0 ? "\"row\n" + i + "\"" : "r" + i)},{i}\n");
        var options = new DataOptions { Id = "id" };
        var d = Read(text.ToString(), options, threads: 3);
        Assert.Equal(200, d.Count);
        Assert.Equal("row\n7", d.Ids![7]);
        AssertSame(Read(text.ToString(), options, threads: 1), d);
    }

    [Theory]
    [InlineData("oops", "\"oops\" is not a number (every column other than the target is a feature by default; make a text column the id (DataOptions.Id = \"b\") or leave it out (DataOptions.Exclude = [\"b\"]), or choose the features).")]
    [InlineData("inf", "\"inf\" is not a finite number; remove the row or fill in a value.")]
    public void A_bad_value_deep_in_the_second_half_names_its_line(string bad, string what)
    {
        var (text, _, _) = Numbers(600, seed: 5);
        var lines = text.Split('\n');
        // Line 500 of the file (index 499): well inside the last part for 2 or 3 threads.
        var fields = lines[499].Split(',');
        fields[1] = bad;
        lines[499] = string.Join(',', fields);
        var broken = string.Join('\n', lines);
        var options = new DataOptions { Targets = ["y"] };
        foreach (int threads in new[] { 1, 2, 3 })
            Assert.Equal($"data.csv line 500, column \"b\": {what}", ErrorOf(broken, options, threads));
    }

    [Fact]
    public void The_first_error_in_the_file_wins_over_later_parts()
    {
        var (text, _, _) = Numbers(600, seed: 6);
        var lines = text.Split('\n');
        lines[120] = "1,2";          // line 121: too few fields, early part
        lines[550] = "x,1,2,3";      // line 551: not a number, late part
        var broken = string.Join('\n', lines);
        var options = new DataOptions { Targets = ["y"] };
        const string Expected = "data.csv line 121: expected 4 fields like the header, got 2 (check the delimiter ',' and the quoting on this line).";
        foreach (int threads in new[] { 1, 2, 4 })
            Assert.Equal(Expected, ErrorOf(broken, options, threads));
    }

    [Fact]
    public void Too_many_fields_late_in_the_file_counts_them()
    {
        var (text, _, _) = Numbers(400, seed: 8);
        var lines = text.Split('\n');
        lines[350] += ",9,9";
        var options = new DataOptions { Targets = ["y"] };
        Assert.Equal("data.csv line 351: expected 4 fields like the header, got 6 (check the delimiter ',' and the quoting on this line).",
            ErrorOf(string.Join('\n', lines), options, threads: 3));
    }

    [Fact]
    public void A_text_target_only_in_the_last_part_makes_classes_of_every_part()
    {
        // Numbers as labels until the last rows: the Auto target becomes classes when "z" appears.
        var text = new StringBuilder("x,kind\n");
        for (int i = 0; i < 300; i++) text.Append(CultureInfo.InvariantCulture, $"{i},{(i < 290 ? (i % 3 * 10).ToString(CultureInfo.InvariantCulture) : "z")}\n");
        var options = new DataOptions { Targets = ["kind"] };
        var d = Read(text.ToString(), options, threads: 4);
        Assert.Equal(["0", "10", "20", "z"], d.ClassNames!);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => i < 290 ? i % 3 : 3), d.Labels!);
        AssertSame(Read(text.ToString(), options, threads: 1), d);
    }

    [Fact]
    public void Classes_seen_by_different_parts_are_numbered_together()
    {
        // Each part meets the classes in a different order, and "ant" appears only at the end.
        var names = new[] { "dog", "cat", "emu" };
        var text = new StringBuilder("x,kind\n");
        for (int i = 0; i < 300; i++) text.Append(CultureInfo.InvariantCulture, $"{i},{(i == 299 ? "ant" : names[(i / 50 + i) % 3])}\n");
        var options = new DataOptions { Targets = ["kind"] };
        var d = Read(text.ToString(), options, threads: 5);
        Assert.Equal(["ant", "cat", "dog", "emu"], d.ClassNames!);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => i == 299 ? 0 : Array.IndexOf(d.ClassNames!, names[(i / 50 + i) % 3])), d.Labels!);
        AssertSame(Read(text.ToString(), options, threads: 1), d);
    }

    [Fact]
    public void An_empty_class_label_late_in_the_file_is_a_missing_cell_on_its_line()
    {
        var text = new StringBuilder("x,kind\n");
        for (int i = 0; i < 300; i++) text.Append(CultureInfo.InvariantCulture, $"{i},{(i == 250 ? " " : "a" + i % 2)}\n");
        var options = new DataOptions { Targets = ["kind"], TargetKind = TargetKind.Classification };
        foreach (int threads in new[] { 1, 3 })
            Assert.StartsWith("data.csv: 1 cell is missing (empty, or NA, N/A, NaN, null, ? or -), at line 252 column \"kind\".", ErrorOf(text.ToString(), options, threads));
    }

    [Fact]
    public void Ids_and_skipped_columns_read_the_same()
    {
        var text = new StringBuilder("id,note,a,y\n");
        for (int i = 0; i < 300; i++) text.Append(CultureInfo.InvariantCulture, $"r{i},n{i % 5},{i * 0.25},{-i}\n");
        var options = new DataOptions { Id = "id", Targets = ["y"], Features = ["a"] };
        var d = Read(text.ToString(), options, threads: 3);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"r{i}"), d.Ids!);
        AssertSame(Read(text.ToString(), options, threads: 1), d);
    }

    [Fact]
    public void A_file_smaller_than_a_part_is_read_in_one_piece()
    {
        var (text, features, _) = Numbers(20, seed: 9);
        var d = Read(text, new DataOptions { Targets = ["y"] }, threads: 4, minPartBytes: 1 << 20);
        Assert.Equal(Bits(features), Bits(d.Features<double>().ToArray()));
    }

    [Fact]
    public void Bare_carriage_returns_read_the_file_front_to_back()
    {
        // '\n' does not count the lines here, so the file cannot be cut at '\n'.
        var text = "x,y\r" + string.Concat(Enumerable.Range(0, 200).Select(i => $"{i},{2 * i}" + (i == 100 ? "\n" : "\r")));
        var d = Read(text, new DataOptions { Targets = ["y"] }, threads: 4);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => 2.0 * i), d.Column("y"));
    }

    [Fact]
    public void A_header_with_no_rows_after_it_is_the_same_error()
    {
        var text = "x,y\n" + new string('\n', 200);
        Assert.Equal("data.csv has a header row but no data rows; add at least one row of values below the header.", ErrorOf(text, default, threads: 4));
    }

    [Fact]
    public void Cuts_follow_a_line_break_and_count_the_lines_before_them()
    {
        var (text, _, _) = Numbers(200, seed: 10);
        var bytes = Encoding.UTF8.GetBytes(text);
        var scan = CsvScan.Run(CsvBytes.Of(new MemoryStream(bytes), "data.csv"), parts: 6, minPartBytes: 100);
        Assert.Equal(5, scan.Cuts.Length);
        Assert.Equal(201, scan.Lines);
        for (int k = 0; k < scan.Cuts.Length; k++)
        {
            long cut = scan.Cuts[k];
            Assert.Equal((byte)'\n', bytes[cut - 1]);
            Assert.True(cut >= bytes.Length * (k + 1) / 6 && (k == 0 || cut > scan.Cuts[k - 1]));
            Assert.Equal(bytes.AsSpan(0, (int)cut).Count((byte)'\n'), scan.NewlinesBefore[k]);
        }
    }

    [Fact]
    public void Reading_a_file_on_disk_in_parts_matches_reading_it_whole()
    {
        using var folder = new TempFolder();
        var (text, _, _) = Numbers(2000, seed: 11, newline: "\r\n");
        var path = folder.Write("numbers.csv", text);
        var options = new DataOptions { Targets = ["y"] };
        using var whole = File.OpenRead(path);
        using var parts = File.OpenRead(path);
        AssertSame(Csv.Read(whole, path, options, threads: 1, TinyPart), Csv.Read(parts, path, options, threads: 3, TinyPart));
    }

    [Fact]
    public void A_stream_is_read_from_its_position_on()
    {
        using var folder = new TempFolder();
        var (text, features, _) = Numbers(300, seed: 13);
        const string Prefix = "not,part,of,it\n1,2\n";
        var path = folder.Write("offset.csv", Prefix + text);
        using var file = File.OpenRead(path);
        file.Position = Prefix.Length;
        var d = Csv.Read(file, path, new DataOptions { Targets = ["y"] }, threads: 3, TinyPart);
        Assert.Equal(Bits(features), Bits(d.Features<double>().ToArray()));

        var memory = new MemoryStream(Encoding.UTF8.GetBytes(Prefix + text)) { Position = Prefix.Length };
        d = Csv.Read(memory, "data.csv", new DataOptions { Targets = ["y"] }, threads: 3, TinyPart);
        Assert.Equal(Bits(features), Bits(d.Features<double>().ToArray()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Tensors_hold_the_same_floats_as_the_dataset(int threads)
    {
        var (text, _, _) = Numbers(300, seed: 12);
        var options = new DataOptions { Targets = ["y"] };
        var d = Read(text, options, threads: 1);
        var (features, targets) = Csv.ReadTensors<float>(new MemoryStream(Encoding.UTF8.GetBytes(text)), "data.csv", options, threads, TinyPart);
        Assert.Equal(d.Features<float>().Shape, features.Shape);
        Assert.Equal(d.Features<float>().ToArray().Select(BitConverter.SingleToInt32Bits), features.ToArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(d.Targets<float>().ToArray().Select(BitConverter.SingleToInt32Bits), targets!.ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Tensors_of_class_labels_are_one_hot_and_no_target_gives_none()
    {
        var bytes = "x,kind\n1,b\n2,a\n3,b\n"u8.ToArray();
        var (features, targets) = Csv.ReadTensors<double>(new MemoryStream(bytes), "data.csv", new DataOptions { Targets = ["kind"] });
        Assert.Equal([1.0, 2, 3], features.ToArray());
        Assert.Equal([0.0, 1, 1, 0, 0, 1], targets!.ToArray());
        Assert.Null(Csv.ReadTensors<float>(new MemoryStream(bytes), "data.csv", new DataOptions { Features = ["x"] }).Targets);
    }
}
