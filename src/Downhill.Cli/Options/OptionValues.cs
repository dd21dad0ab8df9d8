namespace Downhill.Cli.Options;

/// <summary>
/// The values of options that take a name from a list, declared to System.CommandLine once: they
/// are the option's completions (the <c>[suggest]</c> directive that dotnet-suggest calls, and the
/// <c>&lt;a|b|c&gt;</c> in --help) and, for a closed list, what its parser accepts. Every list is the
/// library's enum or name table, so a new optimizer or loss reaches the CLI without an edit here.
/// </summary>
internal static class OptionValues
{
    /// <summary>What every command that fits through <see cref="Fitting"/> takes: the gradient optimizers and lm.</summary>
    public static readonly string[] FitOptimizers = [.. Optimizers.Names, Fitting.LevenbergMarquardtName];
    public static readonly string[] Activations = [.. Enum.GetValues<Activation>().Select(a => a.Name())];
    public static readonly string[] Losses = [.. Enum.GetValues<Loss>().Select(l => l.Name())];
    // A formula, mlp:H1,H2 or conv:32x3x3,pool:2 is free text; these are where one starts.
    public static readonly string[] Models =
        [.. Enum.GetValues<ModelKind>().Where(k => k != ModelKind.Formula).Select(k => k is ModelKind.Mlp or ModelKind.Conv ? Name(k) + ":" : Name(k))];
    // Auto is what leaving --task out means; it is not a value to type.
    public static readonly string[] Tasks = [.. Enum.GetValues<TargetKind>().Where(k => k != TargetKind.Auto).Select(Name)];
    public static readonly string[] Decimals = [".", ","];

    /// <summary>The names of an enum's values as the CLI writes them: <c>MinMax</c> is minmax.</summary>
    public static string[] Of<T>() where T : struct, Enum => [.. Enum.GetValues<T>().Select(Name)];

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>The enum value named <paramref name="text"/> (any case), after <see cref="OneOf"/> has checked it.</summary>
    public static T Parse<T>(string text) where T : struct, Enum =>
        Enum.GetValues<T>().Single(v => string.Equals(Name(v), text.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Offers <paramref name="values"/> as completions and accepts anything else too (a formula for --model).</summary>
    public static TOption Suggest<TOption>(this TOption option, IReadOnlyList<string> values) where TOption : Option
    {
        option.CompletionSources.Add([.. values]);
        return option;
    }

    /// <summary>
    /// Offers <paramref name="values"/> as completions and makes anything else a parse error (any case
    /// is fine), reported before any work in one line: the option, the value, the allowed values.
    /// <paramref name="alsoAccepts"/> lets through spellings that are accepted but not offered (double for float64).
    /// </summary>
    public static TOption OneOf<TOption>(this TOption option, IReadOnlyList<string> values, Func<string, bool>? alsoAccepts = null)
        where TOption : Option
    {
        option.Suggest(values);
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (!values.Contains(token.Value.Trim(), StringComparer.OrdinalIgnoreCase) && alsoAccepts?.Invoke(token.Value) != true)
                    result.AddError($"{option.Name} '{token.Value}' is unknown; use {Or(values)}" +
                        // Below three letters every value is "near": 'x' is not a misspelt '.'.
                        (token.Value.Trim().Length < 3 ? "" : ParseErrors.Suggestion(token.Value.Trim().ToLowerInvariant(), values)));
        });
        return option;
    }

    /// <summary>"a, b or c", with values that are not words quoted: '.' or ','.</summary>
    private static string Or(IReadOnlyList<string> values)
    {
        var shown = values.Select(v => v.All(c => char.IsLetterOrDigit(c) || c is '-' or ':') ? v : $"'{v}'").ToArray();
        return shown.Length == 1 ? shown[0] : string.Join(", ", shown[..^1]) + " or " + shown[^1];
    }
}
