using Plotly.Blazor;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;

namespace Downhill.Lab;

/// <summary>The traces of the lab's charts, made from what the session holds (no maths: values are laid out, not computed).</summary>
/// <param name="Fit">The data and the model's outputs on it.</param>
/// <param name="Landscape">The loss over the two landscape parameters, with the path.</param>
/// <param name="Loss">Training (and validation) loss per epoch.</param>
/// <param name="Surface">The landscape as a 3-D surface with the path.</param>
/// <param name="XName">The axis name of the fit chart's x.</param>
/// <param name="YName">The axis name of the fit chart's y.</param>
public sealed record LabView(IReadOnlyList<ITrace> Fit, IReadOnlyList<ITrace> Landscape, IReadOnlyList<ITrace> Loss,
    IReadOnlyList<ITrace> Surface, string XName, string YName)
{
    /// <summary>The traces for <paramref name="lab"/> as it is now.</summary>
    public static LabView Of(LabSession lab)
    {
        var rows = lab.Session.Plan.TrainRows;
        var fit = new List<ITrace>();
        string xName = rows.FeatureNames[0], yName = rows.TargetNames.FirstOrDefault() ?? "";
        var x = rows.Column(xName);
        if (rows.IsClassification && rows.FeatureCount >= 2)
        {
            // Two features and a class: the points in the plane, one colour per class.
            var x2 = rows.Column(rows.FeatureNames[1]);
            for (int c = 0; c < rows.ClassNames!.Length; c++)
            {
                var members = Enumerable.Range(0, rows.Count).Where(i => rows.Labels![i] == c).ToArray();
                fit.Add(new Scatter { Name = rows.ClassNames[c], Mode = ModeFlag.Markers, X = [.. members.Select(i => V(x[i]))], Y = [.. members.Select(i => V(x2[i]))] });
            }
            yName = rows.FeatureNames[1];
        }
        else if (rows.TargetNames.Length > 0)
        {
            var y = rows.Column(yName);
            var order = Enumerable.Range(0, rows.Count).OrderBy(i => x[i]).ToArray();
            var outputs = lab.Session.Outputs(order);
            fit.Add(new Scatter { Name = "data", Mode = ModeFlag.Markers, X = [.. order.Select(i => V(x[i]))], Y = [.. order.Select(i => V(y[i]))] });
            fit.Add(new Scatter { Name = "model now", Mode = ModeFlag.Lines, X = [.. order.Select(i => V(x[i]))], Y = [.. outputs.Select(o => V(o[0]))] });
        }

        var landscape = new List<ITrace>();
        var surface = new List<ITrace>();
        if (lab.Landscape is { } s)
        {
            // log10: the loss spans many decades between the start and the valley floor, and a linear colour scale shows only the walls.
            var a = s.First.Values.Select(v => (object)v).ToList();
            var b = s.Second.Values.Select(v => (object)v).ToList();
            var z = Enumerable.Range(0, s.Second.Values.Length)
                .Select(j => (object)Enumerable.Range(0, s.First.Values.Length).Select(i => V(Math.Log10(Math.Max(s.Loss[i, j], 1e-300)))).ToList()).ToList();
            landscape.Add(new Contour { Name = "log10 loss", X = a, Y = b, Z = z, ColorScale = "Viridis", Contours = new Plotly.Blazor.Traces.ContourLib.Contours { Coloring = Plotly.Blazor.Traces.ContourLib.ContoursLib.ColoringEnum.HeatMap, ShowLines = true } });
            var pathA = lab.Path.Select(p => V(p.A)).ToList();
            var pathB = lab.Path.Select(p => V(p.B)).ToList();
            landscape.Add(new Scatter { Name = "path", Mode = ModeFlag.Lines | ModeFlag.Markers, X = pathA, Y = pathB, Marker = new Plotly.Blazor.Traces.ScatterLib.Marker { Color = "white", Size = 4 }, Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = "white" } });
            surface.Add(new Surface { Name = "log10 loss", X = a, Y = b, Z = z, ColorScale = "Viridis", ShowScale = false });
        }

        var history = lab.Session.History;
        var loss = new List<ITrace>
        {
            new Scatter { Name = "train", Mode = ModeFlag.Lines | ModeFlag.Markers, X = [.. history.Select(h => (object)h.Epoch)], Y = [.. history.Select(h => V(h.TrainLoss))] },
        };
        if (history.Any(h => h.ValidationLoss is not null))
            loss.Add(new Scatter { Name = "test", Mode = ModeFlag.Lines | ModeFlag.Markers, X = [.. history.Select(h => (object)h.Epoch)], Y = [.. history.Select(h => V(h.ValidationLoss ?? double.NaN))] });
        return new LabView(fit, landscape, loss, surface, xName, yName);
    }

    /// <summary>
    /// A value for a chart: JSON has no NaN or infinity, and one of them (a parameter the update
    /// before a divergence blew up) would end the tab's connection. Plotly leaves a gap for null.
    /// </summary>
    private static object? V(double value) => double.IsFinite(value) ? value : null;
}
