using Downhill.Data;

namespace Downhill.Tests.Data;

public class BuiltInSetsTests
{
    [Fact]
    public void Line_holds_the_seed_points_exactly_on_y_equals_2x_plus_30()
    {
        var d = DataSource.Load("line");
        Assert.Equal(20, d.Count);
        Assert.Equal(["x"], d.FeatureNames);
        Assert.Equal(["y"], d.TargetNames);
        var x = d.Column("x");
        var y = d.Column("y");
        (double, double)[] seed = [(7, 44), (9, 48), (28, 86), (30, 90), (50, 130), (22, 74), (3, 36), (23, 76), (40, 110)];
        Assert.Equal(seed, x.Zip(y).Take(9).ToArray());
        for (int i = 0; i < d.Count; i++) Assert.Equal(2 * x[i] + 30, y[i]);
        Assert.Equal(20, x.Distinct().Count());
    }

    [Fact]
    public void Unknown_name_and_missing_path_say_both()
    {
        var message = Assert.Throws<DataFileException>(() => DataSource.Load("lines")).Message;
        Assert.Equal($"{Path.GetFullPath("lines")} does not exist (the working directory is {Environment.CurrentDirectory}), and \"lines\" is not a built-in data set (line, fashion-mnist, fashion-mnist:test, mnist, mnist:test).", message);
    }

    private const string FashionFolder = "/usr/share/datasets/fashion-mnist";

    [Fact]
    public void Fashion_mnist_loads_from_the_debian_package_when_installed()
    {
        if (!File.Exists(Path.Combine(FashionFolder, "train-labels-idx1-ubyte.gz")))
        {
            // Not installed (apt-get install dataset-fashion-mnist): check the missing-data path instead.
            Assert.False(Directory.Exists(FashionFolder) && Directory.GetFiles(FashionFolder).Length == 4);
            return;
        }
        var train = DataSource.Load("fashion-mnist");
        Assert.Equal(60_000, train.Count);
        Assert.Equal(784, train.FeatureCount);
        Assert.Equal("pixel783", train.FeatureNames[^1]);
        Assert.Equal("Ankle boot", train.ClassNames![train.Labels![0]]); // label 9, as in the Fashion-MNIST README's first sample
        Assert.Equal(6_000, train.Labels!.Count(l => l == 0)); // the classes are balanced: 6,000 each
        var test = DataSource.Load("fashion-mnist:test");
        Assert.Equal(10_000, test.Count);
        var first = train.Features<float>([0]).ToArray();
        Assert.All(first, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Missing_image_set_says_where_it_looked_and_that_download_failed()
    {
        using var folder = new TempFolder();
        var cache = Path.Combine(folder.Path, "cache");
        var offline = BuiltInSets.Mnist with { Mirrors = [new Uri(Path.Combine(folder.Path, "mirror") + "/").ToString()] };
        var message = Assert.Throws<DataFileException>(() => BuiltInSets.LoadImages(offline, test: true, default, [Path.Combine(folder.Path, "system")], cache)).Message;
        Assert.StartsWith($"mnist:test: t10k-images-idx3-ubyte.gz is not installed or cached (looked for {folder.Path}/system/t10k-images-idx3-ubyte.gz, {folder.Path}/system/t10k-images-idx3-ubyte, {cache}/t10k-images-idx3-ubyte.gz, {cache}/t10k-images-idx3-ubyte) and downloading it failed (file://", message);
        Assert.EndsWith($"Copy the file into {cache}, or connect to the internet and try again.", message);
        Assert.False(File.Exists(Path.Combine(cache, "t10k-images-idx3-ubyte.gz")));
    }

    [Fact]
    public void Image_set_downloads_into_the_cache_when_the_checksum_matches()
    {
        using var folder = new TempFolder();
        var mirror = Path.Combine(folder.Path, "mirror");
        Directory.CreateDirectory(mirror);
        Idx.Write(Path.Combine(mirror, "t10k-images-idx3-ubyte.gz"), new IdxArray([2, 2, 2], [0, 255, 0, 255, 255, 0, 255, 0]));
        Idx.Write(Path.Combine(mirror, "t10k-labels-idx1-ubyte.gz"), new IdxArray([2], [3, 9]));
        string Sha(string name) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(mirror, name))));
        var set = BuiltInSets.Mnist with
        {
            Mirrors = [new Uri(mirror + "/").ToString()],
            TestImages = new("t10k-images-idx3-ubyte.gz", Sha("t10k-images-idx3-ubyte.gz")),
            TestLabels = new("t10k-labels-idx1-ubyte.gz", Sha("t10k-labels-idx1-ubyte.gz")),
        };
        var cache = Path.Combine(folder.Path, "cache");
        var d = BuiltInSets.LoadImages(set, test: true, default, [], cache);
        Assert.Equal([3, 9], d.Labels!);
        Assert.Equal([0.0, 1, 0, 1], d.Features<double>([0]).ToArray());
        Assert.True(File.Exists(Path.Combine(cache, "t10k-images-idx3-ubyte.gz")));
        // A second load finds the cached copy even with the mirror gone.
        Directory.Delete(mirror, recursive: true);
        Assert.Equal(2, BuiltInSets.LoadImages(set, test: true, default, [], cache).Count);
    }

    [Fact]
    public void Cache_folder_follows_xdg_cache_home()
    {
        var saved = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/tmp/xdg");
            Assert.Equal("/tmp/xdg/downhill/fashion-mnist", BuiltInSets.CacheFolder(BuiltInSets.FashionMnist));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", saved);
        }
    }
}
