namespace Downhill.Tests.Data;

/// <summary>A test class's own scratch folder, removed after each test, and a way to write files into it.</summary>
public abstract class TempFolderTests : IDisposable
{
    protected string Dir { get; } = Cli.CliProcess.TempFolder();

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="name"/> in the folder; returns its path.</summary>
    protected string Write(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
