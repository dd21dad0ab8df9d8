using ScottPlot;

namespace Downhill.Plots;

/// <summary>How <see cref="Draw.BenchmarkBars"/> labels its bars; every property has a default.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>The heading above the bars.</summary>
    public string Title { get; init; } = "Benchmark";
    /// <summary>What the numbers are, with their unit, e.g. "time per epoch (ms)".</summary>
    public string ValueName { get; init; } = "time (ms)";
    /// <summary>The tool the others are compared with. Null: the first tool in the results.</summary>
    public string? Baseline { get; init; }
}

public static partial class Draw
{
    /// <summary>Grouped bars: one group per workload, one bar per tool in a fixed colour. The baseline's bar
    /// is labelled with its value and every other bar with its ratio to the baseline ("2.4x").</summary>
    public static Figure BenchmarkBars(IReadOnlyList<BenchmarkResult> results, BenchmarkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0)
            Throw.Argument(nameof(results), "there are no benchmark results to draw");
        options ??= new BenchmarkOptions();
        foreach (var result in results)
        {
            ArgumentNullException.ThrowIfNull(result);
            if (!double.IsFinite(result.Value) || result.Value < 0)
                Throw.Argument(nameof(results),
                    $"{result.Tool} on {result.Workload}: value {Numbers.Format(result.Value)} is not a finite number of 0 or more");
        }
        string[] workloads = results.Select(r => r.Workload).Distinct().ToArray();
        string[] tools = results.Select(r => r.Tool).Distinct().ToArray();
        string baseline = options.Baseline ?? tools[0];
        if (!tools.Contains(baseline))
            Throw.Argument(nameof(options), $"baseline '{baseline}' is not among the tools: {string.Join(", ", tools)}");

        var plot = Chart.New(options.Title, $"workload (labels: value ÷ {baseline}'s)", options.ValueName);
        int slots = tools.Length + 1; // one empty slot between groups
        for (int t = 0; t < tools.Length; t++)
        {
            var bars = new List<Bar>();
            for (int w = 0; w < workloads.Length; w++)
            {
                var found = results.FirstOrDefault(r => r.Workload == workloads[w] && r.Tool == tools[t]);
                if (found is null) continue;
                var reference = results.FirstOrDefault(r => r.Workload == workloads[w] && r.Tool == baseline);
                string label = tools[t] == baseline || reference is null || reference.Value == 0
                    ? Numbers.Format(found.Value)
                    : $"{Numbers.Format(found.Value / reference.Value)}x";
                bars.Add(new Bar
                {
                    Position = w * slots + t,
                    Value = found.Value,
                    Label = label,
                    FillColor = Chart.PaletteColor(t),
                    LineWidth = 0,
                });
            }
            var series = plot.Add.Bars(bars);
            series.LegendText = tools[t];
            series.ValueLabelStyle.FontSize = 12;
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int w = 0; w < workloads.Length; w++)
            ticks.AddMajor(w * slots + (tools.Length - 1) / 2.0, workloads[w]);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.HideGrid();
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Legend.FontSize = 13;
        return Chart.Done(plot);
    }
}
