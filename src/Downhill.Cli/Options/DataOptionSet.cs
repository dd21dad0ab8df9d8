using System.CommandLine;
using Downhill.Data;

namespace Downhill.Cli.Options;

/// <summary>Which file or built-in set to read and which of its columns are targets and features.</summary>
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
    public readonly Option<string?> Features = new("--features") { Description = "Feature columns, comma-separated (default: every other column)." };
    public readonly Option<string?> Delimiter = new("--delimiter") { Description = "Field separator: ',', ';' or tab (default: sniffed from the header)." };

    public void AddTo(Command command)
    {
        command.Add(Data);
        command.Add(Target);
        command.Add(Features);
        command.Add(Delimiter);
    }

    public DataOptions Read(ParseResult r, string? id = null)
    {
        var targets = Parse.List(r.GetValue(Target));
        var features = Parse.List(r.GetValue(Features) is { } f ? [f] : null);
        return new DataOptions
        {
            Delimiter = Parse.Delimiter(r.GetValue(Delimiter)),
            Targets = targets.Length == 0 ? null : targets,
            Features = features.Length == 0 ? null : features,
            Id = id,
        };
    }
}
