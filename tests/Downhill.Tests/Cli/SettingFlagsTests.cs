using System.Reflection;
using System.Text.RegularExpressions;
using Downhill.Cli;
using Downhill.Data;
using Downhill.Models;
using Downhill.Optim;
using Downhill.Training;

namespace Downhill.Tests.Cli;

/// <summary>
/// The library names settings as a C# user writes them; the CLI's one table turns them into the
/// flags its user typed (issue 11 item 5).
/// </summary>
public class SettingFlagsTests
{
    /// <summary>
    /// Library text that may still show a flag, each with its reason: text that quotes what a CLI
    /// user typed would belong here. None does today.
    /// </summary>
    private static readonly (string File, string Flag, string Reason)[] AllowedFlags = [];

    [Fact]
    public void No_library_string_names_a_command_line_flag()
    {
        string library = LayeringTests.LibraryFolder();
        // A flag is "--" then a letter, not after a word character or another '-' (x--y, a --- rule).
        var flag = new Regex(@"(?<![\w-])--[a-z][a-z0-9-]*");
        var found = new List<string>();
        foreach (var path in Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories))
        {
            string file = Path.GetRelativePath(library, path).Replace('\\', '/');
            if (file.StartsWith("bin/", StringComparison.Ordinal) || file.StartsWith("obj/", StringComparison.Ordinal)) continue;
            var lines = File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                if (line.TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
                // Code has no "--name" (no pre-decrement of a lower-case name here), so a hit before a
                // trailing comment is inside a string.
                int comment = line.IndexOf(" // ", StringComparison.Ordinal);
                foreach (Match m in flag.Matches(line))
                    if ((comment < 0 || m.Index < comment) && !AllowedFlags.Any(a => a.File == file && a.Flag == m.Value))
                        found.Add($"{file}:{i + 1}: {m.Value}");
            }
        }
        Assert.True(found.Count == 0, "library strings that name CLI flags (name the setting, e.g. TrainingOptions.Epochs, and map it in SettingFlags):\n" + string.Join("\n", found));
    }

    [Fact]
    public void Every_name_in_the_table_is_a_real_type_or_member()
    {
        var types = new[] { typeof(FitSettings), typeof(TrainingOptions), typeof(OptimizerSettings), typeof(DataOptions), typeof(TrainingResult),
            typeof(ScheduleSpec), typeof(Downhill.Analysis.GridAxis), typeof(Downhill.Experiments.LearningRateSweep), typeof(ModelFile), typeof(ModelSpec) }.ToDictionary(t => t.Name);
        foreach (var name in SettingFlags.Flags.Keys)
        {
            var parts = name.Split('.');
            Assert.True(types.TryGetValue(parts[0], out var type), $"{name}: no type {parts[0]}");
            if (parts.Length == 2)
                Assert.True(type!.GetMember(parts[1], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Length > 0, $"{name}: {parts[0]} has no member {parts[1]}");
        }
    }

    [Theory]
    [InlineData("TrainingOptions.EarlyStoppingPatience = 5 watches; add FitSettings.ValidationFraction = 0.2.", "--early-stopping 5 watches; add --validation 0.2.")]
    [InlineData("FitSettings.Optimizer = \"lm\" has no learning rate; remove FitSettings.Schedule.", "--optimizer lm has no learning rate; remove --schedule.")]
    [InlineData("e.g. FitSettings.Model = ModelSpec.Parse(\"y = m*x + b\")", "e.g. --model \"y = m*x + b\"")]
    [InlineData("use FitSettings.Model = ModelSpec.Parse(\"mlp:16,8\")", "use --model mlp:16,8")]
    [InlineData("(DataOptions.Missing = MissingValues.Drop)", "(--missing drop)")]
    [InlineData("with DataOptions.DecimalSeparator = ','.", "with --decimal ,.")]
    [InlineData("DataOptions.Delimiter = ';' is", "--delimiter \";\" is")]
    [InlineData("leave it out (DataOptions.Exclude = [\"unit price\"])", "leave it out (--exclude \"unit price\")")]
    [InlineData("DataOptions.TargetKind = TargetKind.Classification", "--task classification")]
    [InlineData("FitSettings.Precision = Precision.Float64", "--precision float64")]
    [InlineData("FitSettings.Loss = Loss.BinaryCrossEntropy", "--loss binary-cross-entropy")]
    [InlineData("TrainingOptions.Epochs = 0 is invalid: expected at least 1 epoch.", "--epochs 0 is invalid: expected at least 1 epoch.")]
    [InlineData("TrainingOptions.Nudge = 1E-06 is fine", "--nudge 1E-06 is fine")]
    [InlineData("ScheduleSpec 'step:x' is not a schedule", "--schedule 'step:x' is not a schedule")]
    [InlineData("LearningRateSweep.Run: give at least one; or LearningRateSweep to compare", "--lr: give at least one; or 'downhill sweep' to compare")]
    // No flag sets it: the library's name stays, as does a name that only starts like a setting.
    [InlineData("TrainingOptions.ClipValue = 0 is invalid", "TrainingOptions.ClipValue = 0 is invalid")]
    [InlineData("FitSettings.ModelName and FitSettings.Epochs", "FitSettings.ModelName and FitSettings.Epochs")]
    public void Settings_become_flags_with_their_values_as_typed(string library, string cli)
    {
        Assert.Equal(cli, SettingFlags.ToFlags(library));
    }

    [Fact]
    public void A_refused_setting_carries_its_name_and_reads_as_the_old_flag_message_on_the_command_line()
    {
        var settings = new FitSettings { Model = ModelSpec.Parse("linear"), Training = new TrainingOptions { EarlyStoppingPatience = 5 } };
        var e = Assert.Throws<SettingException>(() => Fitting.Plan(DataSource.Load("line"), settings));
        Assert.Equal("TrainingOptions.EarlyStoppingPatience", e.Setting);
        Assert.Equal("TrainingOptions.EarlyStoppingPatience", e.ParamName);
        Assert.StartsWith("TrainingOptions.EarlyStoppingPatience = 5 watches the validation loss", e.Message);
        Assert.EndsWith("(or leave early stopping out).", e.Message);
        Assert.Equal("--early-stopping 5 watches the validation loss, but no rows are held out for validation; add --validation 0.2 (or leave early stopping out).",
            SettingFlags.ToFlags(Downhill.Cli.Cli.Plain(e)));

        var range = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingOptions { Epochs = 0 }.Validate());
        Assert.Equal("TrainingOptions.Epochs", range.ParamName);
        Assert.Equal("--epochs 0 is invalid: expected at least 1 epoch.", SettingFlags.ToFlags(Downhill.Cli.Cli.Plain(range)));
    }

    public static TheoryData<string[], string> CommandLines => new()
    {
        { ["fit", "good.csv", "--target", "y", "--early-stopping", "5"],
            "error: --early-stopping 5 watches the validation loss, but no rows are held out for validation; add --validation 0.2 (or leave early stopping out)." },
        { ["fit", "good.csv", "--target", "y", "--optimizer", "lm"],
            "error: --optimizer lm (Levenberg-Marquardt) fits formula models by least squares, not a linear model; write the model as a formula (e.g. --model \"y = m*x + b\"), or choose a gradient optimizer such as adam or lbfgs." },
        { ["fit", "good.csv", "--target", "y", "--epochs", "0"], "error: --epochs 0 is invalid: expected at least 1 epoch." },
        { ["fit", "semi.csv", "--target", "y"],
            "error: semi.csv line 3, column \"x\": \"2,5\" is not a number (use '.' as the decimal point, or read a file that writes decimals with ',' with --decimal ,)." },
        { ["fit", "named.csv", "--target", "y"],
            "make a text column the id (--id \"unit name\") or leave it out (--exclude \"unit name\"), or choose the features)." },
        { ["predict", "empty.json", "good.csv"], "; give a file written by 'downhill fit --out' or 'downhill solve --out'." },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void The_command_line_reads_flags_where_the_library_names_settings(string[] args, string message)
    {
        string dir = CliProcess.TempFolder();
        File.WriteAllText(Path.Combine(dir, "good.csv"), "x,y\n1,2\n2,4\n3,6\n");
        File.WriteAllText(Path.Combine(dir, "semi.csv"), "x;y\n1.5;2\n2,5;3\n");
        File.WriteAllText(Path.Combine(dir, "named.csv"), "unit name,y\n1,2\nbolt,4\n");
        File.WriteAllText(Path.Combine(dir, "empty.json"), "{}");
        var (code, _, stderr) = CliProcess.Run(dir, args);
        Assert.Equal(1, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void Warnings_from_the_library_read_flags_too()
    {
        string dir = CliProcess.TempFolder();
        var rows = Enumerable.Range(0, 40).Select(i => $"{i},{i % 3}\n");
        File.WriteAllText(Path.Combine(dir, "digits.csv"), "x,label\n" + string.Concat(rows));
        var (code, _, stderr) = CliProcess.Run(dir, "fit", "digits.csv", "--target", "label", "--model", "mlp:4", "--epochs", "1", "--quiet", "--out", "m.json");
        Assert.Equal(0, code);
        Assert.Contains("warning: the target \"label\" holds only the 3 whole numbers 0..2, so it is fitted as a number (regression); " +
            "if they are classes (digits, categories), add --task classification.", stderr);
    }
}
