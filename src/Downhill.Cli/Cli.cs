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
        if (parsed.Action is not { ClearsParseErrors: true } && ParseErrors.Describe(parsed) is { Count: > 0 } errors)
        {
            // Under mpirun every rank finds the same mistake; rank 0 says it.
            if (!Ranks.IsOtherRank) foreach (var line in errors) Console.Error.WriteLine($"error: {line}");
            return ExitCodes.BadInput;
        }
        try
        {
            return parsed.Invoke(config);
        }
        catch (Exception e) when (ErrorLines(e, "") is { } lines)
        {
            foreach (var line in lines) Console.Error.WriteLine(line);
            return ExitCodes.BadInput;
        }
    }

    /// <summary>
    /// What stderr says for an error the user can fix (bad input, settings, files), each line after
    /// "error: " and <paramref name="who"/> (an MPI rank names itself); null for a bug, which should crash loudly.
    /// </summary>
    internal static string[]? ErrorLines(Exception e, string who) => e switch
    {
        // The message is the formula with a caret under the column: print it flush left so they line up.
        FormulaException => [$"error: {who}the formula could not be read:", e.Message],
        UsageException or ArgumentException or DataFileException or InvalidOperationException or IOException
            or UnauthorizedAccessException or FormatException or OverflowException => [$"error: {who}{SettingFlags.ToFlags(Plain(e))}"],
        _ => null,
    };

    /// <summary>The name '-' gives for standard input, in messages and reports.</summary>
    public const string StandardInputName = "standard input";

    /// <summary>
    /// A CSV file, a built-in set, or '-' for standard input (the Unix convention; a file named
    /// '-' is './-'). Standard input is read to its end before parsing, as a pipe can be read only once.
    /// </summary>
    public static Dataset LoadData(string pathOrName, DataOptions options)
    {
        // Parquet files are accepted wherever CSV is: read by row group, then held as any data set.
        if (pathOrName != "-" && File.Exists(pathOrName) && ChunkSources.IsParquet(pathOrName)) return ChunkSources.ReadAll(ChunkSources.Open(pathOrName, options));
        if (pathOrName != "-") return DataSource.Load(pathOrName, options);
        using var stdin = Console.OpenStandardInput();
        return Csv.Read(stdin, StandardInputName, options);
    }

    /// <summary>
    /// Until disposed, the first Ctrl-C cancels <paramref name="cancel"/> (training stops after
    /// the batch under way) and prints <paramref name="note"/>; a second one ends the process.
    /// </summary>
    /// <remarks>
    /// With <paramref name="onTerminate"/>, SIGTERM means the same (after calling it) instead of ending the
    /// process: how mpirun passes Ctrl-C on to its ranks.
    /// </remarks>
    public static IDisposable CancelOnCtrlC(CancellationTokenSource cancel, string note, Action? onTerminate = null)
    {
        void Stop()
        {
            if (cancel.IsCancellationRequested) return;
            cancel.Cancel();
            Console.Error.WriteLine(note);
        }
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl-C ends the process
            e.Cancel = true;
            Stop();
        };
        Console.CancelKeyPress += onCancel;
        var terminate = onTerminate is null ? null : System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                onTerminate();
                Stop();
            });
        return new Unsubscribe(() =>
        {
            Console.CancelKeyPress -= onCancel;
            terminate?.Dispose();
        });
    }

    private sealed class Unsubscribe(Action undo) : IDisposable
    {
        private Action? undo = undo;

        public void Dispose()
        {
            undo?.Invoke();
            undo = null;
        }
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
    /// Fails early, before any work, when an output file cannot be written: its folder does not
    /// exist or does not take new files, the path is a folder, or the output would overwrite one
    /// of the command's inputs. A full disk shows only at the end: see <see cref="TryWrite"/>.
    /// </summary>
    public static void CheckOutputPath(string? path, string option, params string?[] inputs)
    {
        if (!string.IsNullOrEmpty(path))
            foreach (var input in inputs)
                if (input is not null && File.Exists(input) && Path.GetFullPath(input) == Path.GetFullPath(path))
                    throw new UsageException($"{option} {path} is also an input of this command; writing there would destroy it. Choose another output path.");
        if (string.IsNullOrEmpty(path)) return;
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            throw new UsageException($"{option} {path}: folder {dir} does not exist (create it first or choose another path).");
        if (Directory.Exists(full))
            throw new UsageException($"{option} {path} is a folder; give the name of a file to write (in it, or elsewhere).");
        CheckFolderWritable(dir, $"{option} {path}");
    }

    /// <summary>
    /// Creates and deletes a file in <paramref name="dir"/>: the one sure test that the folder
    /// takes new files (permissions, read-only mounts, ACLs). <paramref name="what"/> starts the message.
    /// </summary>
    public static void CheckFolderWritable(string dir, string what)
    {
        var probe = Path.Combine(dir, $".downhill-probe.{Environment.ProcessId}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{what}: cannot write in folder {dir} ({Reason(e)}); choose a folder you can write to (checked before any work, so nothing is lost).");
        }
    }

    /// <summary>
    /// Writes one output once the work is done. When it fails (a full disk, a folder removed
    /// meanwhile) the error names the option and the path, and the caller writes its other outputs.
    /// </summary>
    public static bool TryWrite(string option, string path, Action write)
    {
        try
        {
            write();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataFileException)
        {
            Console.Error.WriteLine($"error: {option} {path} could not be written: {Reason(e)}");
            return false;
        }
    }

    /// <summary>
    /// Saves a trained model to <paramref name="path"/>; when that fails, to the temp folder
    /// instead, and when that fails too, prints it on stderr: training is not thrown away for a
    /// full disk. False when the model is not at <paramref name="path"/>.
    /// </summary>
    public static bool SaveModel(ModelFile model, string path, string option)
    {
        if (TryWrite(option, path, () => model.Save(path))) return true;
        var rescue = Path.Combine(Path.GetTempPath(), $"downhill-model.{Environment.ProcessId}.json");
        if (TryWrite("the rescue copy", rescue, () => model.Save(rescue)))
            Console.Error.WriteLine($"the trained model was saved to {rescue} instead; move it where it belongs.");
        else
        {
            Console.Error.WriteLine("the trained model follows; save it as a .json file to use it:");
            Console.Error.WriteLine(model.ToJson());
        }
        return false;
    }

    /// <summary>Why a file operation failed, without the path .NET repeats in its message.</summary>
    internal static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        // .NET appends " : '/the/path'" to errors from the system; the caller names the path already.
        IOException when e.Message.IndexOf(" : '", StringComparison.Ordinal) is > 0 and int at => e.Message[..at],
        _ => e.Message,
    };

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
