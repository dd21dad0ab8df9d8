namespace Downhill.Cli;

/// <summary>
/// <c>fit --json</c>: the outcome as one JSON object, for scripts. Keys: <c>parameters</c>
/// (name: value, or name: [values] for tensors), <c>standard_errors</c> (least-squares fits of
/// formulas only), <c>rss</c> (likewise), <c>loss</c> (final training loss), <c>iterations</c>
/// (lm) or <c>epochs</c> (gradient methods), <c>seconds</c>, <c>stopped_because</c> (a
/// snake_case code) and <c>explanation</c> (the sentence behind it), and <c>hint</c> when a
/// gradient method stalled, <c>path</c> (how the gradients were computed: fused-network,
/// compiled-formula, tape, numerical-gradient, least-squares) and <c>why_not_faster</c>; then every metric the fit computed, then <c>warnings</c> (the fit's warning: lines),
/// as objects of name: value (loss, rmse, mae, r2 or accuracy): <c>train</c>, <c>validation</c> (null without validation
/// rows) and <c>test</c> (the <c>--test</c> file; null without one, or when the fit diverged and nothing was tested).
/// Numbers that are not finite (a standard error of an undetermined parameter) are written as null, which JSON readers accept.
/// </summary>
internal static class FitJson
{
    public static string Write(FitOutcome outcome, IReadOnlyDictionary<string, double>? testMetrics = null) =>
        JsonOut.Object(w =>
        {
            w.WriteStartObject("parameters");
            // Single-layer models report weights in the data's units (as the summary does), not
            // in the standardized units they were trained in.
            var dataUnits = outcome.Model.WeightsInDataUnits();
            var parameters = dataUnits is not { } du ? outcome.Model.Parameters : outcome.Model.Parameters.Select(p => p.Name switch
            {
                "weight" => p with { Values = Flatten(du.Weights) },
                "bias" => p with { Values = du.Bias },
                _ => p,
            }).ToArray();
            foreach (var p in parameters)
            {
                if (p.Values.Length == 1 && p.Shape.Length == 0) JsonOut.Number(w, p.Name, p.Values[0]);
                else JsonOut.Numbers(w, p.Name, p.Values);
            }
            w.WriteEndObject();

            var leastSquares = outcome.LeastSquares;
            if (leastSquares is not null)
            {
                w.WriteStartObject("standard_errors");
                for (int j = 0; j < leastSquares.Names.Count; j++)
                    JsonOut.Number(w, leastSquares.Names[j], leastSquares.Statistics.StandardErrors[j]);
                w.WriteEndObject();
                JsonOut.Number(w, "rss", leastSquares.Statistics.ResidualSumOfSquares);
            }
            JsonOut.Number(w, "loss", outcome.TrainMetrics["loss"]);
            var result = outcome.Result;
            if (leastSquares?.Solver is { } solver) w.WriteNumber("iterations", solver.Iterations);
            else w.WriteNumber("epochs", result.History.Count);
            JsonOut.Number(w, "seconds", result.Seconds);
            w.WriteString("path", result.Path.Name());
            if (result.WhyNotFaster is { } why) w.WriteString("why_not_faster", SettingFlags.ToFlags(why));
            var (code, explanation) = StoppedBecause(outcome);
            w.WriteString("stopped_because", code);
            w.WriteString("explanation", explanation);
            if (leastSquares?.StallHint is { } hint) w.WriteString("hint", SettingFlags.ToFlags(hint));
            JsonOut.Metrics(w, "train", outcome.TrainMetrics);
            JsonOut.Metrics(w, "validation", outcome.ValidationMetrics);
            JsonOut.Metrics(w, "test", testMetrics);
            w.WriteStartArray("warnings");
            foreach (var warning in outcome.Warnings) w.WriteStringValue(SettingFlags.ToFlags(warning));
            w.WriteEndArray();
        });

    /// <summary>A snake_case code and a sentence: the Levenberg-Marquardt stop, or the training loop's.</summary>
    public static (string Code, string Explanation) StoppedBecause(FitOutcome outcome)
    {
        if (outcome.LeastSquares?.Solver is { } solver)
        {
            string code = JsonOut.SnakeCase(solver.StoppedBecause.ToString());
            // The library's sentence names the option's library name (MaxIterations); on the command line it is --epochs.
            return solver.StoppedBecause == Analysis.LeastSquaresStop.IterationLimit
                ? (code, "Not converged: the iteration limit was reached; raise it with --epochs (default 1000 for lm), or start closer to the solution with --init.")
                : (code, solver.Explanation);
        }
        var r = outcome.Result;
        return r.StoppedBecause switch
        {
            StopReason.Completed => ("completed", r.History.Count == 1 ? "the 1 epoch ran." : $"all {r.History.Count} epochs ran."),
            StopReason.EarlyStopping => ("early_stopping", $"the validation loss stopped improving; the weights of the best epoch ({r.BestEpoch}) were restored."),
            StopReason.Diverged => ("diverged", r.Divergence?.Describe() ?? "training diverged."),
            StopReason.Running => ("running", $"still training: {r.History.Count} epochs so far."),
            _ => ("cancelled", "cancelled by Ctrl-C."),
        };
    }

    private static double[] Flatten(double[,] m)
    {
        var values = new double[m.Length];
        int k = 0;
        foreach (var v in m) values[k++] = v;
        return values;
    }
}
