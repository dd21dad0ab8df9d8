using System.Text.Json;
using Spectre.Console;

namespace Downhill.Cli.Commands;

/// <summary><c>downhill evaluate model.json DATA [--json]</c>.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var modelPath = new Argument<string>("MODEL") { Description = "A model file written by 'downhill fit' or 'downhill solve'." };
        var dataPath = new Argument<string>("DATA") { Description = "Labelled data: a CSV with the model's feature and target columns, a built-in set, or - for standard input." };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object and nothing else on stdout: the metrics by name (loss, rmse, mae, r2 or accuracy); for classifiers also " +
                "classes (per class, in the model's order: precision, recall, f1, support = rows truly of the class) and " +
                "confusion: {classes: [names], matrix: [[counts]]}, matrix[i][j] = rows of true class classes[i] predicted as classes[j]. Numbers that are not finite are null.",
        };
        var delimiter = new Option<string?>("--delimiter") { Description = "Field separator of DATA: ',', ';' or tab (default: sniffed)." };
        var decimalSeparator = DataOptionSet.DecimalOption();
        var command = new Command("evaluate", "Measure a saved model on labelled data: loss and rmse/mae/r2, or accuracy with per-class precision and recall.\n" +
            "Example: downhill evaluate model.json fashion-mnist:test --json")
        { modelPath, dataPath, json, delimiter, decimalSeparator };
        command.SetAction(r =>
        {
            var predictor = new Predictor(ModelFile.Load(r.GetValue(modelPath)!));
            var data = Cli.LoadData(r.GetValue(dataPath)!, predictor.DataOptions(withTargets: true, delimiter: Parse.Delimiter(r.GetValue(delimiter)))
                with { DecimalSeparator = Parse.Decimal(r.GetValue(decimalSeparator)) });
            DataOptionSet.ReportMissing(data, predictor.File.Missing?.Fill is null ? null : $"the model's training {predictor.File.Missing.Policy.ToString().ToLowerInvariant()}");
            var metrics = predictor.Evaluate(data);
            var perClass = predictor.IsClassifier ? ClassFigures.Of(predictor, data) : null;
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonOut.Object(w =>
                {
                    foreach (var (k, v) in metrics) JsonOut.Number(w, k, v);
                    if (perClass is not null) WriteClassJson(w, perClass);
                }));
                return ExitCodes.Success;
            }
            var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
            table.Title = new TableTitle($"{data.Source}: {data.Count} rows");
            foreach (var (k, v) in metrics) table.AddRow(k, v.ToString("G6", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            if (perClass is not null) WriteClassReport(perClass);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The per-class figures of a classifier on labelled data: counts[actual, predicted] and what follows from them.</summary>
    private sealed record ClassFigures(string[] Classes, int[,] Confusion, double[] Precision, double[] Recall, double[] F1, int[] Support)
    {
        public static ClassFigures Of(Predictor predictor, Dataset data)
        {
            var classes = predictor.File.Classes!;
            var predicted = predictor.Predict(data).Classes!;
            // Evaluate has already refused a class the model does not know.
            var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
            var actual = data.Labels!.Select(l => index[data.ClassNames![l]]).ToArray();
            var confusion = Nn.Metrics.ConfusionMatrix(predicted, actual, classes.Length);
            var (precision, recall) = Nn.Metrics.PrecisionRecall(confusion);
            // F1 is the harmonic mean of the two; 0 when both are (as precision and recall are 0 when undefined).
            var f1 = precision.Zip(recall, (p, r) => p + r == 0 ? 0 : 2 * p * r / (p + r)).ToArray();
            var support = Enumerable.Range(0, classes.Length).Select(a => Enumerable.Range(0, classes.Length).Sum(p => confusion[a, p])).ToArray();
            return new ClassFigures(classes, confusion, precision, recall, f1, support);
        }
    }

    private static void WriteClassJson(Utf8JsonWriter w, ClassFigures f)
    {
        w.WriteStartObject("classes");
        for (int k = 0; k < f.Classes.Length; k++)
        {
            w.WriteStartObject(f.Classes[k]);
            JsonOut.Number(w, "precision", f.Precision[k]);
            JsonOut.Number(w, "recall", f.Recall[k]);
            JsonOut.Number(w, "f1", f.F1[k]);
            w.WriteNumber("support", f.Support[k]);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("confusion");
        w.WriteStartArray("classes");
        foreach (var c in f.Classes) w.WriteStringValue(c);
        w.WriteEndArray();
        w.WriteStartArray("matrix");
        for (int a = 0; a < f.Classes.Length; a++)
        {
            w.WriteStartArray();
            for (int p = 0; p < f.Classes.Length; p++) w.WriteNumberValue(f.Confusion[a, p]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteClassReport(ClassFigures f)
    {
        var classes = f.Classes;
        string F4(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        var perClass = new Table().AddColumn("class").AddColumn(new TableColumn("precision").RightAligned()).AddColumn(new TableColumn("recall").RightAligned())
            .AddColumn(new TableColumn("f1").RightAligned()).AddColumn(new TableColumn("support").RightAligned());
        for (int k = 0; k < classes.Length; k++)
            perClass.AddRow(Markup.Escape(classes[k]), F4(f.Precision[k]), F4(f.Recall[k]), F4(f.F1[k]), f.Support[k].ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(perClass);
        var matrix = new Table { Title = new TableTitle("confusion matrix (rows: actual, columns: predicted)") }.AddColumn("");
        for (int k = 0; k < classes.Length; k++) matrix.AddColumn(new TableColumn(Markup.Escape(classes[k])).RightAligned());
        for (int a = 0; a < classes.Length; a++)
            matrix.AddRow(new[] { Markup.Escape(classes[a]) }.Concat(Enumerable.Range(0, classes.Length).Select(p => f.Confusion[a, p].ToString(CultureInfo.InvariantCulture))).ToArray());
        AnsiConsole.Write(matrix);
    }
}
