namespace Downhill.Plots;

/// <summary>
/// One self-contained HTML page about a fit: the command and settings, the data, the loss curves,
/// the final metrics (and the test file's, when one was measured); the weights of linear, logistic
/// and softmax models in the data's units; for regression predicted against actual and the
/// residuals; for classifiers a confusion matrix; for 28x28 image data a grid of sample images
/// with predicted and true labels; for a formula with two parameters the loss surface with the
/// route descent took (needs <see cref="FitSettings.TraceParameters"/>).
/// </summary>
public static class FitReport
{
    /// <summary>Weights tables stop here: a network on images has thousands, which the model file holds.</summary>
    public const int MaxWeightRows = 100;

    /// <summary>Sample images shown for image data.</summary>
    public const int SampleImages = 24;

    const int ImageSide = 28;

    /// <param name="test">The fitted model measured on a second file (<c>fit --test</c>), or null.</param>
    public static HtmlReport Build(Dataset data, FitSettings settings, FitOutcome outcome, string? commandLine, ImageSize size, TestEvaluation? test = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(outcome);
        var model = outcome.Model;
        var report = new HtmlReport($"downhill fit: {model.Kind} model on {data.Source}");
        report.AddSettings(commandLine, Settings(settings, outcome));

        report.AddSection("Data");
        report.AddTable(["", "value"],
        [
            ["source", data.Source],
            ["rows", $"{data.Count} ({outcome.TrainRows} training" + (outcome.ValidationRows > 0 ? $", {outcome.ValidationRows} validation)" : ")")],
            ["features", data.FeatureCount <= 12 ? string.Join(", ", data.FeatureNames) : $"{data.FeatureCount} ({string.Join(", ", data.FeatureNames.Take(5))}, ...)"],
            ["target", data.TargetCount > 0 ? string.Join(", ", data.TargetNames) : model.Targets.FirstOrDefault() ?? "(formula)"],
            ["classes", data.ClassNames is { } c ? string.Join(", ", c) : "(regression)"],
        ]);

        report.AddSection("Training");
        report.AddText(outcome.IsLevenbergMarquardt
            ? $"Levenberg-Marquardt least squares: {outcome.Result.History.Count} iterations in {outcome.Result.Seconds:F2} s."
            : StopText(outcome.Result));
        if (outcome.Result.History.Count > 0)
            report.AddFigure(TrainingPictures.LossCurves(outcome), "loss per epoch", size);

        report.AddSection("Final metrics");
        var columns = new List<(string Name, IReadOnlyDictionary<string, double> Metrics)> { ("training", outcome.TrainMetrics) };
        if (outcome.ValidationMetrics is { } vm) columns.Add(("validation", vm));
        if (test is not null)
        {
            columns.Add(("test", test.Metrics));
            report.AddText($"Test: {test.Source}, {test.Rows} rows measured after the fit.");
        }
        var names = columns.SelectMany(c => c.Metrics.Keys).Distinct().ToArray();
        report.AddTable(["metric", .. columns.Select(c => c.Name)],
            names.Select(n => (IReadOnlyList<string>)[n, .. columns.Select(c => Value(c.Metrics, n))]));
        if (model.Kind == "formula")
            report.AddTable(["parameter", "value"], model.Parameters.Select(p => (IReadOnlyList<string>)[p.Name, Format(p.Values[0])]));
        AddWeights(report, model);

        if (outcome.Result.Divergence is null && model.Classes is { } classes)
            AddClassification(report, data, settings, model, classes, size);
        else if (outcome.Result.Divergence is null)
            AddRegression(report, data, settings, model, size);
        if (model.Kind == "formula" && model.Parameters.Length == 2 && outcome.Trace is { } trace)
            AddSurface(report, data, settings, outcome, trace, size);
        return report;
    }

