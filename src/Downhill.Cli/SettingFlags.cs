using System.Text.RegularExpressions;

namespace Downhill.Cli;

/// <summary>
/// The library's messages name settings as a C# user writes them (<c>TrainingOptions.EarlyStoppingPatience = 5</c>,
/// <c>FitSettings.Optimizer = "lm"</c>, <c>DataOptions.Missing = MissingValues.Drop</c>); a person at the
/// command line typed flags. This is the one table from settings to flags, and the rewrite every
/// library sentence goes through before the CLI prints it (<c>--early-stopping 5</c>, <c>--optimizer lm</c>,
/// <c>--missing drop</c>); the few library calls a CLI user reaches through a command
/// (<c>ModelFile.Save</c>) become that command. A name with no entry stays as the library wrote it.
/// </summary>
internal static partial class SettingFlags
{
    public static readonly IReadOnlyDictionary<string, string> Flags = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["FitSettings.Model"] = "--model",
        ["FitSettings.Activation"] = "--activation",
        ["ModelSpec.Image"] = "--image",
        ["FitSettings.Loss"] = "--loss",
        ["FitSettings.Scale"] = "--scale",
        ["FitSettings.Optimizer"] = "--optimizer",
        // lm reads its most iterations from --epochs (FitCommand).
        ["FitSettings.MaxIterations"] = "--epochs",
        ["FitSettings.Init"] = "--init",
        ["FitSettings.Freeze"] = "--freeze",
        ["FitSettings.ValidationFraction"] = "--validation",
        ["FitSettings.Schedule"] = "--schedule",
        ["FitSettings.Precision"] = "--precision",
        ["FitSettings.CheckpointPath"] = "--checkpoint",
        ["FitSettings.Resume"] = "--resume",
        ["FitSettings.TraceParameters"] = "--trace",
        ["TrainingOptions.Epochs"] = "--epochs",
        ["TrainingOptions.BatchSize"] = "--batch",
        ["TrainingOptions.Seed"] = "--seed",
        ["TrainingOptions.Gradient"] = "--gradient",
        ["TrainingOptions.Nudge"] = "--nudge",
        ["TrainingOptions.EarlyStoppingPatience"] = "--early-stopping",
        ["TrainingOptions.ClipNorm"] = "--clip-norm",
        ["OptimizerSettings.LearningRate"] = "--lr",
        ["OptimizerSettings.Momentum"] = "--momentum",
        ["OptimizerSettings.Dampening"] = "--dampening",
        ["OptimizerSettings.Nesterov"] = "--nesterov",
        ["OptimizerSettings.WeightDecay"] = "--weight-decay",
        ["OptimizerSettings.Beta1"] = "--beta1",
        ["OptimizerSettings.Beta2"] = "--beta2",
        ["OptimizerSettings.Eps"] = "--eps",
        ["OptimizerSettings.AmsGrad"] = "--amsgrad",
        ["OptimizerSettings.Alpha"] = "--alpha",
        ["OptimizerSettings.Centered"] = "--centered",
        ["OptimizerSettings.LrDecay"] = "--lr-decay",
        ["DataOptions.Targets"] = "--target",
        ["DataOptions.Features"] = "--features",
        ["DataOptions.Exclude"] = "--exclude",
        ["DataOptions.Id"] = "--id",
        ["DataOptions.Delimiter"] = "--delimiter",
        ["DataOptions.DecimalSeparator"] = "--decimal",
        ["DataOptions.Missing"] = "--missing",
        ["DataOptions.TargetKind"] = "--task",
        // Not a setting but an output: fit writes it with --history.
        ["TrainingResult.History"] = "--history",
        // Library calls that the command line reaches through a command.
        ["ModelFile.Save"] = "'downhill fit --out' or 'downhill solve --out'",
        ["LearningRateSweep"] = "'downhill sweep'",
        // Parsers of values the CLI passes on as typed: their messages start with the parser's name.
        ["ScheduleSpec"] = "--schedule",
        ["GridAxis"] = "--grid",
        ["LearningRateSweep.Run"] = "--lr",
        ["LearningRateSweep.RangeTest"] = "--lr-range",
    };

    /// <summary>
    /// A setting of the table, and the C# value after <c> = </c> if one follows: a string, a char,
    /// a list of strings, X.Parse("..."), an enum member or a number.
    /// </summary>
    private static readonly Regex Setting = new(
        @"\b(?<name>" + string.Join("|", Flags.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)) + @")\b" +
        """(?: = (?<value>"[^"]*"|'.'|\[[^\]]*\]|\w+\.Parse\("[^"]*"\)|[A-Z]\w*\.[A-Z]\w*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?))?""");

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex Quoted();

    /// <summary>The message with every setting of the table written as its flag, and its value as typed after it.</summary>
    public static string ToFlags(string message) => Setting.Replace(message, m =>
    {
        string flag = Flags[m.Groups["name"].Value];
        return m.Groups["value"].Success ? $"{flag} {Typed(m.Groups["value"].Value)}" : flag;
    });

    /// <summary>A C# value as one types it after a flag: <c>"lm"</c> is lm, <c>MissingValues.Drop</c> is drop, <c>Loss.CrossEntropy</c> is cross-entropy.</summary>
    private static string Typed(string value)
    {
        if (value[0] == '\'') return Shell(value[1..^1]);
        if (value[0] == '[' || value.Contains('"'))
            return Shell(string.Join(",", Quoted().Matches(value).Select(q => q.Groups[1].Value)));
        int dot = value.IndexOf('.');
        if (char.IsAsciiLetterUpper(value[0]) && dot > 0)
            return KebabCase().Replace(value[(dot + 1)..], "$1-$2").ToLowerInvariant();
        return value;
    }

    /// <summary>Quotes a value the shell would split or expand: <c>--model "y = m*x + b"</c>.</summary>
    private static string Shell(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "_-.,:+".Contains(c)) ? text : $"\"{text}\"";

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex KebabCase();
}
