using ScottPlot;

namespace Downhill.Plots;

public static partial class Draw
{
    /// <summary>A confusion matrix: <c>counts[i, j]</c> is how many examples of true class i were predicted as
    /// class j. Cells are coloured by the share of their true class and show their count.</summary>
    public static Figure ConfusionMatrix(int[,] counts, IReadOnlyList<string> classNames, string title = "Confusion matrix")
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(classNames);
        int n = counts.GetLength(0);
        if (counts.GetLength(1) != n || classNames.Count != n || n < 2)
            Throw.Argument(nameof(counts),
                $"a confusion matrix must be square with one class name per row; got {counts.GetLength(0)}x{counts.GetLength(1)} counts and {classNames.Count} names (at least 2 classes)");

        long total = 0, correct = 0;
        var shares = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            long rowTotal = 0;
            for (int j = 0; j < n; j++)
            {
                if (counts[i, j] < 0)
                    Throw.Argument(nameof(counts), $"count [{i}, {j}] is {counts[i, j]}; counts cannot be negative");
                rowTotal += counts[i, j];
            }
            for (int j = 0; j < n; j++)
                shares[i, j] = rowTotal > 0 ? (double)counts[i, j] / rowTotal : 0;
            total += rowTotal;
            correct += counts[i, i];
        }

        string accuracy = total > 0 ? (100.0 * correct / total).ToString("0.##", CultureInfo.InvariantCulture) + "%" : "n/a";
        var plot = Chart.New($"{title}: accuracy {accuracy} of {total} examples", "predicted class", "true class");
        // Heatmap rows are drawn top to bottom, so true class 0 is the top row as in a printed table.
        var heatmap = plot.Add.Heatmap(shares);
        // ScottPlot's Blues runs dark to light; reversed, an empty cell is white and a full one dark blue.
        heatmap.Colormap = new ScottPlot.Colormaps.Reversed(new ScottPlot.Colormaps.Blues());
        heatmap.Extent = new CoordinateRect(0, n - 1, 0, n - 1);
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "share of the true class";
        bar.LabelStyle.FontSize = 14;
        bar.Axis.TickGenerator = ShareTicks();

        // Text shrinks with the number of classes and is left out when it could not fit.
        float fontSize = n <= 10 ? 13 : n <= 20 ? 9 : 0;
        for (int i = 0; fontSize > 0 && i < n; i++)
            for (int j = 0; j < n; j++)
                Chart.Label(plot, counts[i, j].ToString(CultureInfo.InvariantCulture), j, n - 1 - i, Alignment.MiddleCenter,
                    shares[i, j] > 0.5 ? Colors.White : Colors.Black, fontSize, background: false);

        var xTicks = new ScottPlot.TickGenerators.NumericManual();
        var yTicks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = 0; k < n; k++)
        {
            xTicks.AddMajor(k, classNames[k]);
            yTicks.AddMajor(n - 1 - k, classNames[k]);
        }
        plot.Axes.Bottom.TickGenerator = xTicks;
        plot.Axes.Left.TickGenerator = yTicks;
        plot.HideGrid();
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        return Chart.Done(plot);
    }

    /// <summary>
    /// Quarters as percentages: ScottPlot's automatic ticks put one every 0.05 on a bar 500 pixels
    /// tall, and its title then ran into their labels.
    /// </summary>
    internal static ScottPlot.TickGenerators.NumericManual ShareTicks()
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = 0; k <= 4; k++)
            ticks.AddMajor(k / 4.0, (25 * k).ToString(CultureInfo.InvariantCulture) + "%");
        return ticks;
    }

    /// <summary>A grid of small grayscale images with the predicted label under each, in red with the true
    /// label when the prediction is wrong.</summary>
    public static Figure ImageGrid(IReadOnlyList<LabelledImage> images, int columns = 0, string title = "Predictions")
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0)
            Throw.Argument(nameof(images), "there are no images to draw");
        if (columns < 0)
            Throw.Argument(nameof(columns), $"columns is {columns}; use 0 to choose automatically or a positive count");
        // Wider than tall suits the default 4:3 picture.
        if (columns == 0)
            columns = (int)Math.Ceiling(Math.Sqrt(images.Count * 4.0 / 3.0));
        int rows = (images.Count + columns - 1) / columns;

        const double labelHeight = 0.4, gap = 0.12;
        double cellWidth = 1 + gap, cellHeight = 1 + labelHeight;
        int wrong = 0;
        var plot = new Plot();
        for (int k = 0; k < images.Count; k++)
        {
            var image = images[k];
            ArgumentNullException.ThrowIfNull(image);
            if (image.Width < 1 || image.Height < 1 || image.Pixels.Length != image.Width * image.Height)
                Throw.Argument(nameof(images),
                    $"image {k} is {image.Width}x{image.Height} but has {image.Pixels.Length} pixels; it needs {image.Width * image.Height}");
            float max = image.Pixels.Length == 0 ? 0 : image.Pixels.Max();
            // 0..255 bytes and 0..1 floats both occur (raw IDX vs scaled); anything above 1 means bytes.
            double scale = max > 1 ? 1 / 255.0 : 1;
            var pixels = new double[image.Height, image.Width];
            for (int r = 0; r < image.Height; r++)
                for (int c = 0; c < image.Width; c++)
                    pixels[r, c] = image.Pixels[r * image.Width + c] * scale;

            double left = (k % columns) * cellWidth, top = -(k / columns) * cellHeight;
            double side = Math.Max(image.Width, image.Height);
            double w = image.Width / side, h = image.Height / side;
            var heatmap = plot.Add.Heatmap(pixels);
            heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
            heatmap.ManualRange = new ScottPlot.Range(0, 1);
            // Extent gives the centres of the corner pixels.
            double px = w / image.Width / 2, py = h / image.Height / 2;
            heatmap.Extent = new CoordinateRect(left + px, left + w - px, top - h + py, top - py);

            bool isWrong = image.Actual is not null && image.Actual != image.Predicted;
            if (isWrong) wrong++;
            string text = isWrong ? $"{image.Predicted} (true {image.Actual})" : image.Predicted;
            Chart.Label(plot, text, left + 0.5, top - 1 - 0.04, Alignment.UpperCenter,
                isWrong ? Chart.Wrong : Colors.Black, 13, background: false).LabelBold = isWrong;
        }

        bool labelled = images.Any(i => i.Actual is not null);
        plot.HideAxesAndGrid();
        // HideAxesAndGrid hides the title panel too, so the title is set after it.
        plot.Axes.Title.IsVisible = true;
        plot.Title(labelled ? $"{title}: {wrong} of {images.Count} wrong (red)" : title, 18);
        plot.Axes.SetLimits(-gap, columns * cellWidth, -rows * cellHeight, gap);
        plot.Axes.SquareUnits();
        return Chart.Done(plot);
    }
}
