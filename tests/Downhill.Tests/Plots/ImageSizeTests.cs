using Downhill.Plots;

namespace Downhill.Tests.Plots;

public class ImageSizeTests
{
    [Theory]
    [InlineData("800x600", 800, 600)]
    [InlineData("1600x1200", 1600, 1200)]
    [InlineData(" 640X480 ", 640, 480)]
    public void Parse_reads_width_and_height(string text, int width, int height)
    {
        var size = ImageSize.Parse(text);
        Assert.Equal(width, size.Width);
        Assert.Equal(height, size.Height);
    }

    [Theory]
    [InlineData("800x")]
    [InlineData("x600")]
    [InlineData("800*600")]
    [InlineData("-800x600")]
    [InlineData("800x600x2")]
    public void Parse_rejects_text_that_is_not_a_size(string text)
    {
        var error = Assert.Throws<FormatException>(() => ImageSize.Parse(text));
        Assert.Equal($"--size '{text}' is not WIDTHxHEIGHT, e.g. 800x600", error.Message);
    }

    [Fact]
    public void Parse_rejects_sizes_out_of_range()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ImageSize.Parse("20x600"));
        Assert.Equal("image size 20x600 is out of range: width and height must be between 100 and 10000 pixels, e.g. 800x600", error.Message);
    }

    [Fact]
    public void Default_is_800x600() => Assert.Equal("800x600", ImageSize.Default.ToString());
}

public class ImageFileTests
{
    [Theory]
    [InlineData("a.png", "Png")] // by name: ImageFormat is internal, and a public test cannot take it as a parameter
    [InlineData("dir/b.PNG", "Png")]
    [InlineData("c.svg", "Svg")]
    public void Format_follows_the_extension(string path, string expected) =>
        Assert.Equal(expected, ImageFile.FormatOf(path).ToString());

    [Theory]
    [InlineData("loss.jpg", ".jpg")]
    [InlineData("loss", "")]
    public void Unknown_extensions_are_rejected_naming_png_and_svg(string path, string extension)
    {
        var error = Assert.Throws<ArgumentException>(() => ImageFile.FormatOf(path));
        Assert.Equal($"'{path}' has extension '{extension}', which is not a picture format: use .png or .svg", error.Message);
    }

    [Fact]
    public void Saving_into_a_missing_folder_names_the_folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "downhill-no-such-folder-" + Guid.NewGuid().ToString("N"));
        string path = Path.Combine(folder, "loss.png");
        var figure = Draw.LossCurves(new EpochCurve("training", [1, 2, 3], [3, 2, 1]));
        var error = Assert.Throws<DirectoryNotFoundException>(() => figure.Save(path));
        Assert.Equal($"cannot write '{path}': folder '{folder}' does not exist (create it first)", error.Message);
    }

    [Fact]
    public void Save_replaces_an_existing_file_and_leaves_no_temporary_file()
    {
        string folder = Directory.CreateTempSubdirectory("downhill-plots-").FullName;
        try
        {
            string path = Path.Combine(folder, "loss.png");
            File.WriteAllText(path, "old");
            Draw.LossCurves(new EpochCurve("training", [1, 2, 3], [3, 2, 1])).Save(path, new ImageSize(400, 300));
            PictureAssert.IsPicture(File.ReadAllBytes(path), 400, 300);
            Assert.Equal(["loss.png"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
