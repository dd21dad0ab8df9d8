using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Downhill.Cli.Options;
using Downhill.Data;
using Downhill.Models;
using Spectre.Console;
using Downhill.Nn;

namespace Downhill.Cli.Commands;

/// <summary><c>downhill evaluate model.json DATA [--json]</c>.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var modelPath = new Argument<string>("MODEL") { Description = "A model file written by 'downhill fit' or 'downhill solve'." };
        var dataPath = new Argument<string>("DATA") { Description = "Labelled data: a CSV with the model's feature and target columns, a built-in set, or - for standard input." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object whose keys are the metric names." };
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
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(metrics));
                return ExitCodes.Success;
            }
            var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
            table.Title = new TableTitle($"{data.Source}: {data.Count} rows");
            foreach (var (k, v) in metrics) table.AddRow(k, v.ToString("G6", CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            if (predictor.IsClassifier) WriteClassReport(predictor, data);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteClassReport(Predictor predictor, Dataset data)
    {
        var classes = predictor.File.Classes!;
        var predicted = predictor.Predict(data).Classes!;
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var actual = data.Labels!.Select(l => index[data.ClassNames![l]]).ToArray();
        var confusion = Nn.Metrics.ConfusionMatrix(predicted, actual, classes.Length);
        var (precision, recall) = Nn.Metrics.PrecisionRecall(confusion);
        var perClass = new Table().AddColumn("class").AddColumn(new TableColumn("precision").RightAligned()).AddColumn(new TableColumn("recall").RightAligned());
        for (int k = 0; k < classes.Length; k++)
            perClass.AddRow(Markup.Escape(classes[k]), precision[k].ToString("F4", CultureInfo.InvariantCulture), recall[k].ToString("F4", CultureInfo.InvariantCulture));
        AnsiConsole.Write(perClass);
        var matrix = new Table { Title = new TableTitle("confusion matrix (rows: actual, columns: predicted)") }.AddColumn("");
        for (int k = 0; k < classes.Length; k++) matrix.AddColumn(new TableColumn(Markup.Escape(classes[k])).RightAligned());
        for (int a = 0; a < classes.Length; a++)
            matrix.AddRow(new[] { Markup.Escape(classes[a]) }.Concat(Enumerable.Range(0, classes.Length).Select(p => confusion[a, p].ToString(CultureInfo.InvariantCulture))).ToArray());
        AnsiConsole.Write(matrix);
    }
}
