using System.Globalization;
using System.Text;
using Downhill.Data;

namespace Downhill.Tests.Data;

/// <summary>Decimal commas: given, or sniffed from a ';'-separated file, read to the same bits as the '.' spelling.</summary>
public class CsvDecimalTests
{
    private static Dataset Read(string text, DataOptions options = default) =>
        Csv.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "data.csv", options);

    private static string ErrorOf(string text, DataOptions options = default) =>
        Assert.Throws<DataFileException>(() => Read(text, options)).Message;

    [Fact]
    public void A_semicolon_file_with_decimal_commas_is_sniffed()
    {
        var d = Read("a;b;y\n1,5;-2;10,25\n0,125;3;7\n", new DataOptions { Targets = ["y"] });
        Assert.Equal([1.5, -2, 0.125, 3], d.Features<double>().ToArray());
        Assert.Equal([10.25, 7], d.Targets<double>().ToArray());
    }

    [Fact]
    public void One_decimal_point_in_the_first_rows_stops_the_sniff()
    {
        Assert.Equal("data.csv line 3, column \"a\": \"0,5\" is not a number (use '.' as the decimal point, or read a file that writes decimals with ',' with DataOptions.DecimalSeparator = ',').",
            ErrorOf("a;b\n1.5;2\n0,5;3\n"));
    }

    [Fact]
    public void Comma_decimals_read_to_the_same_bits_as_point_decimals()
    {
        // Both the fast path (short decimals) and the full parser (exponents, 20 digits) are met.
        var rng = new Random(4);
        var values = Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? Math.Round(rng.NextDouble() * 100, rng.Next(0, 6)) : (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-20, 20))).ToArray();
        string Text(string point) => "a\tb\n" + string.Concat(values.Chunk(2).Select(p =>
            string.Join('\t', p.Select(v => v.ToString("R", CultureInfo.InvariantCulture).Replace(".", point))) + "\n"));
        var withComma = Read(Text(","), new DataOptions { DecimalSeparator = ',' }).Features<double>().ToArray();
        Assert.Equal(values, withComma);
        Assert.Equal(values, Read(Text("."), new DataOptions()).Features<double>().ToArray());
    }

    [Fact]
    public void Unsupported_separators_name_the_setting_given()
    {
        Assert.Equal("data.csv: DataOptions.DecimalSeparator = 'x' is not supported; use '.' or ','.", ErrorOf("a;b\n1;2\n", new DataOptions { DecimalSeparator = 'x' }));
        Assert.Equal("data.csv: DataOptions.Delimiter = ':' is not supported; use ',', ';', tab or '|'.", ErrorOf("a:b\n1:2\n", new DataOptions { Delimiter = ':' }));
    }

    [Fact]
    public void A_comma_file_cannot_also_use_commas_for_decimals()
    {
        Assert.Equal("data.csv: ',' cannot be both the decimal separator and the delimiter; files with decimal commas separate fields with ';' or tab (give that delimiter).",
            ErrorOf("a,b\n1,2\n", new DataOptions { DecimalSeparator = ',' }));
    }

    [Fact]
    public void A_point_in_a_comma_file_names_the_separator_and_how_it_was_chosen()
    {
        // The point comes after the rows the separator is sniffed from (64 KB, here 12,000 rows of 6 bytes).
        var text = "a;b\n" + string.Concat(Enumerable.Repeat("1,5;2\n", 12_000)) + "2.5;3\n";
        Assert.Equal("data.csv line 12002, column \"a\": \"2.5\" is not a number: this file is read with ',' as the decimal separator (sniffed from its first rows); write every decimal with ',' or read it with DataOptions.DecimalSeparator = '.'",
            ErrorOf(text));
        Assert.Equal("data.csv line 3, column \"a\": \"2.5\" is not a number: this file is read with ',' as the decimal separator; write every decimal with ',' or read it with DataOptions.DecimalSeparator = '.'",
            ErrorOf("a\tb\n1,5\t2\n2.5\t3\n", new DataOptions { DecimalSeparator = ',' }));
    }

    [Theory]
    [InlineData("x;y\n1,5;2\n", true)]
    [InlineData("x;y\n1;2\n3;4\n", false)]
    [InlineData("x;y\n1,5;2.5\n", false)]
    [InlineData("x;y\n\"1,5\";abc\n", true)]
    [InlineData("x;y\nSmith, Ann;2\n", false)]
    [InlineData("x;y\n1.234,5;2\n", false)]
    public void Sniff_looks_for_comma_decimals_and_no_point_decimals(string rows, bool comma) =>
        Assert.Equal(comma, CsvParser.SniffDecimalComma(Encoding.UTF8.GetBytes(rows[(rows.IndexOf('\n') + 1)..]), (byte)';'));
}