    static IEnumerable<KeyValuePair<string, string>> Settings(FitSettings s, FitOutcome o)
    {
        var t = s.Training;
        yield return new("model", s.Model.Kind == ModelKind.Formula ? s.Model.Formula! : s.Model.ToString());
        yield return new("parameters", o.ParameterCount.ToString(CultureInfo.InvariantCulture));
        yield return new("loss", o.Loss.Name());
        yield return new("optimizer", s.Optimizer);
        yield return new("learning rate", s.OptimizerSettings.LearningRate is double lr ? Format(lr) : "(optimizer default)");
        yield return new("epochs", t.Epochs.ToString(CultureInfo.InvariantCulture));
        yield return new("batch", t.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? "full");
        yield return new("shuffle", t.Shuffle ? "yes" : "no");
        yield return new("gradient", t.Gradient.ToString().ToLowerInvariant());
        yield return new("validation fraction", Format(s.ValidationFraction));
        yield return new("early stopping", t.EarlyStoppingPatience is int p ? $"patience {p}" : "off");
        yield return new("seed", t.Seed.ToString(CultureInfo.InvariantCulture));
    }

    static string StopText(TrainingResult r) => r.StoppedBecause switch
    {
        StopReason.Completed => $"All {r.History.Count} epochs ran in {r.Seconds:F2} s.",
        StopReason.EarlyStopping => $"Early stopping after {r.History.Count} epochs; the weights of the best epoch ({r.BestEpoch}) were kept.",
        StopReason.Diverged => r.Divergence!.Describe(),
        StopReason.Running => $"Still training: {r.History.Count} epochs so far.",
        _ => $"Cancelled after {r.History.Count} epochs.",
    };

    /// <summary>The rows the metrics are judged on: the validation rows when there are any, as <see cref="Fitting"/> splits them.</summary>
    static Dataset EvaluationRows(Dataset data, FitSettings settings) =>
        settings.ValidationFraction > 0 ? data.Split(settings.ValidationFraction, settings.Training.Seed).Validation : data;

    static void AddClassification(HtmlReport report, Dataset data, FitSettings settings, ModelFile model, string[] classes, ImageSize size)
    {
        var rows = EvaluationRows(data, settings);
        string which = settings.ValidationFraction > 0 ? "validation" : "training";
        var predicted = new Predictor(model).Predict(rows).Classes!;
        var actual = rows.Labels!;
        var counts = Metrics.ConfusionMatrix(predicted, actual, classes.Length);
        var (precision, recall) = Metrics.PrecisionRecall(counts);
        report.AddSection("Confusion matrix");
        // The section is headed "Confusion matrix" already; a short title still fits a 400-pixel-wide picture.
        report.AddFigure(Draw.ConfusionMatrix(counts, classes, char.ToUpperInvariant(which[0]) + which[1..] + " rows"), $"confusion matrix on the {rows.Count} {which} rows", size);
        report.AddTable(["class", "precision", "recall"],
            classes.Select((c, k) => (IReadOnlyList<string>)[c, Format(precision[k]), Format(recall[k])]));

        if (data.FeatureCount != ImageSide * ImageSide) return;
        var sample = rows.Subset(Enumerable.Range(0, Math.Min(SampleImages, rows.Count)).ToArray());
        var pixels = data.FeatureNames.Select(sample.Column).ToArray();
        var images = Enumerable.Range(0, sample.Count).Select(i => new LabelledImage(
            pixels.Select(column => (float)column[i]).ToArray(), ImageSide, ImageSide,
            classes[predicted[i]], classes[actual[i]])).ToArray();
        report.AddSection("Sample predictions");
        report.AddFigure(Draw.ImageGrid(images, title: $"First {images.Length} {which} images"),
            $"predicted label under each image; wrong ones in red with the true label", size);
    }

