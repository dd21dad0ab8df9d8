using System.Globalization;
using System.Text;
using Downhill.Tests.Models;

namespace Downhill.Tests.Cli;

/// <summary>
/// The digit-recognizer workflow from the command line, on small generated images: fit a conv
/// model on a CSV of pixels with a label column, then 'predict --id' on a test CSV without one
/// writes Kaggle's submission: ImageId from 1, Label, one row per image.
/// </summary>
public class ConvCliTests
{
    private readonly string dir = CliProcess.TempFolder();

    private string WriteImages(string name, int count, int seed, bool withLabel)
    {
        var (pixels, labels) = ConvTrainingTests.BarImages(count, seed);
        int size = ConvTrainingTests.Side * ConvTrainingTests.Side;
        var sb = new StringBuilder();
        var header = Enumerable.Range(0, size).Select(j => $"pixel{j}");
        sb.AppendJoin(',', withLabel ? header.Prepend("label") : header).Append('\n');
        for (int i = 0; i < count; i++)
        {
            var row = pixels.AsSpan(i * size, size).ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture));
            sb.AppendJoin(',', withLabel ? row.Prepend(labels[i].ToString(CultureInfo.InvariantCulture)) : row).Append('\n');
        }
        File.WriteAllText(Path.Combine(dir, name), sb.ToString());
        return name;
    }

    [Fact]
    public void Predict_with_a_bare_id_writes_a_Kaggle_submission()
    {
        WriteImages("train.csv", 240, 1, withLabel: true);
        WriteImages("test.csv", 30, 2, withLabel: false);
        var fit = CliProcess.Run(dir, "fit", "train.csv", "--target", "label", "--task", "classification",
            "--model", "conv:4x3x3:p1,pool:2,dense:16", "--image", "8x8", "--epochs", "8", "--batch", "16", "--out", "m.json");
        Assert.True(fit.ExitCode == 0, fit.Stderr);
        var predict = CliProcess.Run(dir, "predict", "m.json", "test.csv", "--id");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var lines = predict.Stdout.Trim().Split('\n');
        Assert.Equal("ImageId,Label", lines[0]);
        Assert.Equal(31, lines.Length);
        var (_, truth) = ConvTrainingTests.BarImages(30, 2);
        int right = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), cells[0]);
            right += cells[1] == truth[i - 1].ToString(CultureInfo.InvariantCulture) ? 1 : 0;
        }
        // The same net learns these bars to 0.9 or better (ConvTrainingTests); chance is 1/3.
        Assert.True(right >= 24, $"{right} of 30 labels right");
    }

    [Fact]
    public void An_image_that_does_not_cover_the_columns_is_refused_with_the_fix()
    {
        WriteImages("train.csv", 12, 3, withLabel: true);
        var fit = CliProcess.Run(dir, "fit", "train.csv", "--target", "label", "--task", "classification",
            "--model", "conv:4x3x3,dense:8", "--image", "9x9", "--epochs", "1");
        Assert.NotEqual(0, fit.ExitCode);
        Assert.Contains("the image 9x9x1 has 81 pixels but the data have 64 feature columns; give the image shape that fits, e.g. --image 28x28.", fit.Stderr);
    }
}
