namespace Downhill.Cli.Options;

/// <summary>Turns option text into values once, at the edge, with messages that show the fix.</summary>
internal static class Parse
{
    public static double Number(string text, string option)
    {
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UsageException($"{option}: '{text}' is not a number (use '.' as the decimal point, e.g. 0.01 or 1e-3).");
        return v;
    }

    /// <summary><c>x=-1.5,y=2</c> to ordered (name, value) pairs; duplicates are an error.</summary>
    public static List<KeyValuePair<string, double>> NameValues(string? text, string option)
    {
        var result = new List<KeyValuePair<string, double>>();
        if (string.IsNullOrWhiteSpace(text)) return result;
        foreach (var part in SplitOutsideBrackets(text))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
                throw new UsageException($"{option}: '{part}' is not NAME=VALUE; write e.g. {option} x=-1.5,y=2.");
            string name = part[..eq].Trim();
            if (result.Any(p => p.Key == name))
                throw new UsageException($"{option}: '{name}' is given twice.");
            result.Add(new(name, Number(part[(eq + 1)..], $"{option} {name}")));
        }
        return result;
    }

    /// <summary>Values of a repeatable option that may also be comma-separated: --target a --target b or --target a,b.</summary>
    public static string[] List(IEnumerable<string>? values) =>
        values is null ? [] : values.SelectMany(SplitOutsideBrackets).ToArray();

    /// <summary>Splits on commas that are not inside [...], so weight[0,1] stays one item.</summary>
    public static IEnumerable<string> SplitOutsideBrackets(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '[') depth++;
            else if (i < text.Length && text[i] == ']') depth = Math.Max(0, depth - 1);
            else if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                var item = text[start..i].Trim();
                if (item.Length > 0) yield return item;
                start = i + 1;
            }
        }
    }

    /// <summary>The separator, or null for the default; a word that names neither is null too (--decimal's parser rejects it first).</summary>
    public static char? Decimal(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "." or "point" or "dot" => '.',
        "," or "comma" => ',',
        _ => null,
    };

    public static Data.MissingValues Missing(string? text) =>
        string.IsNullOrWhiteSpace(text) ? Data.MissingValues.Error : OptionValues.Parse<Data.MissingValues>(text);

    public static char? Delimiter(string? text) => text switch
    {
        null or "" => null,
        "," or "comma" => ',',
        ";" or "semicolon" => ';',
        "\\t" or "tab" or "\t" => '\t',
        "|" or "pipe" => '|',
        _ => throw new UsageException($"--delimiter '{text}' is not supported; use ',', ';', tab or '|'."),
    };
}
