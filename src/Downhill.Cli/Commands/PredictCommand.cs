namespace Downhill.Cli.Commands;

/// <summary><c>downhill predict model.json DATA --out predictions.csv</c>.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var modelPath = new Argument<string>("MODEL") { Description = "A model file written by 'downhill fit' or 'downhill solve'." };
        var dataPath = new Argument<string>("DATA") { Description = "A CSV file with the model's feature columns, a built-in data set, or - for standard input." };
        var output = new Option<string?>("--out") { Description = "Write predictions here (CSV); default: standard output." };
        var id = new Option<string?>("--id")
        {
            Description = "A column to copy into the output first, to tell rows apart. Alone (no column named), a Kaggle submission: " +
                "the rows numbered from 1 as ImageId and the prediction as Label (digit-recognizer's format), for a test file without an id column.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var probabilities = new Option<bool>("--probabilities") { Description = "Classifiers: add one probability column per class." };
        var delimiter = new Option<string?>("--delimiter") { Description = "Field separator of DATA: ',', ';' or tab (default: sniffed)." };
        var json = new Option<bool>("--json")
        {
            Description = "Write JSON Lines instead of CSV (to --out or stdout, nothing else on stdout): one object per row, in the rows' order, " +
                "{\"id\": ... (with --id), \"<target>\": the prediction (the class name for classifiers), \"probabilities\": {\"<class>\": p, ...} (with --probabilities)}. " +
                "Numbers that are not finite are null.",
        };
        var decimalSeparator = DataOptionSet.DecimalOption();
        var stream = Streaming.Option("predictions are written chunk by chunk, so a 10 GB input gives a 10 GB output with flat memory");
        var command = new Command("predict", "Predict with a saved model: one column per target (the class name for classifiers).\n" +
            "Example: downhill predict model.json new.csv --out predictions.csv --id name")
        { modelPath, dataPath, output, id, probabilities, json, delimiter, decimalSeparator, stream };
        command.SetAction(r =>
        {
            Cli.CheckOutputPath(r.GetValue(output), "--out", r.GetValue(modelPath), r.GetValue(dataPath));
            var predictor = new Predictor(ModelFile.Load(r.GetValue(modelPath)!));
            string? idColumn = r.GetValue(id);
            bool numbered = idColumn is null && r.GetResult(id) is not null;
            var dataOptions = predictor.DataOptions(withTargets: false, idColumn, Parse.Delimiter(r.GetValue(delimiter))) with { DecimalSeparator = Parse.Decimal(r.GetValue(decimalSeparator)) };
            if (r.GetValue(probabilities) && !predictor.IsClassifier)
                throw new UsageException($"--probabilities: {r.GetValue(modelPath)} is a regression model; only classifiers give class probabilities.");
            if (Streaming.Reason(r, stream, r.GetValue(dataPath)!) is { } streamReason)
            {
                if (numbered)
                    throw new UsageException($"--id without a column (a Kaggle submission, ImageId from 1) is written from the whole file, but this input is streamed ({streamReason}); name an id column (--id NAME) or predict without --stream on a smaller file.");
                return Streaming.Predict(predictor, Streaming.Open(r.GetValue(dataPath)!, dataOptions), r.GetValue(output), idColumn, r.GetValue(json), r.GetValue(probabilities));
            }
            var data = Cli.LoadData(r.GetValue(dataPath)!, dataOptions);
            DataOptionSet.ReportMissing(data, predictor.File.Missing?.Fill is null ? null : $"the model's training {predictor.File.Missing.Policy.ToString().ToLowerInvariant()}");
            var predictions = predictor.Predict(data);
            var ids = data.Ids;
            if (numbered)
            {
                if (predictions.Columns.Length != 1)
                    throw new UsageException($"--id without a column writes a Kaggle submission (ImageId,Label), one prediction per row, but {r.GetValue(modelPath)} predicts {predictions.Columns.Length} targets ({string.Join(", ", predictions.Columns)}); name an id column instead, e.g. --id name.");
                (idColumn, ids, predictions) = (KaggleId, NumberedFromOne(predictions.Rows), predictions with { Columns = [KaggleLabel] });
            }
            string text = r.GetValue(json)
                ? ToJsonLines(predictions, idColumn is null ? null : ids, r.GetValue(probabilities))
                : ToCsv(predictions, idColumn, ids, r.GetValue(probabilities));
            if (r.GetValue(output) is { } path)
            {
                AtomicFile.WriteAllText(path, text);
                Console.Error.WriteLine($"{predictions.Rows} predictions written to {path}");
            }
            else Console.Write(text);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The header of a Kaggle digit-recognizer submission: ImageId,Label.</summary>
    internal const string KaggleId = "ImageId", KaggleLabel = "Label";

    /// <summary>"1", "2", ... "n": Kaggle's image ids count from 1.</summary>
    internal static string[] NumberedFromOne(int rows) =>
        [.. Enumerable.Range(1, rows).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    /// <param name="header">False for the second and later chunks of a streamed file.</param>
    internal static string ToCsv(Predictions p, string? idName, string[]? ids, bool probabilities, bool header = true)
    {
        var sb = new StringBuilder();
        var names = new List<string>();
        if (idName is not null) names.Add(Quote(idName));
        names.AddRange(p.Columns.Select(Quote));
        if (probabilities && p.ClassNames is not null) names.AddRange(p.ClassNames.Select(c => Quote("p_" + c)));
        if (header) sb.AppendJoin(',', names).Append('\n');
        int n = p.Classes?.Length ?? p.Rows;
        for (int i = 0; i < n; i++)
        {
            var row = new List<string>();
            if (idName is not null) row.Add(Quote(ids![i]));
            if (p.Classes is not null)
            {
                row.Add(Quote(p.ClassNames![p.Classes[i]]));
                if (probabilities)
                    for (int k = 0; k < p.ClassNames.Length; k++)
                        row.Add(p.Probabilities![i * p.ClassNames.Length + k].ToString("R", CultureInfo.InvariantCulture));
            }
            else
                for (int k = 0; k < p.Columns.Length; k++) row.Add(p.Values[i * p.Columns.Length + k].ToString("R", CultureInfo.InvariantCulture));
            sb.AppendJoin(',', row).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>One JSON object per line and row: a script can stream it, and every line parses on its own.</summary>
    internal static string ToJsonLines(Predictions p, string[]? ids, bool probabilities)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < p.Rows; i++)
        {
            sb.Append(JsonOut.Object(w =>
            {
                if (ids is not null) w.WriteString("id", ids[i]);
                if (p.Classes is not null)
                {
                    w.WriteString(p.Columns[0], p.ClassNames![p.Classes[i]]);
                    if (probabilities)
                        JsonOut.Named(w, "probabilities", p.ClassNames, p.Probabilities.AsSpan(i * p.ClassNames.Length, p.ClassNames.Length).ToArray());
                }
                else
                    for (int k = 0; k < p.Columns.Length; k++) JsonOut.Number(w, p.Columns[k], p.Values[i * p.Columns.Length + k]);
            }, indented: false)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
