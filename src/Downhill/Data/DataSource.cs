namespace Downhill.Data;

/// <summary>
/// The one entry point that turns a path or a built-in name into a <see cref="Dataset"/>.
/// An existing file wins over a built-in name of the same spelling.
/// </summary>
public static class DataSource
{
    /// <summary>
    /// The built-in data sets: <c>line</c> (20 exact points on y = 2x + 30, columns x and y),
    /// <c>fashion-mnist</c> / <c>fashion-mnist:test</c> and <c>mnist</c> / <c>mnist:test</c>
    /// (60,000 / 10,000 images of 28 x 28 = 784 features pixel0..pixel783, labels implied).
    /// Image sets are read from /usr/share/datasets/&lt;name&gt;, else the cache folder
    /// ($XDG_CACHE_HOME/downhill or ~/.cache/downhill), else downloaded there with a SHA-256
    /// check. Pixels are 0..1 (pixel / 255) unless <see cref="DataOptions.RawPixels"/> is set.
    /// </summary>
    public static IReadOnlyList<string> BuiltInNames => BuiltInSets.Names;

    /// <summary>Reads a CSV file, or a built-in data set by name (see <see cref="BuiltInNames"/>).</summary>
    public static Dataset Load(string pathOrName, DataOptions options = default)
    {
        if (File.Exists(pathOrName)) return Csv.Read(pathOrName, options);
        if (BuiltInSets.IsBuiltIn(pathOrName)) return BuiltInSets.Load(pathOrName, options);
        Errors.Data($"{Path.GetFullPath(pathOrName)} does not exist (the working directory is {Environment.CurrentDirectory}), and \"{pathOrName}\" is not a built-in data set ({string.Join(", ", BuiltInSets.Names)}).");
        return null;
    }

    /// <summary>
    /// An image classification set from an IDX images file [count, rows, columns] and an IDX
    /// labels file [count] (".gz" read transparently). Class names default to "0", "1", ...
    /// </summary>
    public static Dataset LoadIdx(string imagesPath, string labelsPath, string[]? classNames = null, bool rawPixels = false)
    {
        var images = Idx.Read(imagesPath);
        var labels = Idx.Read(labelsPath);
        classNames ??= [.. Enumerable.Range(0, labels.Data.Length == 0 ? 0 : labels.Data.Max() + 1).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        return BuiltInSets.FromIdx(imagesPath, images, imagesPath, labels, labelsPath, classNames, rawPixels);
    }
}
