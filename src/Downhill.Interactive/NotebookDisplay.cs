using System.Globalization;
using Downhill.Models;
using Downhill.Plots;
using Downhill.Training;
using Microsoft.DotNet.Interactive.Formatting;

namespace Downhill.Interactive;

/// <summary>
/// Shows Downhill's results in a Polyglot (.NET Interactive) notebook: a <see cref="Figure"/> as
/// its picture, a <see cref="FitOutcome"/> as its loss curves with tables of parameters and
/// metrics, a <see cref="ModelFile"/> as a table of what it holds and its parameters. Call
/// <see cref="Register"/> once per notebook; the package's <c>extension.dib</c> does it when the
/// notebook loads the package with <c>#r "nuget: Downhill.Interactive"</c>.
/// </summary>
public static class NotebookDisplay
{
    /// <summary>The size pictures are drawn at in a cell: about the width of a notebook's output column.</summary>
    public static readonly ImageSize PictureSize = new(640, 400);

    /// <summary>Parameters listed in a table before the rest are counted in one line: a network has thousands.</summary>
    public const int MaxParameterRows = 20;

    /// <summary>Values shown per parameter tensor; the rest are counted.</summary>
    public const int MaxValuesShown = 6;

    /// <summary>Registers the HTML formatters of <see cref="Figure"/>, <see cref="FitOutcome"/> and <see cref="ModelFile"/> and makes HTML their preferred display.</summary>
    public static void Register()
    {
        Formatter.Register<Figure>((figure, writer) => writer.Write(Html(figure)), HtmlFormatter.MimeType);
        Formatter.Register<FitOutcome>((outcome, writer) => writer.Write(Html(outcome)), HtmlFormatter.MimeType);
        Formatter.Register<ModelFile>((model, writer) => writer.Write(Html(model)), HtmlFormatter.MimeType);
        foreach (var type in new[] { typeof(Figure), typeof(FitOutcome), typeof(ModelFile) })
            Formatter.SetPreferredMimeTypesFor(type, HtmlFormatter.MimeType);
    }

    /// <summary>The picture as a PNG embedded in an HTML fragment.</summary>
    public static string Html(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        return new HtmlReport("").AddFigure(figure, "", PictureSize).ToFragment();
    }

    /// <summary>The loss curves, how the fit ended, its metrics and parameters, and any warnings, as an HTML fragment.</summary>
    public static string Html(FitOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var result = outcome.Result;
        string rounds = outcome.IsLevenbergMarquardt ? "iterations" : "epochs";
        var html = new HtmlReport($"Fit of {Describe(outcome.Model)}")
            .AddFigure(TrainingPictures.LossCurves(outcome), $"{outcome.Loss.ToString().ToLowerInvariant()} per {rounds[..^1]}", PictureSize)
            .AddText($"{result.History.Count} {rounds} on {outcome.TrainRows} rows" +
                (outcome.ValidationRows > 0 ? $" ({outcome.ValidationRows} held out for validation)" : "") +
                $", stopped because: {result.StoppedBecause}, {result.Seconds.ToString("0.###", CultureInfo.InvariantCulture)} s.");
        var validation = outcome.ValidationMetrics;
        html.AddTable(validation is null ? ["metric", "train"] : ["metric", "train", "validation"],
            outcome.TrainMetrics.Select(m => (IReadOnlyList<string>)(validation is null
                ? [m.Key, Number(m.Value)]
                : [m.Key, Number(m.Value), validation.TryGetValue(m.Key, out var v) ? Number(v) : ""])));
        AddParameters(html, outcome.Model);
        foreach (var warning in outcome.Warnings) html.AddText("Warning: " + warning);
        return html.ToFragment();
    }

    /// <summary>What the model is, what it reads and predicts, and its parameters, as an HTML fragment.</summary>
    public static string Html(ModelFile model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var facts = new List<KeyValuePair<string, string>>
        {
            new("model", Describe(model)),
            new("task", model.Task),
            new("precision", model.Precision),
            new("loss", model.Loss),
            new("features", string.Join(", ", model.Features)),
            new(model.Classes is null ? "targets" : "target", string.Join(", ", model.Targets)),
        };
        if (model.Classes is not null) facts.Add(new("classes", string.Join(", ", model.Classes)));
        if (model.Scaler is not null) facts.Add(new("scaler", model.Scaler.Kind.ToString().ToLowerInvariant() + (model.Scaler.TargetOffset is null ? " (features)" : " (features and targets)")));
        if (model.Missing is not null) facts.Add(new("missing values", model.Missing.Policy.ToString().ToLowerInvariant()));
        var html = new HtmlReport($"Model: {Describe(model)}").AddSettings(null, facts);
        if (model.WeightsInDataUnits() is var (weights, bias))
        {
            // The seeds' line reads m = 2, b = 30 here, although the network trained on scaled data.
            int outputs = bias.Length;
            string[] columns = model.Classes is null || outputs == model.Classes.Length ? (model.Classes ?? model.Targets) : [$"{model.Classes[^1]} (logit)"];
            html.AddSection("Weights in the data's units")
                .AddTable(["", .. columns], model.Features.Select((f, j) => (IReadOnlyList<string>)[f, .. Enumerable.Range(0, outputs).Select(k => Number(weights[j, k]))])
                    .Append(["bias", .. bias.Select(Number)]));
        }
        AddParameters(html, model);
        return html.ToFragment();
    }

    private static string Describe(ModelFile model) => model.Kind switch
    {
        "formula" => model.Formula ?? "formula",
        "mlp" => $"mlp:{string.Join(",", model.Hidden ?? [])} ({model.Activation ?? "relu"})",
        _ => model.Kind,
    };

    private static void AddParameters(HtmlReport html, ModelFile model)
    {
        var parameters = model.Parameters;
        html.AddSection($"Parameters ({parameters.Sum(p => p.Values.Length).ToString("N0", CultureInfo.InvariantCulture)} values)")
            .AddTable(["name", "shape", "values"], parameters.Take(MaxParameterRows).Select(p => (IReadOnlyList<string>)
                [p.Name, p.Shape.Length == 0 ? "scalar" : string.Join(" x ", p.Shape),
                 string.Join(", ", p.Values.Take(MaxValuesShown).Select(Number)) + (p.Values.Length > MaxValuesShown ? $", ... ({p.Values.Length} in all)" : "")]));
        if (parameters.Length > MaxParameterRows) html.AddText($"... and {parameters.Length - MaxParameterRows} more parameter tensors.");
    }

    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
