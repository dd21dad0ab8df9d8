using System.Reflection;

namespace Downhill.Tests;

/// <summary>
/// A C# file that imports Downhill beside the framework namespaces a .NET developer imports anyway
/// compiles: no public Downhill type has the name (and generic arity) of a public type there, which
/// would be error CS0104 "ambiguous reference" at every use.
/// </summary>
public class PublicNamesTests
{
    /// <summary>Namespaces that sit next to <c>using Downhill;</c> in real code.</summary>
    private static readonly HashSet<string> FrameworkNamespaces =
    [
        "System", "System.Collections.Generic", "System.Data", "System.Diagnostics", "System.Globalization", "System.IO",
        "System.Linq", "System.Net.Http", "System.Numerics", "System.Numerics.Tensors", "System.Text", "System.Threading",
        "System.Threading.Tasks",
    ];


    private static IEnumerable<Assembly> DownhillAssemblies() =>
    [
        typeof(NDArray).Assembly, typeof(Downhill.Plots.Figure).Assembly,
    ];

    /// <summary>Every public type of the shared framework and of the library's own dependencies, by namespace.</summary>
    private static HashSet<string> FrameworkTypeNames()
    {
        // The runtime's list of assemblies it may load: the shared framework's and the test's dependencies.
        var files = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(f => Path.GetFileName(f).StartsWith("System.", StringComparison.Ordinal));
        var names = new HashSet<string>();
        foreach (var file in files)
        {
            var assembly = Assembly.Load(AssemblyName.GetAssemblyName(file));
            foreach (var type in assembly.GetExportedTypes())
                if (type.Namespace is { } ns && FrameworkNamespaces.Contains(ns) && !type.IsNested)
                    names.Add(type.Name);
        }
        return names;
    }

    [Fact]
    public void NoPublicTypeSharesANameWithAFrameworkTypeInACommonlyImportedNamespace()
    {
        var framework = FrameworkTypeNames();
        Assert.Contains("DataException", framework); // the reader really sees System.Data
        var clashes = DownhillAssemblies().SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsNested && framework.Contains(t.Name))
            .Select(t => t.Name).ToHashSet();
        Assert.Contains("Tensor`1", framework); // System.Numerics.Tensors, the library's own dependency, is seen too
        Assert.Empty(clashes.Select(n => $"{n} is also a public type in one of {string.Join(", ", FrameworkNamespaces)}"));
    }
}