    /// <summary>Linear, logistic and softmax weights in the data's units (the scaler folded in): one row per feature, one column per output.</summary>
    static void AddWeights(HtmlReport report, ModelFile model)
    {
        if (model.WeightsInDataUnits() is not var (weights, bias)) return;
        report.AddSection("Weights");
        int features = weights.GetLength(0), outputs = weights.GetLength(1);
        if (features > MaxWeightRows)
        {
            report.AddText($"{features} features x {outputs} outputs: too many weights for a table; the model file holds them all.");
            return;
        }
        report.AddText("In the data's units: a change of 1 in a feature moves the output by its weight" +
            (model.Kind == "linear" ? "." : model.Kind == "logistic" ? " (the log-odds of the second class)." : " (that class's score before softmax)."));
        // One output: the column is the target; several: each class (softmax) or each target (linear with several).
        string[] headers = outputs == 1 ? ["weight"]
            : Enumerable.Range(0, outputs).Select(k => model.Classes is { } c && c.Length == outputs ? c[k] : model.Targets.ElementAtOrDefault(k) ?? $"output {k}").ToArray();
        var rows = Enumerable.Range(0, features)
            .Select(j => (IReadOnlyList<string>)[model.Features[j], .. Enumerable.Range(0, outputs).Select(k => Format(weights[j, k]))])
            .Append([ "bias", .. bias.Select(Format)]);
        report.AddTable(["feature", .. headers], rows);
    }

    /// <summary>Predicted against actual and the residuals, on the rows the metrics are judged on.</summary>
    static void AddRegression(HtmlReport report, Dataset data, FitSettings settings, ModelFile model, ImageSize size)
    {
        var rows = EvaluationRows(data, settings);
        string which = settings.ValidationFraction > 0 ? "validation" : "training";
        var predicted = new Predictor(model).Outputs(rows);
        RegressionSeries[] series;
        if (model.Kind == "formula")
        {
            // The formula predicts its left side, which may be an expression of columns (log(y) = ...).
            var formula = Formula.Parse(model.Formula!);
            var columns = formula.Target!.Variables().ToDictionary(name => name, rows.Column);
            var actual = Enumerable.Range(0, rows.Count)
                .Select(i => formula.EvaluateTarget(columns.ToDictionary(c => c.Key, c => c.Value[i]))).ToArray();
            series = [new RegressionSeries(formula.Target.ToString()!, actual, predicted)];
        }
        else
        {
            int k = model.Targets.Length;
            series = model.Targets.Select((name, t) => new RegressionSeries(name, rows.Column(name),
                Enumerable.Range(0, rows.Count).Select(i => predicted[i * k + t]).ToArray())).ToArray();
        }
        report.AddSection("Predictions");
        report.AddText($"On the {rows.Count} {which} rows. A perfect model puts every dot on the diagonal, and leaves residuals " +
            "that scatter evenly around zero with no shape: a curve in them is a shape the model misses.");
        report.AddFigure(Draw.PredictedVsActual(series, $"Predicted against actual ({which} rows)"), $"predicted against actual on the {rows.Count} {which} rows", size);
        report.AddFigure(Draw.Residuals(series, $"Residuals ({which} rows)"), $"residual (actual - predicted) against the prediction on the {rows.Count} {which} rows", size);
    }

    static void AddSurface(HtmlReport report, Dataset data, FitSettings settings, FitOutcome outcome, ParameterTrace trace, ImageSize size)
    {
        // The fit's own plan: the same split and start, nothing decided again.
        var prepared = (outcome.Plan ?? Fitting.Plan(data, settings)).Build<double>();
        foreach (var stored in outcome.Model.Parameters)
            prepared.Model.Parameter(stored.Name).Data[0] = stored.Values[0];
        string first = trace.Names[0], second = trace.Names[1];
        report.AddSection("Loss surface");
        report.AddText($"The training loss over {first} and {second} around the fitted values, with the route gradient descent " +
            $"took from the start ({trace.Points.Count - 1} updates).");
        report.AddFigure(TrainingPictures.SurfaceWithPath(prepared.Model, prepared.Train, outcome.Loss, trace, first, second),
            $"{outcome.Loss.Name()} over {first} and {second}", size);
    }

    static string Value(IReadOnlyDictionary<string, double> metrics, string name) =>
        metrics.TryGetValue(name, out double v) ? Format(v) : "";

    static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>A fitted model measured on a file it was not trained on: where the rows came from, how many, and the metrics.</summary>
public sealed record TestEvaluation(string Source, int Rows, IReadOnlyDictionary<string, double> Metrics);
