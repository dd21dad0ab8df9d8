using System.Globalization;
using Downhill.Data;
using Downhill.Models;
using Downhill.Nn;

namespace Downhill.Training;

/// <summary>
/// What a plan and a finished run are checked for beyond "the types fit": a task inferred from
/// the data that is probably not what the user meant, values float32 cannot hold, and a run
/// that ended worse than it started or far from converged. Refusals throw with the fix;
/// doubts become warnings in <see cref="FitPlan.Warnings"/> and <see cref="FitOutcome.Warnings"/>.
/// </summary>
internal static class FitChecks
{
    /// <summary>A class needs rows to be learned and measured: more classes than half the rows cannot be class labels.</summary>
    private const double MaxClassesPerRow = 0.5;

    /// <summary>A numeric target with at most this many distinct whole numbers looks like class labels coded as numbers (digits 0..9).</summary>
    private const int FewDistinctIntegers = 20;

    public static void CheckClasses(Dataset data)
    {
        if (data.ClassNames is not { } classes || classes.Length <= Math.Max(2, data.Count * MaxClassesPerRow)) return;
        string target = data.TargetNames[0];
        var notNumbers = classes.Where(c => !double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _)).ToArray();
        string counts = $"the target \"{target}\" has {classes.Length:N0} different values in {data.Count:N0} rows, too many to be class labels (a class needs several rows to be learned)";
        if (notNumbers.Length == 0)
            Errors.Data($"{data.Source}: {counts}, and every one is a number: for a numeric target use FitSettings.Model = ModelSpec.Parse(\"linear\") or an mlp with DataOptions.TargetKind = TargetKind.Regression.");
        if (notNumbers.Length * 10 <= classes.Length)
        {
            string shown = string.Join(", ", notNumbers.Take(5).Select(c => $"\"{c}\""));
            Errors.Data($"{data.Source}: {counts}. All but {notNumbers.Length:N0} are numbers ({shown}), so the column was read as text: " +
                "if those cells mark missing values, remove the rows or fill them (see DataOptions.Missing); for a numeric target use DataOptions.TargetKind = TargetKind.Regression.");
        }
        Errors.Data($"{data.Source}: {counts}; is \"{target}\" an id or free text? Choose the column to learn with DataOptions.Targets.");
    }

    public static IEnumerable<string> TaskWarnings(Dataset data, ModelSpec spec)
    {
        if (data.IsClassification || data.TargetCount != 1 || spec.Kind is not ModelKind.Mlp) yield break;
        var values = data.Column(data.TargetNames[0]);
        var distinct = new HashSet<double>();
        foreach (double v in values)
        {
            if (v != Math.Round(v)) yield break;
            distinct.Add(v);
            if (distinct.Count > FewDistinctIntegers) yield break;
        }
        if (distinct.Count < 2 || data.Count < 5 * distinct.Count) yield break;
        yield return $"the target \"{data.TargetNames[0]}\" holds only the {distinct.Count} whole numbers {distinct.Min().ToString(CultureInfo.InvariantCulture)}..{distinct.Max().ToString(CultureInfo.InvariantCulture)}, " +
            "so it is fitted as a number (regression); if they are classes (digits, categories), add DataOptions.TargetKind = TargetKind.Classification.";
    }

    /// <summary>Float32 holds magnitudes up to about 3.4e38: a larger value would become infinite and look like divergence.</summary>
    public static void CheckFloat32Range(Dataset data)
    {
        // Images hold bytes over a divisor: always in range. Values are read in place, not copied column by column.
        if (data.HoldsPixels) return;
        for (int i = 0; i < data.Count; i++)
        {
            for (int f = 0; f < data.FeatureCount; f++) Check(data.RawFeature(i, f), i, data.FeatureNames[f]);
            if (!data.IsClassification)
                for (int t = 0; t < data.TargetCount; t++) Check(data.RawTarget(i, t), i, data.TargetNames[t]);
        }

        void Check(double value, int row, string column)
        {
            if (double.IsFinite(value) && Math.Abs(value) > float.MaxValue)
                Errors.Data($"{data.Source}: data row {row + 1}, column \"{column}\": {value.ToString("G6", CultureInfo.InvariantCulture)} is beyond float32's range " +
                    $"(±{float.MaxValue.ToString("G3", CultureInfo.InvariantCulture)}); fit with FitSettings.Precision = Precision.Float64, or rescale the column.");
        }
    }

    /// <summary>Warnings about how a gradient run ended: worse than its start, or still falling fast.</summary>
    public static IEnumerable<string> RunWarnings(TrainingResult result, TaskKind task, IReadOnlyDictionary<string, double> trainMetrics, Dataset train, double learningRate)
    {
        var h = result.History;
        if (result.Divergence is not null || h.Count == 0) yield break;
        double first = double.IsFinite(result.StartLoss) ? result.StartLoss : h[0].TrainLoss, last = h[^1].TrainLoss;
        if (double.IsFinite(first) && last > 10 * Math.Max(first, 1e-300))
        {
            yield return $"the training loss rose from {G(first)} at the start to {G(last)} in the last epoch: the learning rate {G(learningRate)} is probably too large; " +
                $"try {G(learningRate / 10)} (or LearningRateSweep to compare rates).";
            yield break;
        }
        if (task == TaskKind.Classification && trainMetrics.TryGetValue("accuracy", out double accuracy) && train.Labels is { } labels)
        {
            double majority = labels.GroupBy(l => l).Max(g => g.Count()) / (double)labels.Length;
            if (accuracy < majority)
            {
                yield return $"train accuracy {G(accuracy)} is below {G(majority)}, what always guessing the most common class scores: " +
                    $"the model is far from trained; train longer (TrainingOptions.Epochs) or with a larger learning rate (now {G(learningRate)}).";
                yield break;
            }
        }
        // Still falling fast (more than 2% an epoch over the last two) while still a sizeable share
        // of where it started: a loss already a thousandth of its start is close enough to call done.
        if (h.Count >= 3 && result.StoppedBecause == StopReason.Completed && !(last < 1e-3 * first))
        {
            double before = h[^3].TrainLoss;
            if (before > 0 && last < before && Math.Pow(last / before, 0.5) < 0.98)
                yield return $"the training loss was still falling by {G(100 * (1 - Math.Pow(last / before, 0.5)))}% an epoch when training stopped ({G(before)} -> {G(last)} over the last 2 epochs): " +
                    "the model is probably not converged; train longer (TrainingOptions.Epochs) or raise the learning rate.";
        }
    }

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
