using System.Globalization;
using Downhill.Optim;

namespace Downhill.Formulas;

/// <summary>When <c>Minimizer.Minimize</c> stops. Values are checked where the walk starts.</summary>
public readonly record struct MinimizeOptions()
{
    /// <summary>The most optimizer steps to take.</summary>
    public int MaxSteps { get; init; } = 1000;

    /// <summary>Stop once the gradient's Euclidean norm is below this: the walk has reached flat ground.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>
    /// Call it a blow-up when |loss| exceeds this many times max(|start loss|, 1); the max keeps a
    /// start loss near zero from making any growth look like divergence.
    /// </summary>
    public double DivergenceFactor { get; init; } = 1e12;
}

/// <summary>Why a walk of <c>Minimizer.Minimize</c> stopped.</summary>
public enum MinimizeOutcome
{
    /// <summary>The gradient norm fell below the tolerance.</summary>
    Converged,

    /// <summary><see cref="MinimizeOptions.MaxSteps"/> steps were taken without converging.</summary>
    StepLimit,

    /// <summary>The loss or gradient became NaN or infinite, or the loss grew past the divergence factor.</summary>
    Diverged,
}

/// <summary>One point of the walk: after <paramref name="Step"/> updates (0 is the start).</summary>
public sealed record MinimizeStep(int Step, double Loss, double GradientNorm, IReadOnlyList<double> Values);

/// <summary>The walk: names in the order the start values were given, one trace entry per step.</summary>
public sealed record MinimizeResult(MinimizeOutcome Outcome, string Message, IReadOnlyList<string> Names, IReadOnlyList<MinimizeStep> Trace)
{
    /// <summary>Where the walk stopped (for a divergence, the step where it blew up).</summary>
    public MinimizeStep Last => Trace[^1];
}

/// <summary>
/// Builds the update for an optimizer over <paramref name="parameters"/> (scalar tensors that
/// require gradients, named after the formula's variables). The returned action takes one step
/// from their <c>Grad</c> by writing their <c>Data</c>. <paramref name="reevaluate"/> zeroes the
/// gradients, recomputes the loss and its gradients at the current values and returns the loss,
/// for optimizers that evaluate more than once per step (L-BFGS's line search); others ignore it.
/// </summary>
public delegate Action MakeStep(IReadOnlyList<NDArray<double>> parameters, Func<double> reevaluate);

/// <summary>
/// Walks downhill on a formula without '=' (<c>(1 - x)^2 + 100*(y - x^2)^2</c>) from a start
/// point, in double precision, with the gradient from the autodiff tape and any optimizer's update.
/// </summary>
public static class Minimizer
{
    /// <summary>Walks from <paramref name="start"/> (a value for every variable of <paramref name="objective"/>) with the update <paramref name="makeStep"/> builds; <paramref name="onStep"/>, when given, sees every step.</summary>
    public static MinimizeResult Minimize(
        Formula objective,
        IEnumerable<KeyValuePair<string, double>> start,
        MakeStep makeStep,
        MinimizeOptions? options = null,
        Action<MinimizeStep>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(makeStep);
        var o = options ?? new MinimizeOptions();
        if (o.MaxSteps < 0) Errors.OutOfRange(nameof(o.MaxSteps), o.MaxSteps, ">= 0");
        if (!(o.Tolerance >= 0)) Errors.OutOfRange(nameof(o.Tolerance), o.Tolerance, ">= 0 (0 runs all MaxSteps)");
        if (!(o.DivergenceFactor > 1)) Errors.OutOfRange(nameof(o.DivergenceFactor), o.DivergenceFactor, "> 1, e.g. 1e12");

        var startValues = CheckStart(objective, start);
        var names = startValues.Select(p => p.Key).ToList();
        var parameters = startValues.Select(p =>
        {
            var t = NDArray<double>.Scalar(p.Value);
            t.RequiresGrad = true;
            t.Name = p.Key;
            return t;
        }).ToList();
        var byName = names.Zip(parameters).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);

        double Evaluate()
        {
            foreach (var p in parameters) p.ZeroGrad();
            var loss = objective.Evaluate<double>(name => byName[name]);
            double value = loss.Item();
            // Backward refuses a non-finite loss; the walk reports it as a divergence instead.
            if (double.IsFinite(value)) loss.Backward();
            return value;
        }

