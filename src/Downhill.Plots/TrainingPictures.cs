using Downhill.Analysis;

namespace Downhill.Plots;

/// <summary>Pictures of a training run, drawn from what <see cref="Trainer{T}"/> and <see cref="Fitting"/> return.</summary>
public static class TrainingPictures
{
    /// <summary>Points per side of the surface drawn under a descent path: fine enough for smooth contours,
    /// few enough (41 x 41 full-data losses) to stay well under a second on small data.</summary>
    public const int SurfacePoints = 41;

    /// <summary>
    /// A fit's loss curves in the units its plan names (<see cref="FitPlan.EpochLossUnits"/>: the
    /// data's where a scaled target converts exactly), per epoch or per Levenberg-Marquardt iteration.
    /// </summary>
    public static Figure LossCurves(FitOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var (factor, units) = outcome.Plan?.EpochLossUnits ?? (1, "");
        return LossCurves(outcome.Result, outcome.Loss, outcome.IsLevenbergMarquardt ? "Levenberg-Marquardt iteration" : "epoch", factor, units);
    }

    /// <summary>Training and validation loss per epoch, validation accuracy on the right axis when classifying,
    /// and the epoch early stopping kept. <paramref name="round"/> names one entry of the history in the title
    /// (a Levenberg-Marquardt fit records iterations).</summary>
    /// <param name="factor">Multiplies every loss (the training units into <paramref name="units"/>).</param>
    /// <param name="units">Named on the loss axis when not empty.</param>
    public static Figure LossCurves(TrainingResult result, Loss loss, string round = "epoch", double factor = 1, string units = "")
    {
        ArgumentNullException.ThrowIfNull(result);
        var history = result.History;
        if (history.Count == 0)
            Throw.Argument(nameof(result), "the run has no finished epoch to draw (it diverged or was stopped in the first epoch)");
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        var train = new EpochCurve("training", epochs, history.Select(h => h.TrainLoss * factor).ToArray());
        EpochCurve? validation = history.All(h => h.ValidationLoss is not null)
            ? new EpochCurve("validation", epochs, history.Select(h => h.ValidationLoss!.Value * factor).ToArray())
            : null;
        var metrics = history.All(h => h.ValidationMetrics.ContainsKey("accuracy"))
            ? new[] { new EpochCurve("validation accuracy", epochs, history.Select(h => h.ValidationMetrics["accuracy"]).ToArray()) }
            : [];
        var all = train.Values.Concat(validation?.Values ?? []).Where(double.IsFinite).ToArray();
        // Losses that fall by orders of magnitude (a line fit from a bad start) only show their tail on a log axis.
        bool log = all.Length > 0 && all.All(v => v > 0) && all.Max() / all.Min() >= 100;
        string name = loss.Name();
        return Draw.LossCurves(train, validation, new LossCurvesOptions
        {
            Title = $"{name} per {round}",
            LossName = units.Length > 0 ? $"{name}, {units}" : name,
            LogScale = log,
            Metrics = metrics,
            BestEpoch = result.StoppedBecause == StopReason.EarlyStopping ? result.BestEpoch : null,
            Divergence = result.Divergence is { } d ? (d.Epoch, d.Loss * factor) : null,
        });
    }

    /// <summary>
    /// The loss over the two traced parameters <paramref name="first"/> and <paramref name="second"/>
    /// on a grid around the route (its bounding box and a margin), other parameters held at the
    /// model's current values, with the route drawn across it.
    /// </summary>
    public static Figure SurfaceWithPath(Model<double> model, TrainingData<double> data, Loss loss,
        ParameterTrace trace, string first, string second)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return SurfaceWithPath(model, data, loss, new DescentPath("descent", trace.Column(first), trace.Column(second)), first, second);
    }

    /// <summary>The loss over parameters <paramref name="first"/> and <paramref name="second"/> around <paramref name="path"/>,
    /// the other parameters held at the model's current values, with the path drawn across it.</summary>
    public static Figure SurfaceWithPath(Model<double> model, TrainingData<double> data, Loss loss,
        DescentPath path, string first, string second, int points = SurfacePoints)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(path);
        var surface = LossSurface.OverParameters(model, data, loss,
            new GridAxis(first, AxisAround(path.First, points)), new GridAxis(second, AxisAround(path.Second, points)));
        int n = Numbers.FinitePrefixLength(path.First, path.Second);
        if (path.EndLoss is null && n == path.First.Length && n > 0)
        {
            // The loss where the route ends, measured as the grid is: the legend sets it beside the lowest grid cell.
            var end = LossSurface.OverParameters(model, data, loss, new GridAxis(first, [path.First[^1]]), new GridAxis(second, [path.Second[^1]]));
            path = path with { EndLoss = end.Loss[0, 0] };
        }
        string name = loss.Name();
        return Draw.LossSurface(new LossGrid(first, surface.First.Values, second, surface.Second.Values, surface.Loss),
            new LossSurfaceOptions { Title = $"{name} over {first} and {second}", LossName = name, Path = path });
    }

    /// <summary>
    /// Samples <paramref name="loss"/> on a <see cref="SurfacePoints"/>-square grid covering every finite
    /// point of the routes plus 15% on each side; an axis the routes never moved along gets ±1 (or ±half
    /// its value) so the bowl around it still shows.
    /// </summary>
    public static LossGrid GridAround(IReadOnlyList<double> xs, IReadOnlyList<double> ys, Func<double, double, double> loss,
        string firstName, string secondName, int points = SurfacePoints)
    {
        ArgumentNullException.ThrowIfNull(xs);
        ArgumentNullException.ThrowIfNull(ys);
        var (x0, x1) = Span(xs);
        var (y0, y1) = Span(ys);
        return LossGrid.Sample(firstName, x0, x1, secondName, y0, y1, points, loss);
    }

    /// <summary><paramref name="points"/> evenly spaced values covering <paramref name="route"/> with the margin <see cref="GridAround"/> uses.</summary>
    public static double[] AxisAround(IReadOnlyList<double> route, int points = SurfacePoints)
    {
        ArgumentNullException.ThrowIfNull(route);
        if (points < 2) Throw.Argument(nameof(points), $"an axis needs at least 2 points, got {points}");
        var (low, high) = Span(route);
        return Enumerable.Range(0, points).Select(k => low + (high - low) * k / (points - 1)).ToArray();
    }

    static (double Low, double High) Span(IReadOnlyList<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
            Throw.Argument(nameof(values), "the route has no finite point to draw a surface around");
        double low = finite.Min(), high = finite.Max();
        double margin = high > low ? (high - low) * 0.15 : Math.Max(1, Math.Abs(low) * 0.5);
        return (low - margin, high + margin);
    }
}
