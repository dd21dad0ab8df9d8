namespace Downhill.Plots;

/// <summary>Pictures of <see cref="Minimizer"/> walks on a formula: the ball in the 1-D bowl, the route across a
/// 2-D landscape, and several optimizers racing from one start.</summary>
public static class DescentPictures
{
    /// <summary>Points per side of a formula's contour map: a formula is cheap to evaluate, so the map is finer than a data loss surface's.</summary>
    public const int GridPoints = 121;

    /// <summary>The walk drawn on its function: <see cref="Draw.Descent1D"/> for one variable, a contour map with the
    /// route for two. Other counts have no picture.</summary>
    public static Figure Walk(Formula objective, MinimizeResult walk, string label)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(walk);
        CheckDrawable(objective, walk.Names);
        var f = objective.Right.Compile(walk.Names.ToArray());
        if (walk.Names.Count == 1)
        {
            double[] steps = walk.Trace.Select(s => s.Values[0]).ToArray();
            return Draw.Descent1D(x => f([x]), steps, new Descent1DOptions
            {
                Title = $"{label} on {objective.Text}",
                ParameterName = walk.Names[0],
                LossName = objective.Text,
            });
        }
        var path = PathOf(walk, label);
        var grid = TrainingPictures.GridAround(path.First, path.Second, (x, y) => f([x, y]), walk.Names[0], walk.Names[1], GridPoints);
        return Draw.LossSurface(grid, new LossSurfaceOptions { Title = $"{label} on {objective.Text}", LossName = "f", Path = path });
    }

    /// <summary>Several walks from the same start on one contour map, each in its own colour (the optimizer race).
    /// The map covers the walks that did not blow up, so one diverging optimizer does not shrink the rest to a dot.</summary>
    public static Figure Race(Formula objective, IReadOnlyList<(string Label, MinimizeResult Walk)> walks)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(walks);
        if (walks.Count == 0)
            Throw.Argument(nameof(walks), "a race needs at least one walk");
        var names = walks[0].Walk.Names;
        if (names.Count != 2)
            Throw.Argument(nameof(walks), $"a race is drawn on a function of two variables; this one has {names.Count} ({string.Join(", ", names)})");
        var f = objective.Right.Compile(names.ToArray());
        var paths = walks.Select(w => PathOf(w.Walk, w.Label)).ToArray();
        var calm = walks.Select((w, k) => (w, k)).Where(p => p.w.Walk.Outcome != MinimizeOutcome.Diverged).Select(p => paths[p.k]).ToArray();
        var framed = calm.Length > 0 ? calm : paths;
        var grid = TrainingPictures.GridAround(framed.SelectMany(p => p.First).ToArray(), framed.SelectMany(p => p.Second).ToArray(),
            (x, y) => f([x, y]), names[0], names[1], GridPoints);
        return Draw.OptimizerRace(grid, paths, new LossSurfaceOptions { Title = $"Optimizers on {objective.Text}", LossName = "f" });
    }

    /// <summary>Throws unless the function has one or two variables, the counts there are pictures for.</summary>
    public static void CheckDrawable(Formula objective, IReadOnlyCollection<string> variables)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(variables);
        if (variables.Count is < 1 or > 2)
            Throw.Argument(nameof(variables),
                $"a picture of a walk needs a function of 1 or 2 variables; '{objective.Text}' has {variables.Count} ({string.Join(", ", variables)}). Leave --plot out, or fix the others as numbers.");
    }

    static DescentPath PathOf(MinimizeResult walk, string label) =>
        new(label, walk.Trace.Select(s => s.Values[0]).ToArray(), walk.Trace.Select(s => s.Values[1]).ToArray())
        {
            EndLoss = walk.Trace.Count > 0 && double.IsFinite(walk.Trace[^1].Loss) ? walk.Trace[^1].Loss : null,
        };
}
