using ScottPlot;

namespace Downhill.Plots;

/// <summary>The look shared by all pictures: fonts, colours and the common marks.</summary>
internal static class Chart
{
    /// <summary>Category10: distinct colours that read on white and on a light background.</summary>
    public static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    public static readonly Color Wrong = Color.FromHex("#d62728");
    public static readonly Color Start = Color.FromHex("#2ca02c");
    public static readonly Color End = Color.FromHex("#d62728");

    public static Color PaletteColor(int index) => Palette[index % Palette.Length];

    public static Plot New(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, 18);
        plot.XLabel(xLabel, 15);
        plot.YLabel(yLabel, 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.Axes.Right.TickLabelStyle.FontSize = 12;
        return plot;
    }

    /// <summary>Epochs are whole numbers: no ticks at 1.2, 1.4, ... between them.</summary>
    public static void WholeNumberTicks(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    public static ScottPlot.Plottables.Text Label(Plot plot, string text, double x, double y, Alignment alignment,
        Color? color = null, float size = 12, bool background = true)
    {
        var label = plot.Add.Text(text, x, y);
        label.LabelFontSize = size;
        label.LabelFontColor = color ?? Colors.Black;
        label.LabelAlignment = alignment;
        label.LabelBold = false;
        if (background)
        {
            label.LabelBackgroundColor = Colors.White.WithAlpha(0.8);
            label.LabelPadding = 2;
        }
        return label;
    }

    /// <summary>A filled marker with a contrasting rim, so it shows on any background and in the legend.</summary>
    public static ScottPlot.Plottables.Marker Marker(Plot plot, double x, double y, MarkerShape shape, float size,
        Color fill, Color? outline = null, string? legend = null)
    {
        var marker = plot.Add.Marker(x, y, shape, size, fill);
        marker.MarkerStyle.OutlineColor = outline ?? Colors.Black;
        marker.MarkerStyle.OutlineWidth = 1.5f;
        if (legend is not null)
            marker.LegendText = legend;
        return marker;
    }

    public static Figure Done(Plot plot) => new(plot);
}