        var step = makeStep(parameters, Evaluate);
        var trace = new List<MinimizeStep>();
        double startLoss = double.NaN;
        for (int k = 0; ; k++)
        {
            double loss = Evaluate();
            double norm = double.IsFinite(loss) ? GradientNorm(parameters) : double.NaN;
            var point = new MinimizeStep(k, loss, norm, parameters.Select(p => p.Item()).ToArray());
            trace.Add(point);
            onStep?.Invoke(point);

            if (k == 0) startLoss = loss;
            string? blowUp =
                !double.IsFinite(loss) ? $"the loss is {Format(loss)}"
                : Math.Abs(loss) > o.DivergenceFactor * Math.Max(Math.Abs(startLoss), 1) ? $"the loss {Format(loss)} grew past {Format(o.DivergenceFactor)} times the start loss {Format(startLoss)}"
                : !double.IsFinite(norm) ? $"the gradient norm is {Format(norm)}"
                : null;
            if (blowUp is not null)
                return Done(MinimizeOutcome.Diverged, $"diverged at step {k}: {blowUp}; lower the learning rate or start closer to a minimum");
            if (norm < o.Tolerance)
                return Done(MinimizeOutcome.Converged, $"converged after {Expr.Plural(k, "step")}: gradient norm {Format(norm)} < tolerance {Format(o.Tolerance)}, loss {Format(loss)}");
            if (k == o.MaxSteps)
                return Done(MinimizeOutcome.StepLimit, $"stopped after {Expr.Plural(k, "step")} (the limit) with gradient norm {Format(norm)} >= tolerance {Format(o.Tolerance)}, loss {Format(loss)}");

            // Not under NoGrad: an L-BFGS step calls reevaluate, which records and runs Backward.
            step();
        }

        MinimizeResult Done(MinimizeOutcome outcome, string message) => new(outcome, message, names, trace);
    }

    /// <summary>
    /// <see cref="Minimize(Formula, IEnumerable{KeyValuePair{string, double}}, MakeStep, MinimizeOptions?, Action{MinimizeStep}?)"/>
    /// with an optimizer from Downhill.Optim built over the parameters, e.g.
    /// <c>ps =&gt; Optimizers.Create(OptimizerKind.Adam, ps, new() { LearningRate = 0.01 })</c>.
    /// L-BFGS gets the closure it needs; the others take one <c>Step()</c> per iteration.
    /// </summary>
    public static MinimizeResult Minimize(
        Formula objective,
        IEnumerable<KeyValuePair<string, double>> start,
        Func<IReadOnlyList<NDArray<double>>, Optimizer<double>> createOptimizer,
        MinimizeOptions? options = null,
        Action<MinimizeStep>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(createOptimizer);
        return Minimize(objective, start, (parameters, reevaluate) =>
        {
            var optimizer = createOptimizer(parameters);
            return optimizer is Lbfgs<double> lbfgs ? () => lbfgs.Step(reevaluate) : optimizer.Step;
        }, options, onStep);
    }

    private static List<KeyValuePair<string, double>> CheckStart(Formula objective, IEnumerable<KeyValuePair<string, double>> start)
    {
        if (objective.IsEquation)
            Errors.Argument($"minimize: formula '{objective.Text}' is an equation; minimize takes an expression without '=', such as (1 - x)^2 + 100*(y - x^2)^2 (to fit an equation, give it data).");
        if (objective.Variables.Count == 0)
            Errors.Argument($"minimize: formula '{objective.Text}' has no variables, so there is nothing to move.");
        var given = start.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in given)
        {
            if (!seen.Add(name)) Errors.Argument($"start value for '{name}' is given twice.");
            if (!objective.Variables.Contains(name))
                Errors.Argument($"start value for '{name}', but the formula has no variable '{name}'; its variables are {string.Join(", ", objective.Variables)}.");
            if (!double.IsFinite(value)) Errors.Argument($"start value {name} = {Format(value)} is not a finite number.");
        }
        var missing = objective.Variables.Where(v => !seen.Contains(v)).ToList();
        if (missing.Count > 0)
            Errors.Argument($"missing start values for {string.Join(", ", missing)}; give one for every variable: {string.Join(",", objective.Variables.Select(v => v + "=.."))}");
        return given;
    }

    private static double GradientNorm(List<NDArray<double>> parameters)
    {
        double sum = 0;
        foreach (var p in parameters)
            if (p.Grad is { } g) sum += g.Item() * g.Item();
        return Math.Sqrt(sum);
    }

    private static string Format(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
