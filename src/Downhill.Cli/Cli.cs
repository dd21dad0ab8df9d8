using System.CommandLine;
using Downhill.Data;
using Downhill.Formulas;

namespace Downhill.Cli;

/// <summary>Exit codes: 0 success, 1 bad usage or input, 3 diverged.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int BadInput = 1;
    public const int Diverged = 3;
}

/// <summary>A mistake in how the command was called; the message says what to change.</summary>
internal sealed class UsageException(string message) : Exception(message);

internal static class Cli
{
    /// <summary>Runs the parsed command; every expected failure becomes one clear line on stderr and exit code 1.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        // Redirected output goes to files and pipes, where wrapping tables at 80 columns only hurts.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 240;
        // Messages are English whatever the machine's language: System.CommandLine and .NET
        // would otherwise mix translated fragments into Downhill's sentences.
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.InvariantCulture;
        var parsed = root.Parse(args);
        // --help clears parse errors (help for 'fit --lr' still shows); everything else reports them.
        if (parsed.Errors.Count > 0 && parsed.Action is not { ClearsParseErrors: true })
        {
            foreach (var line in ParseErrors.Describe(parsed)) Console.Error.WriteLine($"error: {line}");
            return ExitCodes.BadInput;
        }
        try
        {
            return parsed.Invoke(config);
        }
        catch (FormulaException e)
        {
            // The message is the formula with a caret under the column: print it flush left so they line up.
            Console.Error.WriteLine("error: the formula could not be read:");
            Console.Error.WriteLine(e.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is UsageException or ArgumentException or DataException or FormulaException
                                       or InvalidOperationException or IOException or UnauthorizedAccessException
                                       or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"error: {Plain(e)}");
            return ExitCodes.BadInput;
        }
    }

    /// <summary>The name '-' gives for standard input, in messages and reports.</summary>
    public const string StandardInputName = "standard input";

    /// <summary>
    /// A CSV file, a built-in set, or '-' for standard input (the Unix convention; a file named
    /// '-' is './-'). Standard input is read to its end before parsing, as a pipe can be read only once.
    /// </summary>
    public static Dataset LoadData(string pathOrName, DataOptions options)
    {
        if (pathOrName != "-") return DataSource.Load(pathOrName, options);
        using var stdin = Console.OpenStandardInput();
        return Csv.Read(stdin, StandardInputName, options);
    }

    /// <summary>The --size option every verb that draws shares.</summary>
    public static Option<string> SizeOption() =>
        new("--size") { Description = "Picture size WIDTHxHEIGHT for every picture the command draws.", DefaultValueFactory = _ => "800x600" };

    /// <summary>Fails early, before any work, when a picture path has no .png/.svg extension or its folder is missing.</summary>
    public static void CheckPicturePath(string? path, string option)
    {
        if (string.IsNullOrEmpty(path)) return;
        string extension = Path.GetExtension(path);
        if (!extension.Equals(".png", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".svg", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"{option} {path}: '{extension}' is not a picture format; end the name in .png or .svg.");
        CheckOutputPath(path, option);
    }

    /// <summary>The command as typed, for reports: <c>downhill fit line --model "y = m*x + b"</c>.</summary>
    public static string CommandLine(IEnumerable<string> args) =>
        "downhill " + string.Join(" ", args.Select(a => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_.,:=/+".Contains(c)) ? a : $"\"{a.Replace("\"", "\\\"")}\""));

    /// <summary>
    /// Fails early, before any work, when an output file's folder does not exist, or when the
    /// output would overwrite one of the command's inputs.
    /// </summary>
    public static void CheckOutputPath(string? path, string option, params string?[] inputs)
    {
        if (!string.IsNullOrEmpty(path))
            foreach (var input in inputs)
                if (input is not null && File.Exists(input) && Path.GetFullPath(input) == Path.GetFullPath(path))
                    throw new UsageException($"{option} {path} is also an input of this command; writing there would destroy it. Choose another output path.");
        if (string.IsNullOrEmpty(path)) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir))
            throw new UsageException($"{option} {path}: folder {dir} does not exist (create it first or choose another path).");
    }

    /// <summary>
    /// The library's sentence without what .NET appends to argument exceptions
    /// (" (Parameter 'x')" and a second line "Actual value was ..."): messages stay one line.
    /// </summary>
    internal static string Plain(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentException { ParamName: { } name })
        {
            int newline = message.IndexOf('\n');
            if (newline >= 0 && e is ArgumentOutOfRangeException) message = message[..newline].TrimEnd('\r');
            string suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal)) message = message[..^suffix.Length];
        }
        return message;
    }
}
