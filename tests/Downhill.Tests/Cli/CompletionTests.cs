namespace Downhill.Tests.Cli;

/// <summary>
/// The values of enumerated options are declared to System.CommandLine (issue 15 item 7): the
/// <c>[suggest:POSITION]</c> directive that dotnet-suggest calls lists them; a value outside a
/// closed list is one parse error line naming the allowed values (<see cref="ParseErrorTests"/>).
/// </summary>
public class CompletionTests
{
    /// <summary>What a shell gets for the word under the cursor at the end of <paramref name="line"/>.</summary>
    private static string[] Candidates(string line)
    {
        // dotnet-suggest passes the whole line as one argument and the cursor position in the directive.
        var (code, stdout, stderr) = CliProcess.Run(CliProcess.TempFolder(), $"[suggest:{line.Length}]", line);
        Assert.True(code == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    // The expected lists are written out, not read from the library: a name that drops out of the
    // declaration (lm, a new loss left out) fails here. System.CommandLine sorts candidates by name.
    public static TheoryData<string, string[]> Lines => new()
    {
        { "downhill fit line --optimizer ", ["adagrad", "adam", "adamw", "lbfgs", "lm", "rmsprop", "sgd"] },
        { "downhill sweep line --optimizer ", ["adagrad", "adam", "adamw", "lbfgs", "lm", "rmsprop", "sgd"] },
        // minimize walks a formula with a gradient optimizer; Levenberg-Marquardt fits data.
        { "downhill minimize x^2 --optimizer ", ["adagrad", "adam", "adamw", "lbfgs", "rmsprop", "sgd"] },
        { "downhill fit line --optimizer ad", ["adagrad", "adam", "adamw"] },
        { "downhill fit line --activation ", ["identity", "relu", "sigmoid", "tanh"] },
        { "downhill fit line --loss ", ["binary-cross-entropy", "cross-entropy", "huber", "mae", "mse", "rmse"] },
        { "downhill fit line --model ", ["conv:", "linear", "logistic", "mlp:", "softmax"] },
        { "downhill sweep line --scale ", ["minmax", "none", "standard"] },
        { "downhill fit line --precision ", ["float32", "float64"] },
        { "downhill fit line --gradient ", ["analytic", "central", "forward"] },
        { "downhill fit line --task ", ["classification", "regression"] },
        { "downhill fit line --missing ", ["drop", "error", "mean", "median"] },
        { "downhill predict m.json x.csv --decimal ", [",", "."] },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void The_suggest_directive_lists_an_options_values(string line, string[] expected) =>
        Assert.Equal(expected, Candidates(line));

    /// <summary>Any case, and the spellings accepted but not offered (C#'s double, the library's ce and none), still parse.</summary>
    [Fact]
    public void Other_cases_and_accepted_spellings_still_work()
    {
        string dir = CliProcess.TempFolder();
        File.WriteAllText(Path.Combine(dir, "c.csv"), "x,kind\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"{i},{(i % 2 == 0 ? "odd" : "even")}\n")));
        var (code, stdout, stderr) = CliProcess.Run(dir, "fit", "c.csv", "--target", "kind", "--model", "mlp:2", "--optimizer", "ADAM", "--activation", "None",
            "--loss", "ce", "--task", "Classification", "--precision", "double", "--scale", "MinMax", "--gradient", "Central", "--missing", "DROP", "--plan");
        Assert.True(code == 0, stderr);
        Assert.Contains("float64", stdout);
        Assert.Contains("cross-entropy", stdout);
    }
}
