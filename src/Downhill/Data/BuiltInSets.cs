using System.Globalization;
using System.Text;

namespace Downhill.Data;

/// <summary>A file of an image set with its published SHA-256 (of the .gz as served).</summary>
internal sealed record RemoteFile(string Name, string Sha256);

/// <summary>
/// An MNIST-layout image set: where to look for it, where it comes from, and its class names.
/// </summary>
internal sealed record ImageSet(string Name, string Folder, string[] Mirrors, string[] ClassNames,
    RemoteFile TrainImages, RemoteFile TrainLabels, RemoteFile TestImages, RemoteFile TestLabels);

/// <summary>The data sets addressable by name wherever a path is accepted.</summary>
internal static class BuiltInSets
{
    public static readonly string[] Names = ["line", "fashion-mnist", "fashion-mnist:test", "mnist", "mnist:test"];

    /// <summary>
    /// Fashion-MNIST from its official host; checksums as published with torchvision's dataset
    /// definitions (they match the MD5s in the Fashion-MNIST README for the same files).
    /// </summary>
    public static readonly ImageSet FashionMnist = new("fashion-mnist", "fashion-mnist",
        ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        new("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
        new("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
        new("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
        new("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"));

    /// <summary>MNIST from Yann LeCun's page, then the mirror PyTorch uses (the same files, so the same checksums).</summary>
    public static readonly ImageSet Mnist = new("mnist", "mnist",
        ["http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/"],
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        new("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        new("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        new("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        new("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"));

    /// <summary>
    /// The seed's line y = 2x + 30: its nine points first, in the seed's order, then eleven more
    /// on the same line. Exact, no noise, so a fit must find m = 2, b = 30.
    /// </summary>
    public static readonly (int X, int Y)[] LinePoints =
    [
        (7, 44), (9, 48), (28, 86), (30, 90), (50, 130), (22, 74), (3, 36), (23, 76), (40, 110),
        (1, 32), (5, 40), (12, 54), (15, 60), (18, 66), (26, 82), (33, 96), (36, 102), (44, 118), (47, 124), (55, 140),
    ];

    public static bool IsBuiltIn(string name) => Names.Contains(name, StringComparer.Ordinal);

    public static Dataset Load(string name, DataOptions options) => name switch
    {
        "line" => Line(options),
        "fashion-mnist" => LoadImages(FashionMnist, test: false, options, DefaultSearchFolders(FashionMnist), CacheFolder(FashionMnist)),
        "fashion-mnist:test" => LoadImages(FashionMnist, test: true, options, DefaultSearchFolders(FashionMnist), CacheFolder(FashionMnist)),
        "mnist" => LoadImages(Mnist, test: false, options, DefaultSearchFolders(Mnist), CacheFolder(Mnist)),
        "mnist:test" => LoadImages(Mnist, test: true, options, DefaultSearchFolders(Mnist), CacheFolder(Mnist)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a built-in data set"),
    };

    /// <summary>The line set goes through the CSV reader, so every CSV option (targets, features) works on it.</summary>
    private static Dataset Line(DataOptions options)
    {
        var text = new StringBuilder("x,y\n");
        foreach (var (x, y) in LinePoints) text.Append(CultureInfo.InvariantCulture, $"{x},{y}\n");
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        // y is the target unless the caller reads it as an input (a formula model evaluating "y = m*x + b" reads both).
        var targets = options.Targets ?? (options.Features?.Contains("y") == true ? [] : ["y"]);
        return Csv.Read(stream, "line", options with { Targets = targets, Delimiter = ',' });
    }

    /// <summary>Where an installed copy may be: the Debian package dataset-fashion-mnist puts one in /usr/share/datasets.</summary>
    private static string[] DefaultSearchFolders(ImageSet set) => [Path.Combine("/usr/share/datasets", set.Folder)];

    /// <summary>$XDG_CACHE_HOME/downhill/&lt;set&gt;, else ~/.cache/downhill/&lt;set&gt;.</summary>
    internal static string CacheFolder(ImageSet set)
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "downhill", set.Folder);
    }

    internal static Dataset LoadImages(ImageSet set, bool test, DataOptions options, IReadOnlyList<string> searchFolders, string cacheFolder)
    {
        string name = test ? set.Name + ":test" : set.Name;
        if (options.Targets is { } t && !(t.Count == 1 && t[0] == "label"))
            Errors.Data($"{name}: the target of an image set is its \"label\"; it has no column \"{string.Join(", ", t)}\".");
        // A model trained on the set names all 784 pixels in order; that list is the set's own.
        if (options.Features is { } f && !f.SequenceEqual(Enumerable.Range(0, 28 * 28).Select(i => $"pixel{i}")))
            Errors.Data($"{name}: the features of an image set are all its pixels (pixel0..pixel783, in order); leave DataOptions.Features out.");
        var imagesPath = Find(set, name, test ? set.TestImages : set.TrainImages, searchFolders, cacheFolder);
        var labelsPath = Find(set, name, test ? set.TestLabels : set.TrainLabels, searchFolders, cacheFolder);
        return FromIdx(name, Idx.Read(imagesPath), imagesPath, Idx.Read(labelsPath), labelsPath, set.ClassNames, options.RawPixels);
    }

    /// <summary>An installed copy, a cached one, or a fresh verified download into the cache.</summary>
    private static string Find(ImageSet set, string name, RemoteFile file, IReadOnlyList<string> searchFolders, string cacheFolder)
    {
        var unzipped = file.Name[..^".gz".Length];
        var looked = new List<string>();
        foreach (var folder in searchFolders.Append(cacheFolder))
            foreach (var candidate in new[] { file.Name, unzipped })
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path)) return path;
                looked.Add(path);
            }

        var destination = Path.Combine(cacheFolder, file.Name);
        var failures = new List<string>();
        foreach (var mirror in set.Mirrors)
        {
            var url = new Uri(new Uri(mirror), file.Name);
            try
            {
                Download.VerifiedFile(url, destination, file.Sha256);
                return destination;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or DataFileException or UnauthorizedAccessException)
            {
                // Not swallowed: every failure is reported below if no mirror succeeds.
                failures.Add($"{url}: {e.Message}");
            }
        }
        Errors.Data($"{name}: {file.Name} is not installed or cached (looked for {string.Join(", ", looked)}) and downloading it failed ({string.Join("; ", failures)}). Copy the file into {cacheFolder}, or connect to the internet and try again.");
        return destination;
    }

    /// <summary>Pairs an images file [n, rows, columns] with a labels file [n] into a dataset.</summary>
    internal static Dataset FromIdx(string name, IdxArray images, string imagesPath, IdxArray labels, string labelsPath, string[] classNames, bool rawPixels)
    {
        if (images.Shape.Length != 3)
            Errors.Data($"{imagesPath}: expected images of shape [count, rows, columns], found [{string.Join(", ", images.Shape)}].");
        if (labels.Shape.Length != 1)
            Errors.Data($"{labelsPath}: expected labels of shape [count], found [{string.Join(", ", labels.Shape)}].");
        if (images.Shape[0] != labels.Shape[0])
            Errors.Data($"{name}: {imagesPath} holds {images.Shape[0]:N0} images but {labelsPath} holds {labels.Shape[0]:N0} labels; use files from the same set.");
        var rowLabels = new int[labels.Data.Length];
        for (int i = 0; i < rowLabels.Length; i++)
        {
            rowLabels[i] = labels.Data[i];
            if (rowLabels[i] >= classNames.Length)
                Errors.Data($"{labelsPath}: label {rowLabels[i]} at index {i} is outside the {classNames.Length} classes 0..{classNames.Length - 1}.");
        }
        int pixelCount = images.Shape[1] * images.Shape[2];
        var featureNames = new string[pixelCount];
        for (int j = 0; j < pixelCount; j++) featureNames[j] = "pixel" + j.ToString(CultureInfo.InvariantCulture);
        return Dataset.FromImages(name, featureNames, images.Data, rawPixels ? 1 : 255, rowLabels, classNames);
    }
}
