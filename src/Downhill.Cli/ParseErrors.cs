using System.CommandLine.Parsing;
using Token = System.CommandLine.Parsing.Token;
using FormulaFunctions = Downhill.Formulas.FormulaFunctions;

namespace Downhill.Cli;

/// <summary>
/// System.CommandLine's parse errors in Downhill's words: one <c>error:</c> line each, naming the
/// option, the value and what was expected. Its own texts name .NET types
/// (<c>System.Nullable`1[System.Double]</c>) and come with the whole help on stdout.
/// </summary>
internal static class ParseErrors
{
    /// <summary>One line per error, without the <c>error: </c> prefix; the last one points to --help.</summary>
    public static List<string> Describe(ParseResult result)
    {
        var lines = new List<string>();
        var unmatched = result.UnmatchedTokens.ToHashSet(StringComparer.Ordinal);
        var command = result.CommandResult.Command;
        string? previous = null;
        foreach (var token in result.UnmatchedTokens)
        {
            // After an unknown option its value is unmatched too, and after an unknown command
            // everything is: one line about the first mistake says what to fix.
            bool follows = previous is not null && (previous.StartsWith('-') || command.Subcommands.Count > 0);
            if (token.StartsWith('-') || !follows) lines.Add(Unknown(token, result.CommandResult));
            previous = token;
        }
        bool unknownCommand = command.Subcommands.Count > 0 && lines.Count > 0;
        foreach (var error in result.Errors)
        {
            // Unmatched tokens were described above; System.CommandLine adds one error for each.
            if (error.SymbolResult is CommandResult && unmatched.Any(t => error.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
            if (unknownCommand && error.SymbolResult is CommandResult) continue;
            string line = error.SymbolResult switch
            {
                ArgumentResult argument => Describe(argument) ?? error.Message,
                OptionResult option => Describe(option) ?? error.Message,
                CommandResult { Command: var needing } when needing.Subcommands.Count > 0 && needing.Action is null =>
                    $"'{Path(needing)}' needs a command: {string.Join(", ", needing.Subcommands.Select(c => c.Name))}",
                _ => error.Message.TrimEnd('.'),
            };
            if (!lines.Contains(line)) lines.Add(line);
        }
        // System.CommandLine reads "--lr 1,5" as 15 and "0,01" as 1 (it allows thousands separators):
        // a silent 10x or 100x for anyone who writes a decimal comma. Numbers are checked again here.
        for (SymbolResult? r = result.CommandResult; r is CommandResult c; r = c.Parent)
            foreach (var child in c.Children)
                if (child is OptionResult { Implicit: false } o && Values(o.Option.Name, o.Tokens, o.Option.ValueType, o.Option.Arity) is { } line && !lines.Contains(line))
                    lines.Add(line);
        if (lines.Count > 0) lines[^1] = lines[^1].TrimEnd('.') + (lines[^1].EndsWith('?') ? " " : ". ") + $"See '{Path(command)} --help'.";
        return lines;
    }

    private static string? Describe(ArgumentResult result) => result.Parent is OptionResult option
        ? Describe(option)
        : result.Tokens.Count == 0
            ? $"'{Path(((CommandResult)result.Parent!).Command)}' needs {result.Argument.Name}, {Lower(result.Argument.Description)}"
            : Values(result.Argument.Name, result.Tokens, result.Argument.ValueType, result.Argument.Arity);

    private static string? Describe(OptionResult result)
    {
        var option = result.Option;
        if (result.Tokens.Count == 0)
            return option.Arity.MinimumNumberOfValues == 0 ? null
                : Expected(option.ValueType) is { } expected ? $"{option.Name} needs a value ({expected})"
                : $"{option.Name} needs a value: {Lower(option.Description)}";
        return Values(option.Name, result.Tokens, option.ValueType, option.Arity);
    }

    private static string? Values(string owner, IReadOnlyList<Token> tokens, Type type, ArgumentArity arity)
    {
        if (arity.MaximumNumberOfValues == 1 && tokens.Count > 1)
            return $"{owner} is given {tokens.Count} times ({string.Join(", ", tokens.Select(t => $"\"{t.Value}\""))}); give it once";
        foreach (var token in tokens)
            if (!Parses(token.Value, type))
                return Plain(type) == typeof(int) && long.TryParse(token.Value, CultureInfo.InvariantCulture, out _)
                    ? $"{owner}: {token.Value} is out of range ({Expected(type)})"
                    : $"{owner}: \"{token.Value}\" is not {Noun(type)} ({Expected(type)})";
        return null;
    }

    /// <summary>An unknown option or command, with the closest known spelling when one is near.</summary>
    private static string Unknown(string token, CommandResult where)
    {
        var command = where.Command;
        if (token.StartsWith('-'))
        {
            var names = OptionNames(where);
            return $"'{Path(command)}' has no option '{token}'" + Suggestion(token, names);
        }
        if (command.Subcommands.Count > 0)
            return $"'{token}' is not a command of '{Path(command)}'" + Suggestion(token, command.Subcommands.Select(c => c.Name));
        string arguments = string.Join(" ", command.Arguments.Select(a => a.Name));
        return $"unexpected argument '{token}': '{Path(command)}' takes {(arguments.Length == 0 ? "no arguments" : arguments)}" +
            (token.Contains(' ') ? "" : "; quote a value that holds spaces, and put a value right after its option");
    }

    private static IEnumerable<string> OptionNames(CommandResult where)
    {
        for (SymbolResult? r = where; r is CommandResult c; r = c.Parent)
            foreach (var option in c.Command.Options)
                if (r == where || option.Recursive)
                    foreach (var name in option.Aliases.Prepend(option.Name)) yield return name;
    }

    /// <summary>"; did you mean '--epochs'?" for a near spelling or a unique abbreviation, else nothing.</summary>
    internal static string Suggestion(string token, IEnumerable<string> names)
    {
        var candidates = names.Distinct().ToArray();
        var prefixed = candidates.Where(n => n.StartsWith(token, StringComparison.Ordinal)).ToArray();
        if (token.TrimStart('-').Length >= 2 && prefixed.Length == 1) return $"; did you mean '{prefixed[0]}'?";
        // A third of the word may be mistyped: '--epoch' finds '--epochs', '--learning-rate' nothing.
        int allowed = Math.Max(1, token.TrimStart('-').Length / 3);
        var best = candidates.Select(n => (Name: n, Distance: Spelling.EditDistance(token, n))).MinBy(p => p.Distance);
        return best.Name is not null && best.Distance <= allowed ? $"; did you mean '{best.Name}'?" : "";
    }

    private static string Path(Command command)
    {
        var names = new List<string>();
        // The root's name is the program's file name; users type 'downhill'.
        for (var c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
            names.Insert(0, c is RootCommand ? "downhill" : c.Name);
        return string.Join(" ", names);
    }

    private static string Lower(string? sentence) =>
        string.IsNullOrEmpty(sentence) ? "" : char.ToLowerInvariant(sentence[0]) + sentence[1..].TrimEnd('.');

    private static Type Plain(Type type) => Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);

    private static bool Parses(string text, Type type) => Plain(type) switch
    {
        var t when t == typeof(double) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        var t when t == typeof(int) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        var t when t == typeof(bool) => bool.TryParse(text, out _),
        _ => true,
    };

    private static string Noun(Type type) => Plain(type) switch
    {
        var t when t == typeof(double) => "a number",
        var t when t == typeof(int) => "a whole number",
        var t when t == typeof(bool) => "true or false",
        _ => "valid",
    };

    private static string? Expected(Type type) => Plain(type) switch
    {
        var t when t == typeof(double) => "expected a number such as 0.01 or 1e-3, with '.' as the decimal point",
        var t when t == typeof(int) => $"expected a whole number such as 10, from {int.MinValue:N0} to {int.MaxValue:N0}",
        var t when t == typeof(bool) => "expected true or false, or the option alone for true",
        _ => null,
    };
}
