namespace Downhill.Tests.Cli;

/// <summary>
/// Mistakes System.CommandLine finds before a command runs get Downhill's one-line errors:
/// the option, the value, what was expected and where to look, on stderr alone with exit code 1.
/// </summary>
public class ParseErrorTests
{
    public static TheoryData<string[], string> Mistakes => new()
    {
        { ["fit", "line", "--lr", "abc"],
            "error: --lr: \"abc\" is not a number (expected a number such as 0.01 or 1e-3, with '.' as the decimal point). See 'downhill fit --help'." },
        { ["fit", "line", "--epochs", "1.5"],
            "error: --epochs: \"1.5\" is not a whole number (expected a whole number such as 10, from -2,147,483,648 to 2,147,483,647). See 'downhill fit --help'." },
        { ["fit", "line", "--epochs", "99999999999"],
            "error: --epochs: 99999999999 is out of range (expected a whole number such as 10, from -2,147,483,648 to 2,147,483,647). See 'downhill fit --help'." },
        { ["fit", "line", "--lr"],
            "error: --lr needs a value (expected a number such as 0.01 or 1e-3, with '.' as the decimal point). See 'downhill fit --help'." },
        // System.CommandLine alone read these as 15 and 1 (a thousands separator): a decimal comma must not train at 100x the rate.
        { ["demo", "--lr", "1,5"],
            "error: --lr: \"1,5\" is not a number (expected a number such as 0.01 or 1e-3, with '.' as the decimal point). See 'downhill demo --help'." },
        { ["fit", "line", "--lr", "0,01"],
            "error: --lr: \"0,01\" is not a number (expected a number such as 0.01 or 1e-3, with '.' as the decimal point). See 'downhill fit --help'." },
        { ["fit", "line", "--target"],
            "error: --target needs a value: the column to learn (repeat or comma-separate for several outputs). A text column is a class label. Built-in sets know theirs. See 'downhill fit --help'." },
        { ["fit", "line", "--lr", "1", "--lr", "2"], "error: --lr is given 2 times (\"1\", \"2\"); give it once. See 'downhill fit --help'." },
        // The unknown option's value is not reported as a second mistake.
        { ["fit", "line", "--epoch", "5"], "error: 'downhill fit' has no option '--epoch'; did you mean '--epochs'? See 'downhill fit --help'." },
        { ["demo", "--pictur", "x"], "error: 'downhill demo' has no option '--pictur'; did you mean '--pictures'? See 'downhill demo --help'." },
        { ["fit", "line", "--learning-rate", "0.1"], "error: 'downhill fit' has no option '--learning-rate'. See 'downhill fit --help'." },
        { ["fitt", "line"], "error: 'fitt' is not a command of 'downhill'; did you mean 'fit'? See 'downhill --help'." },
        { ["fit", "line", "extra"],
            "error: unexpected argument 'extra': 'downhill fit' takes DATA; quote a value that holds spaces, and put a value right after its option. See 'downhill fit --help'." },
        { ["predict", "m.json"],
            "error: 'downhill predict' needs DATA, a CSV file with the model's feature columns, a built-in data set, or - for standard input. See 'downhill predict --help'." },
        { [], "error: 'downhill' needs a command: demo, fit, predict, evaluate, minimize, solve, surface, sweep, gradcheck, export, lab. See 'downhill --help'." },
        // A value outside an option's declared list, found while parsing: before, fit loaded the data and printed its header first.
        { ["fit", "line", "--optimizer", "adamx"],
            "error: --optimizer 'adamx' is unknown; use sgd, adagrad, rmsprop, adam, adamw, lbfgs or lm; did you mean 'adam'? See 'downhill fit --help'." },
        { ["minimize", "x^2", "--start", "x=1", "--optimizer", "lm"],
            "error: --optimizer 'lm' is unknown; use sgd, adagrad, rmsprop, adam, adamw or lbfgs. See 'downhill minimize --help'." },
        { ["fit", "line", "--activation", "softplus"],
            "error: --activation 'softplus' is unknown; use identity, relu, sigmoid or tanh. See 'downhill fit --help'." },
        { ["fit", "line", "--loss", "hinge"],
            "error: --loss 'hinge' is unknown; use mse, rmse, mae, huber, cross-entropy or binary-cross-entropy. See 'downhill fit --help'." },
        { ["surface", "line", "--scale", "robust"],
            "error: --scale 'robust' is unknown; use none, standard or minmax. See 'downhill surface --help'." },
        { ["fit", "line", "--task", "auto"],
            "error: --task 'auto' is unknown; use regression or classification. See 'downhill fit --help'." },
        // Too short for a "did you mean": every one-letter word is one edit from '.'.
        { ["evaluate", "m.json", "x.csv", "--decimal", "x"], "error: --decimal 'x' is unknown; use '.' or ','. See 'downhill evaluate --help'." },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void AParseErrorIsOneLineOnStderrAndExitCode1(string[] args, string expected)
    {
        var (code, stdout, stderr) = CliProcess.Run(CliProcess.TempFolder(), args);
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Equal(expected, stderr.TrimEnd('\n', '\r'));
    }

    [Fact]
    public void HelpStillWinsOverAMistake()
    {
        var (code, stdout, stderr) = CliProcess.Run(CliProcess.TempFolder(), "fit", "--lr", "abc", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--lr <lr>", stdout);
        Assert.Equal("", stderr);
    }

    [Theory]
    [InlineData("--epoch", "; did you mean '--epochs'?")]
    [InlineData("--valid", "; did you mean '--validation'?")]   // a unique abbreviation
    [InlineData("--e", "")]                                      // too short to guess from
    [InlineData("--learning-rate", "")]
    public void SuggestionsAreNearSpellingsOrUniqueAbbreviations(string token, string expected) =>
        Assert.Equal(expected, Downhill.Cli.ParseErrors.Suggestion(token, ["--epochs", "--validation", "--lr", "--help"]));
}
