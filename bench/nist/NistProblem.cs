using System.Text.Json;

namespace Downhill.Nist;

/// <summary>One NIST StRD nonlinear regression problem as listed in the data folder's manifest.json.</summary>
internal sealed record NistProblem(
    string Name, string Level, string Formula, string[] Parameters,
    double[] Start1, double[] Start2, double[] Certified, double[] CertifiedSd, double CertifiedRss, string CsvPath)
{
    public double[] Start(int which) => which == 1 ? Start1 : Start2;

    public static IReadOnlyList<NistProblem> LoadAll(string folder)
    {
        string manifest = Path.Combine(folder, "manifest.json");
        if (!File.Exists(manifest))
            throw new FileNotFoundException($"{manifest} does not exist: pass the folder holding the NIST StRD manifest.json and the problems' .csv files (see bench/nist/README.md).");
        using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
        static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        return doc.RootElement.EnumerateArray().Select(e =>
        {
            string name = e.GetProperty("name").GetString()!;
            return new NistProblem(name, e.GetProperty("level").GetString()!, e.GetProperty("formula").GetString()!,
                e.GetProperty("parameters").EnumerateArray().Select(p => p.GetString()!).ToArray(),
                Numbers(e.GetProperty("start1")), Numbers(e.GetProperty("start2")),
                Numbers(e.GetProperty("certified")), Numbers(e.GetProperty("certified_sd")),
                e.GetProperty("certified_rss").GetDouble(), Path.Combine(folder, name + ".csv"));
        }).ToArray();
    }
}
