using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Downhill.Cli.Commands;

/// <summary><c>downhill solve DATA --target y</c>: least squares in closed form, no descent.</summary>
internal static class SolveCommand
{
    public static Command Create()
    {
        var data = new DataOptionSet();
        var compare = new Option<string?>("--compare") { Description = "A linear model file from 'downhill fit': show its weights beside the closed form." };
        var json = new Option<bool>("--json") { Description = "Print {\"weights\": {feature: w, ...}, \"bias\": b} (an array of those for several targets)." };
        var output = new Option<string?>("--out") { Description = "Save the solution as a model file that 'downhill predict' accepts." };
        var command = new Command("solve", "Fit a linear model by the closed-form least-squares solution (Cholesky of the Gram matrix, QR when ill-conditioned).\n" +
            "Example: downhill solve line --target y --compare model.json");
        data.AddTo(command);
        command.Add(compare);
        command.Add(json);
        command.Add(output);
        var stream = Streaming.Option("one pass sums XᵀX and Xᵀy; a second one only when the fit is so close that the residuals must be summed themselves");
        command.Add(stream);
        command.SetAction(r =>
        {
            Cli.CheckOutputPath(r.GetValue(output), "--out", r.GetValue(data.Data), r.GetValue(compare));
            var options = data.Read(r) with { TargetKind = TargetKind.Regression };
            string dataPath = r.GetValue(data.Data)!;
            LinearLeastSquaresResult solution;
            MissingFill? missing;
            string[] featureNames, targetNames;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            if (Streaming.Reason(r, stream, dataPath) is { } streaming)
            {
                var chunks = Streaming.Open(dataPath, options);
                if (chunks.TargetNames.Count == 0)
                    throw new UsageException($"{chunks.Name}: name the column to solve for with --target (columns: {string.Join(", ", chunks.FeatureNames)}).");
                Console.Error.WriteLine($"note: streaming {chunks.Name}: {streaming}.");
                (solution, missing) = StreamFitting.Solve(chunks);
                (featureNames, targetNames) = ([.. chunks.FeatureNames], [.. chunks.TargetNames]);
            }
            else
            {
                var dataset = Cli.LoadData(dataPath, options);
                // The closed form has no validation rows: every row is a training row to fill from.
                missing = dataset.MissingPolicy == MissingValues.Error ? null : MissingFill.Fit(dataset, dataset.MissingPolicy);
                DataOptionSet.ReportMissing(dataset, $"the {dataset.MissingPolicy.ToString().ToLowerInvariant()} of its rows");
                if (missing is not null) dataset = dataset.FillMissing(missing);
                if (dataset.TargetCount == 0)
                    throw new UsageException($"{dataset.Source}: name the column to solve for with --target (columns: {string.Join(", ", dataset.FeatureNames)}).");
                var x = dataset.Features<double>().ToArray();
                var y = dataset.Targets<double>().ToArray();
                clock.Restart();
                solution = LinearLeastSquares.Fit(x, dataset.FeatureCount, y, dataset.TargetCount);
                (featureNames, targetNames) = (dataset.FeatureNames, dataset.TargetNames);
            }
            clock.Stop();
            var file = ToModelFile(solution, featureNames, targetNames) with { Missing = missing };
            if (r.GetValue(output) is { } path) file.Save(path);

            if (r.GetValue(json))
            {
                Console.WriteLine(ToJson(solution, featureNames));
                return ExitCodes.Success;
            }
            string? comparePath = r.GetValue(compare);
            var other = comparePath is null ? null : ModelFile.Load(comparePath);
            var descent = other?.WeightsInDataUnits();
            if (other is not null && (descent is null || other.Classes is not null))
                throw new UsageException($"--compare: {comparePath} is a {other.Kind} model; only linear regression models have weights to compare.");
            if (other is not null && !other.Features.SequenceEqual(featureNames))
                throw new UsageException($"--compare: the model's features ({string.Join(", ", other.Features)}) differ from the data's ({string.Join(", ", featureNames)}).");
            var table = new Table().AddColumn("").AddColumn(new TableColumn("closed form").RightAligned());
            if (descent is not null) table.AddColumn(new TableColumn("gradient descent").RightAligned());
            for (int k = 0; k < solution.Outputs; k++)
            {
                string suffix = solution.Outputs > 1 ? $" ({targetNames[k]})" : "";
                for (int j = 0; j < solution.Features; j++)
                    Row(table, $"weight {featureNames[j]}{suffix}", solution.Weights[k * solution.Features + j], descent?.Weights[j, k]);
                Row(table, $"bias{suffix}", solution.Biases[k], descent?.Bias[k]);
                Row(table, $"rss{suffix}", solution.ResidualSumOfSquares[k], null);
            }
            table.Title = new TableTitle($"least squares on {solution.Rows} rows: {clock.Elapsed.TotalMilliseconds:F1} ms, condition number {solution.ConditionNumber:G3}");
            AnsiConsole.Write(table);
            if (solution.ConstantFeatures > 0)
                Console.Error.WriteLine($"note: {solution.ConstantFeatures} feature column(s) hold one value on every row; the intercept carries them, so their weight is 0.");
            if (solution.IllConditioned)
                Console.Error.WriteLine($"warning: the features are nearly collinear (condition number {solution.ConditionNumber:G3} > {LinearLeastSquaresResult.IllConditionedAbove:G0}); trailing digits of the weights are unreliable.");
            if (r.GetValue(output) is { } saved) Console.WriteLine($"model saved to {saved}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Row(Table table, string name, double value, double? other)
    {
        var cells = new List<string> { Markup.Escape(name), value.ToString("G10", CultureInfo.InvariantCulture) };
        if (table.Columns.Count == 3) cells.Add(other is double o ? o.ToString("G10", CultureInfo.InvariantCulture) : "");
        table.AddRow(cells.ToArray());
    }

    private static string ToJson(LinearLeastSquaresResult s, string[] featureNames)
    {
        JsonObject One(int k)
        {
            var weights = new JsonObject();
            for (int j = 0; j < s.Features; j++) weights[featureNames[j]] = s.Weights[k * s.Features + j];
            return new JsonObject { ["weights"] = weights, ["bias"] = s.Biases[k] };
        }
        JsonNode node = s.Outputs == 1 ? One(0) : new JsonArray(Enumerable.Range(0, s.Outputs).Select(k => (JsonNode)One(k)).ToArray());
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    internal static ModelFile ToModelFile(LinearLeastSquaresResult s, string[] featureNames, string[] targetNames)
    {
        var weight = new double[s.Features * s.Outputs];
        for (int j = 0; j < s.Features; j++)
            for (int k = 0; k < s.Outputs; k++) weight[j * s.Outputs + k] = s.Weights[k * s.Features + j];
        return new ModelFile
        {
            Task = "regression",
            Kind = "linear",
            Loss = "mse",
            Precision = "float64",
            Features = featureNames,
            Targets = targetNames,
            Parameters =
            [
                new ParameterRecord("weight", [s.Features, s.Outputs], weight),
                new ParameterRecord("bias", [s.Outputs], s.Biases.ToArray()),
            ],
        };
    }
}
