using System.Globalization;
using System.Text.Json;

namespace Downhill.Tests.Analysis;

/// <summary>
/// One NIST StRD nonlinear regression problem read from the shared data folder next to the
/// repository (../shared/data/nist from the folder holding Downhill.slnx). The data lives
/// outside the repository, so <see cref="TryLoad"/> returns null where it is absent and the
/// tests that need it return early.
/// The environment variable DOWNHILL_NIST_DATA, when set, names the folder instead.
/// </summary>
internal sealed record NistProblem(string Name, string Formula, string[] ParameterNames,
    Dictionary<string, double[]> Columns, double[] Start1, double[] Start2,
    double[] Certified, double[] CertifiedSd, double CertifiedRss)
{
    public static readonly string[] All = Folder() is string folder
        ? JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))).RootElement
            .EnumerateArray().Select(e => e.GetProperty("name").GetString()!).ToArray()
        : [];

    public double[] X => Columns.GetValueOrDefault("x") ?? [];
    public double[] Y => Columns["y"];
    public int Rows => Y.Length;

    public static string? Folder()
    {
        // DOWNHILL_NIST_DATA points elsewhere, for a checkout that does not sit beside shared/.
        string? configured = Environment.GetEnvironmentVariable("DOWNHILL_NIST_DATA");
        if (!string.IsNullOrEmpty(configured))
            return File.Exists(Path.Combine(configured, "manifest.json")) ? configured : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Downhill.slnx"))) continue;
            string folder = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "nist"));
            return File.Exists(Path.Combine(folder, "manifest.json")) ? folder : null;
        }
        return null;
    }

    public static NistProblem? TryLoad(string name)
    {
        string? folder = Folder();
        if (folder is null) return null;
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        JsonElement entry = manifest.RootElement.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

        string[] lines = File.ReadAllLines(Path.Combine(folder, name + ".csv"));
        string[] header = lines[0].Split(',');
        var values = header.Select(_ => new List<double>()).ToArray();
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
        {
            string[] cells = line.Split(',');
            for (int c = 0; c < header.Length; c++) values[c].Add(double.Parse(cells[c], CultureInfo.InvariantCulture));
        }
        var columns = header.Select((h, c) => (h, values[c].ToArray())).ToDictionary(t => t.h, t => t.Item2);
        return new NistProblem(name, entry.GetProperty("formula").GetString()!,
            entry.GetProperty("parameters").EnumerateArray().Select(v => v.GetString()!).ToArray(),
            columns, Numbers(entry.GetProperty("start1")),
            Numbers(entry.GetProperty("start2")), Numbers(entry.GetProperty("certified")),
            Numbers(entry.GetProperty("certified_sd")), entry.GetProperty("certified_rss").GetDouble());
    }
}
