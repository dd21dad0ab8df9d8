namespace Downhill.Cli.Options;

/// <summary>Which file or built-in set to read, which of its columns are targets and features, and how its cells are written.</summary>
internal sealed class DataOptionSet
{
    public readonly Argument<string> Data = new("DATA")
    {
        Description = "A CSV file with a header row, - for standard input, or a built-in data set: " + string.Join(", ", DataSource.BuiltInNames) + ".",
    };
    public readonly Option<string[]> Target = new("--target")
    {
        Description = "The column to learn (repeat or comma-separate for several outputs). A text column is a class label. Built-in sets know theirs.",
        AllowMultipleArgumentsPerToken = false,
    };
    public readonly Option<string?> Features = new("--features")
    {
        Description = "Feature columns, comma-separated (default: every other column). Each item is a name, a glob (px*, x?) " +
            "or a range of neighbouring columns by name, x1..x20 (from x1 through x20 in the header's order).",
    };
    public readonly Option<string[]> Exclude = new("--exclude")
    {
        Description = "Columns to leave out of the features (comma-separated or repeated; names, globs or ranges as in --features).",
        AllowMultipleArgumentsPerToken = false,
    };
    public readonly Option<string?> Id = new("--id") { Description = "A text column (a name, a date) kept out of the features; it labels rows in 'predict --id'." };
    public readonly Option<string?> Delimiter = new("--delimiter") { Description = "Field separator: ',', ';', tab or '|' (default: sniffed from the header)." };
    public readonly Option<string?> Decimal = DecimalOption();
    public readonly Option<string?> Missing = new Option<string?>("--missing")
    {
        Description = "What to do with missing cells (empty, NA, N/A, NaN, null, ? or -): error (default), drop (leave out those rows), " +
            "mean or median (fill a missing feature with its value over the training rows, stored in the model for predict; " +
            "rows with a missing target are left out). In a column of class labels only an empty cell is missing.",
    }.OneOf(OptionValues.Of<MissingValues>(), string.IsNullOrWhiteSpace);

    /// <summary>--decimal, for every command that reads a data file.</summary>
    public static Option<string?> DecimalOption() => new Option<string?>("--decimal")
    {
        Description = "Decimal separator of DATA: '.' or ',' (needs ';' or tab between fields). Default: '.', or ',' for a ';'-separated file whose first rows write decimals only with ','.",
    }.OneOf(OptionValues.Decimals, t => string.IsNullOrWhiteSpace(t) || Parse.Decimal(t) is not null);

    public void AddTo(Command command)
    {
        command.Add(Data);
        command.Add(Target);
        command.Add(Features);
        command.Add(Exclude);
        command.Add(Id);
        command.Add(Delimiter);
        command.Add(Decimal);
        command.Add(Missing);
    }

    public DataOptions Read(ParseResult r)
    {
        var targets = Parse.List(r.GetValue(Target));
        var features = Parse.List(r.GetValue(Features) is { } f ? [f] : null);
        var exclude = Parse.List(r.GetValue(Exclude));
        return new DataOptions
        {
            Delimiter = Parse.Delimiter(r.GetValue(Delimiter)),
            DecimalSeparator = Parse.Decimal(r.GetValue(Decimal)),
            Targets = targets.Length == 0 ? null : targets,
            Features = features.Length == 0 ? null : features,
            Exclude = exclude.Length == 0 ? null : exclude,
            Id = r.GetValue(Id),
            Missing = Parse.Missing(r.GetValue(Missing)),
        };
    }

    /// <summary>
    /// Says on stderr how many rows the reader left out and how many cells will be filled with
    /// <paramref name="filledWith"/> (null: nothing fills them, and the fill step will say so), so no row vanishes unseen.
    /// </summary>
    public static void ReportMissing(Dataset data, string? filledWith)
    {
        if (data.DroppedRows > 0)
            Console.Error.WriteLine($"note: {data.Source}: left out {data.DroppedRows} row{(data.DroppedRows == 1 ? "" : "s")} with a missing " +
                $"{(data.MissingPolicy == MissingValues.Drop ? "cell" : "target")} (--missing {data.MissingPolicy.ToString().ToLowerInvariant()}).");
        if (data.MissingCells > 0 && filledWith is not null)
            Console.Error.WriteLine($"note: {data.Source}: {data.MissingCells} missing feature cell{(data.MissingCells == 1 ? "" : "s")} filled with {filledWith}.");
    }
}
