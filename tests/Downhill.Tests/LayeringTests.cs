using System.Text.RegularExpressions;

namespace Downhill.Tests;

/// <summary>
/// The library's folders run one way: each may use only the folders below it (ARCHITECTURE.md).
/// A `using Downhill.X;` that points up a layer fails here, before it becomes a cycle.
/// </summary>
public class LayeringTests
{
    /// <summary>Bottom to top. Folders on one rank do not use each other.</summary>
    private static readonly string[][] Layers =
    [
        ["Tensors", "Autodiff"],
        ["Data"],
        ["Nn", "Optim"],
        ["Formulas"],
        ["Models"],
        ["Analysis", "Onnx"],
        ["Training"],
        ["Experiments", "Distributed"],
    ];

    /// <summary>src/Downhill, found from the test binaries.</summary>
    internal static string LibraryFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Downhill.slnx")))
                return Path.Combine(dir.FullName, "src", "Downhill");
        throw new InvalidOperationException("Downhill.slnx not found above the test binaries");
    }

    [Fact]
    public void NoFolderUsesAFolderAboveIt()
    {
        var rank = Layers.SelectMany((names, r) => names.Select(n => (n, r))).ToDictionary(p => p.n, p => p.r);
        string root = LibraryFolder();
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).ToArray();
        Assert.All(folders, f => Assert.True(rank.ContainsKey(f!), $"folder {f} has no place in LayeringTests.Layers"));
        var wrong = new List<string>();
        foreach (var folder in folders)
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder!), "*.cs", SearchOption.AllDirectories))
                foreach (Match m in Regex.Matches(File.ReadAllText(file), @"^using Downhill\.(\w+);", RegexOptions.Multiline))
                {
                    string used = m.Groups[1].Value;
                    if (used != folder && rank.TryGetValue(used, out int r) && r >= rank[folder!])
                        wrong.Add($"{Path.GetRelativePath(root, file)} uses {used}");
                }
        Assert.Empty(wrong);
    }
}
