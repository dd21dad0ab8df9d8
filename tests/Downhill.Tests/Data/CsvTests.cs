using System.Globalization;
using System.Text;
using Downhill.Data;

namespace Downhill.Tests.Data;

public class CsvTests
{
    private static Dataset ReadText(string text, DataOptions options = default) =>
        Csv.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "data.csv", options);

    private static string ErrorOf(string text, DataOptions options = default) =>
        Assert.Throws<DataFileException>(() => ReadText(text, options)).Message;

    [Fact]
    public void Reads_values_exactly_with_named_target()
    {
        var d = ReadText("a,b,y\n1.5,-2,10\n0.25,3e2,-0.125\n", new DataOptions { Targets = ["y"] });
        Assert.Equal(2, d.Count);
        Assert.Equal(["a", "b"], d.FeatureNames);
        Assert.Equal(["y"], d.TargetNames);
        Assert.Null(d.ClassNames);
        Assert.Equal([1.5, -2, 0.25, 300], d.Features<double>().ToArray());
        Assert.Equal([10, -0.125], d.Targets<double>().ToArray());
        Assert.Equal([-2, 300], d.Column("b"));
    }

    [Fact]
    public void Without_a_target_every_column_is_a_feature()
    {
        var d = ReadText("x,y\n1,2\n");
        Assert.Equal(["x", "y"], d.FeatureNames);
        Assert.Empty(d.TargetNames);
    }

    [Fact]
    public void Feature_list_picks_and_orders_columns_and_skips_the_rest()
    {
        // The skipped column holds text: it is never parsed.
        var d = ReadText("note,a,b,c,y\nhello,1,2,3,4\n", new DataOptions { Targets = ["y"], Features = ["c", "a"] });
        Assert.Equal(["c", "a"], d.FeatureNames);
        Assert.Equal([3.0, 1.0], d.Features<double>().ToArray());
    }

    [Fact]
    public void Several_targets_for_multi_output()
    {
        var d = ReadText("x,y1,y2\n1,2,3\n4,5,6\n", new DataOptions { Targets = ["y2", "y1"] });
        Assert.Equal(["y2", "y1"], d.TargetNames);
        Assert.Equal([3.0, 2, 6, 5], d.Targets<double>().ToArray());
        Assert.Equal([2, 2], d.Targets<double>().Shape.Dimensions.ToArray());
    }

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    public void Sniffs_the_delimiter_from_the_header(string delimiter)
    {
        var text = string.Join(delimiter, "a", "b", "c") + "\n" + string.Join(delimiter, "1", "2", "3") + "\n";
        var d = ReadText(text);
        Assert.Equal(["a", "b", "c"], d.FeatureNames);
        Assert.Equal([1.0, 2, 3], d.Features<double>().ToArray());
    }

    [Fact]
    public void Sniffer_ignores_delimiters_inside_quotes()
    {
        Assert.Equal((byte)';', CsvParserAccess.Sniff("\"a,b,c\";d"));
        Assert.Equal((byte)',', CsvParserAccess.Sniff("single"));
    }

    [Fact]
    public void Given_delimiter_overrides_sniffing()
    {
        // The header alone would sniff ',' (two commas, one semicolon).
        var d = ReadText("a,b;c\n1;2\n", new DataOptions { Delimiter = ';' });
        Assert.Equal(["a,b", "c"], d.FeatureNames);
    }

    [Fact]
    public void Bom_crlf_quotes_and_trailing_blank_lines_are_fine()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("\"x\",y\r\n\"1.5\",\"2\"\r\n3,4\r\n\r\n\r\n")).ToArray();
        var d = Csv.Read(new MemoryStream(bytes), "data.csv", new DataOptions { Targets = ["y"] });
        Assert.Equal(["x"], d.FeatureNames);
        Assert.Equal([1.5, 3], d.Features<double>().ToArray());
        Assert.Equal([2.0, 4], d.Targets<double>().ToArray());
    }

    [Fact]
    public void Quoted_fields_hold_delimiters_escaped_quotes_and_line_breaks()
    {
        var d = ReadText("id,x\n\"a,\"\"b\"\"\nc\",1\nplain,2\n", new DataOptions { Id = "id" });
        Assert.Equal(["a,\"b\"\nc", "plain"], d.Ids!);
        Assert.Equal([1.0, 2], d.Features<double>().ToArray());
    }

    [Fact]
    public void Line_numbers_count_line_breaks_inside_quotes()
    {
        var message = ErrorOf("id,x\n\"two\nlines\",1\nz,oops\n", new DataOptions { Id = "id" });
        Assert.Equal("data.csv line 4, column \"x\": \"oops\" is not a number (features must be numbers).", message.Replace("every column other than the target is a feature by default; make a text column the id (DataOptions.Id = \"x\") or leave it out (DataOptions.Exclude = [\"x\"]), or choose the features", "features must be numbers"));
    }

    [Fact]
    public void Text_target_becomes_sorted_class_labels()
    {
        var d = ReadText("x,kind\n1,dog\n2,cat\n3,dog\n4,emu\n", new DataOptions { Targets = ["kind"] });
        Assert.Equal(["cat", "dog", "emu"], d.ClassNames!);
        Assert.Equal([1, 0, 1, 2], d.Labels!);
        Assert.Equal([0.0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], d.Targets<double>().ToArray());
    }

    [Fact]
    public void A_text_label_late_in_the_file_still_makes_classes()
    {
        var d = ReadText("x,kind\n1,10\n2,2\n3,b\n", new DataOptions { Targets = ["kind"] });
        Assert.Equal(["10", "2", "b"], d.ClassNames!);
        Assert.Equal([0, 1, 2], d.Labels!);
    }

    [Fact]
    public void Numeric_class_labels_sort_numerically()
    {
        var d = ReadText("x,digit\n1,10\n2,2\n3,1\n", new DataOptions { Targets = ["digit"], TargetKind = TargetKind.Classification });
        Assert.Equal(["1", "2", "10"], d.ClassNames!);
        Assert.Equal([2, 1, 0], d.Labels!);
    }

    [Fact]
    public void Many_rows_across_block_boundaries_match_an_independent_parser()
    {
        // Over 1 MiB so records straddle the parser's block boundary; Sylvan.Data.Csv is the reference.
        var rng = new Random(7);
        var text = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < 40_000; i++)
        {
            double a = Math.Round(rng.NextDouble() * 2000 - 1000, rng.Next(0, 8));
            double b = rng.NextDouble() * Math.Pow(10, rng.Next(-30, 30));
            string c = rng.Next(3) == 0 ? $"\"{rng.Next(-99, 99)}\"" : rng.Next(-99, 99).ToString(CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{a},{b:R},{c},{(rng.Next(2) == 0 ? "yes" : "\"n,o\"")}\n");
        }
        var csv = text.ToString();
        Assert.True(csv.Length > 1 << 20);
        var d = ReadText(csv, new DataOptions { Targets = ["label"] });

        using var reader = Sylvan.Data.Csv.CsvDataReader.Create(new StringReader(csv));
        var expected = new List<double>();
        var expectedLabels = new List<string>();
        while (reader.Read())
        {
            for (int j = 0; j < 3; j++) expected.Add(double.Parse(reader.GetString(j), CultureInfo.InvariantCulture));
            expectedLabels.Add(reader.GetString(3));
        }
        Assert.Equal(expected.Count / 3, d.Count);
        Assert.Equal(expected, d.Features<double>().ToArray());
        Assert.Equal(expectedLabels, d.Labels!.Select(l => d.ClassNames![l]));
    }

    [Fact]
    public void Fast_number_path_agrees_with_double_parse_bit_for_bit()
    {
        var rng = new Random(11);
        var cells = new List<string>();
        for (int i = 0; i < 20_000; i++)
        {
            int digits = rng.Next(1, 24), fraction = rng.Next(0, digits);
            var s = new StringBuilder(rng.Next(4) == 0 ? "-" : "");
            for (int k = 0; k < digits; k++)
            {
                if (k == digits - fraction && fraction > 0) s.Append('.');
                s.Append((char)('0' + rng.Next(10)));
            }
            cells.Add(s.ToString());
        }
        // Edges of the fast path: empty parts, signs, leading zeros, 2^53 and 2^53 + 1, 22 and 23 decimals.
        cells.AddRange(["1.", ".5", "-0", "+3", "007", "9007199254740992", "9007199254740993", "0.0000000000000000000001", "0.00000000000000000000001", "1e5"]);
        var d = ReadText("v\n" + string.Join("\n", cells) + "\n");
        var values = d.Features<double>().ToArray();
        for (int i = 0; i < cells.Count; i++)
            Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(cells[i], CultureInfo.InvariantCulture)), BitConverter.DoubleToInt64Bits(values[i]));
    }

    [Fact]
    public void Missing_file_names_the_full_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N") + ".csv");
        var message = Assert.Throws<DataFileException>(() => Csv.Read(path)).Message;
        Assert.StartsWith($"{path} does not exist (check the path; the working directory is ", message);
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        Assert.Equal("data.csv is empty; expected a header row of column names and at least one data row.", ErrorOf(""));
        Assert.Equal("data.csv is empty; expected a header row of column names and at least one data row.", ErrorOf("\n\r\n"));
    }

    [Fact]
    public void Header_only_is_an_error()
    {
        Assert.Equal("data.csv has a header row but no data rows; add at least one row of values below the header.", ErrorOf("x,y\n\n"));
    }

    [Fact]
    public void Unknown_target_or_feature_lists_the_columns()
    {
        Assert.Equal("data.csv: no target column \"price\" (the columns are: x, y).", ErrorOf("x,y\n1,2\n", new DataOptions { Targets = ["price"] }));
        Assert.Equal("data.csv: no feature column \"z\" (the columns are: x, y).", ErrorOf("x,y\n1,2\n", new DataOptions { Targets = ["y"], Features = ["z"] }));
    }

    [Fact]
    public void Non_numeric_cell_names_file_line_column_and_value()
    {
        Assert.Equal("data.csv line 3, column \"price\": \"abc\" is not a number (every column other than the target is a feature by default; make a text column the id (DataOptions.Id = \"price\") or leave it out (DataOptions.Exclude = [\"price\"]), or choose the features).",
            ErrorOf("x,price\n1,2\n3,abc\n"));
        Assert.Equal("data.csv line 2, column \"price\": \"12,5\" is not a number (use '.' as the decimal point).",
            ErrorOf("x,price\n1,\"12,5\"\n"));
        Assert.Equal("data.csv line 2, column \"price\": \"12,5\" is not a number (use '.' as the decimal point, or read a file that writes decimals with ',' with DataOptions.DecimalSeparator = ',').",
            ErrorOf("x;price\n1;12,5\n", new DataOptions { DecimalSeparator = '.' }));
        Assert.Equal("data.csv line 2, column \"y\": \"big\" is not a number (a regression target must be numeric; if the column holds class labels, fit a classifier such as FitSettings.Model = ModelSpec.Parse(\"softmax\")).",
            ErrorOf("x,y\n1,big\n", new DataOptions { Targets = ["y"], TargetKind = TargetKind.Regression }));
    }

    [Fact]
    public void Ragged_rows_give_line_and_counts()
    {
        Assert.Equal("data.csv line 3: expected 3 fields like the header, got 2 (check the delimiter ',' and the quoting on this line).", ErrorOf("a,b,c\n1,2,3\n4,5\n"));
        Assert.Equal("data.csv line 2: expected 2 fields like the header, got 4 (check the delimiter ',' and the quoting on this line).", ErrorOf("a,b\n1,2,3,4\n"));
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("-inf")]
    [InlineData("1e999")]
    public void Non_finite_values_are_rejected(string value)
    {
        Assert.Equal($"data.csv line 3, column \"b\": \"{value}\" is not a finite number; remove the row or fill in a value.", ErrorOf($"a,b\n1,2\n3,{value}\n"));
    }

    [Fact]
    public void A_single_class_target_is_an_error_naming_the_class()
    {
        Assert.Equal("data.csv: the target \"kind\" has only one class (\"cat\"); classification needs at least two classes.",
            ErrorOf("x,kind\n1,cat\n2,cat\n", new DataOptions { Targets = ["kind"] }));
    }

    [Fact]
    public void A_single_row_is_read_and_counted()
    {
        Assert.Equal(1, ReadText("x,y\n1,2").Count);
    }

    [Fact]
    public void Unclosed_quote_and_text_after_quote_are_errors()
    {
        Assert.Equal("data.csv line 2: a quoted field opened here is never closed; add the closing '\"' (a quote inside a field is written \"\").", ErrorOf("a,b\n\"1,2\n"));
        Assert.Equal("data.csv line 2: text after a closing quote; a field is either wholly quoted (\"a,b\") or not quoted, and a quote inside a quoted field is written \"\".", ErrorOf("a,b\n\"1\"x,2\n"));
    }

    [Fact]
    public void Duplicate_and_empty_header_names_are_errors()
    {
        Assert.Equal("data.csv line 1: the column name \"x\" appears twice (columns 1 and 2); give each column its own name.", ErrorOf("x,x\n1,2\n"));
        Assert.Equal("data.csv line 1: column 1 has no name; give every column a name in the header row.", ErrorOf(",x\n1,2\n"));
    }

    [Fact]
    public void Bare_carriage_return_line_ends_grow_the_row_arrays()
    {
        // No '\n' at all, so the line count says one line and the arrays must grow as rows arrive.
        var text = "x,y\r" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i},{2 * i}\r"));
        var d = ReadText(text, new DataOptions { Targets = ["y"] });
        Assert.Equal(100, d.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => 2.0 * i), d.Column("y"));
    }

    [Fact]
    public void A_record_longer_than_the_read_block_is_read_whole()
    {
        var longId = new string('q', 3 << 20);
        var d = ReadText($"id,x\n\"{longId}\",1\nshort,2\n", new DataOptions { Id = "id" });
        Assert.Equal([longId, "short"], d.Ids!);
        Assert.Equal([1.0, 2], d.Column("x"));
    }

    [Fact]
    public void Reads_a_stream_that_cannot_seek()
    {
        var pipe = new NonSeekable(new MemoryStream("a,b\n1,2\n"u8.ToArray()));
        Assert.Equal([2.0], Csv.Read(pipe, "stdin").Column("b"));
    }

    [Fact]
    public void Classification_takes_one_target()
    {
        Assert.Equal("data.csv: \"kind\" holds class labels, and classification takes exactly one target column, but 2 are named (kind, y); name only the class column as the target.",
            ErrorOf("x,kind,y\n1,cat,2\n2,dog,3\n", new DataOptions { Targets = ["kind", "y"] }));
    }

    [Fact]
    public void A_column_in_two_roles_is_an_error()
    {
        Assert.Equal("data.csv: column \"y\" is named as a feature but is already a target; list each column in one role.",
            ErrorOf("x,y\n1,2\n", new DataOptions { Targets = ["y"], Features = ["x", "y"] }));
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Reads_from_a_file_on_disk()
    {
        using var folder = new TempFolder();
        var path = folder.Write("prices.csv", "size;price\n50;100.5\n");
        var d = Csv.Read(path, new DataOptions { Targets = ["price"] });
        Assert.Equal([50.0], d.Column("size"));
        Assert.Equal([100.5], d.Column("price"));
        Assert.Equal(path, d.Source);
    }
}

/// <summary>Reaches the internal sniffer with text input.</summary>
internal static class CsvParserAccess
{
    public static byte Sniff(string header) => CsvParser.Sniff(Encoding.UTF8.GetBytes(header));
}
