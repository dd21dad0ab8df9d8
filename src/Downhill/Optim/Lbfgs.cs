using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>How L-BFGS picks the step length along its search direction.</summary>
public enum LineSearch
{
    /// <summary>A fixed step of lr (the first iteration scales it by 1/‖g‖₁ when that is smaller).</summary>
    None,
    /// <summary>Bracketing and cubic-interpolation zoom until the strong Wolfe conditions hold (c1 = 1e-4, c2 = 0.9).</summary>
    StrongWolfe,
}

/// <summary>Hyper-parameters of <see cref="Lbfgs{T}"/>, with PyTorch's defaults.</summary>
public readonly record struct LbfgsOptions
{
    /// <summary>PyTorch's defaults: lr 1, 20 iterations per step, history 100, no line search.</summary>
    public LbfgsOptions() { }
    /// <summary>γ, the length of each step along the search direction (default 1); the line search, when on, chooses it instead.</summary>
    public double LearningRate { get; init; } = 1;
    /// <summary>Iterations per <c>Step</c> call.</summary>
    public int MaxIter { get; init; } = 20;
    /// <summary>Loss evaluations per <c>Step</c> call; null means MaxIter·5/4 (rounded down).</summary>
    public int? MaxEval { get; init; }
    /// <summary>Stop when every |gradient element| is at most this.</summary>
    public double ToleranceGrad { get; init; } = 1e-7;
    /// <summary>Stop when the step or the change of the loss is below this.</summary>
    public double ToleranceChange { get; init; } = 1e-9;
    /// <summary>How many (s, y) pairs approximate the inverse Hessian.</summary>
    public int HistorySize { get; init; } = 100;
    /// <summary>How far to move along each direction: a fixed γ (None) or the strong Wolfe conditions.</summary>
    public LineSearch LineSearch { get; init; } = LineSearch.None;
}

/// <summary>
/// Limited-memory BFGS (Liu and Nocedal 1989; Nocedal and Wright, "Numerical Optimization",
/// algorithms 7.4 and 3.5–3.6 for the line search), for full-batch problems, step for step as
/// PyTorch's <c>torch.optim.LBFGS</c> (itself modelled on Schmidt's minFunc). One
/// <see cref="Step(Func{T})"/> runs up to maxIter (20) iterations:
/// <code>
/// d ← −g on the very first iteration, else d ← −H·g by the two-loop recursion over the last
///     historySize (100) pairs s = θ_new − θ_old, y = g_new − g_old (a pair is kept when y·s > 1e-10),
///     starting from H₀ = (y·s)/(y·y)·I
/// t ← min(1, 1/‖g‖₁)·lr on the very first iteration, else lr          lr (1)
/// stop if g·d > −toleranceChange
/// t ← strong-Wolfe line search from t, if asked
/// θ ← θ + t·d, then re-evaluate loss and g
/// stop when maxIter or maxEval (maxIter·5/4) is reached, max|g| ≤ toleranceGrad (1e-7),
///     max|t·d| ≤ toleranceChange (1e-9) or |Δloss| &lt; toleranceChange
/// </code>
/// The history carries over from one Step call to the next, as in PyTorch.
/// </summary>
public sealed class Lbfgs<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Strong Wolfe constants and the evaluation cap of one line search, as in PyTorch.
    private const double C1 = 1e-4, C2 = 0.9;
    private const int MaxLineSearchEvals = 25;

    private readonly int maxEval;
    private readonly int size;

    // State that carries from one Step call to the next.
    private T[]? d, prevFlatGrad;
    private double t, hDiag = 1, prevLoss;
    private readonly List<T[]> oldS = [], oldY = [];
    private readonly List<double> rho = [];
    private long iterations, evaluations;

    /// <summary>The optimizer for <paramref name="parameters"/> with PyTorch's default hyper-parameters.</summary>
    public Lbfgs(IEnumerable<NDArray<T>> parameters) : this(parameters, new LbfgsOptions()) { }

    /// <summary>The optimizer for <paramref name="parameters"/>; the options are checked here, and a bad one names its value and the allowed range.</summary>
    public Lbfgs(IEnumerable<NDArray<T>> parameters, LbfgsOptions options) : base("Lbfgs", parameters, options.LearningRate)
    {
        Check.Positive(Name, "lr", options.LearningRate);
        Check.AtLeast(Name, "maxIter", options.MaxIter, 1);
        maxEval = options.MaxEval ?? options.MaxIter * 5 / 4;
        Check.AtLeast(Name, "maxEval", maxEval, 1);
        Check.AtLeast(Name, "toleranceGrad", options.ToleranceGrad, 0);
        Check.AtLeast(Name, "toleranceChange", options.ToleranceChange, 0);
        Check.AtLeast(Name, "historySize", options.HistorySize, 1);
        if (!Enum.IsDefined(options.LineSearch))
            Errors.Argument($"{Name}: lineSearch = {(int)options.LineSearch} is invalid: expected None or StrongWolfe.");
        Options = options;
        foreach (var p in Parameters) size += p.Size;
    }

    /// <summary>The hyper-parameters given at construction; <see cref="Optimizer.LearningRate"/> holds the current rate.</summary>
    public LbfgsOptions Options { get; }

    /// <summary>Loss evaluations over all Step calls (PyTorch's state["func_evals"]).</summary>
    public long Evaluations => evaluations;

    /// <summary>Iterations over all Step calls (PyTorch's state["n_iter"]).</summary>
    public long Iterations => iterations;

    /// <summary>Always throws: L-BFGS evaluates the loss several times per step, so call <see cref="Step(Func{T})"/> with a closure.</summary>
    public override void Step() =>
        Errors.Operation($"{Name}: Step() needs the closure that recomputes the loss and its gradient: call Step(closure), because L-BFGS evaluates the loss several times per step.");

    /// <summary>
    /// Runs up to maxIter iterations. <paramref name="closure"/> must zero the gradients,
    /// recompute the loss, call Backward and return the loss. Returns the loss of the first
    /// evaluation, before any move (as PyTorch does).
    /// </summary>
    public override T Step(Func<T> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        StepCount++;
        double lr = LearningRate, tolChange = Options.ToleranceChange;

        T firstLoss = closure();
        double loss = double.CreateTruncating(firstLoss);
        int stepEvals = 1;
        evaluations++;
        T[] g = GatherGradient();
        if (MaxAbs(g) <= Options.ToleranceGrad) return firstLoss;

        for (int n = 1; n <= Options.MaxIter; n++)
        {
            iterations++;
            if (iterations == 1)
            {
                d = Negated(g);
                oldS.Clear(); oldY.Clear(); rho.Clear();
                hDiag = 1;
            }
            else
            {
                Remember(g);
                d = TwoLoopDirection(g);
            }
            prevFlatGrad = (T[])g.Clone();
            prevLoss = loss;

            t = iterations == 1 ? Math.Min(1.0, 1.0 / SumAbs(g)) * lr : lr;
            double gtd = Dot(g, d);
            // NOTE: not a descent direction (or a vanishing one): stop, as PyTorch does.
            if (gtd > -tolChange) break;

            int lineEvals = 0;
            bool converged = false;
            if (Options.LineSearch == LineSearch.StrongWolfe)
            {
                var x0 = GatherParameters();
                (loss, g, t, lineEvals) = StrongWolfe(closure, x0, t, d, loss, g, gtd);
                MoveParameters(t, d);
                converged = MaxAbs(g) <= Options.ToleranceGrad;
            }
            else
            {
                MoveParameters(t, d);
                if (n != Options.MaxIter)
                {
                    // The last iteration skips this evaluation: the next Step call starts with one.
                    loss = double.CreateTruncating(closure());
                    g = GatherGradient();
                    converged = MaxAbs(g) <= Options.ToleranceGrad;
                    lineEvals = 1;
                }
            }
            stepEvals += lineEvals;
            evaluations += lineEvals;

            if (n == Options.MaxIter || stepEvals >= maxEval || converged) break;
            if (MaxAbs(d) * Math.Abs(t) <= tolChange) break;
            if (Math.Abs(loss - prevLoss) < tolChange) break;
        }
        return firstLoss;
    }

    /// <summary>Adds the pair s = t·d, y = g − gPrev to the history when its curvature y·s is positive enough.</summary>
    private void Remember(T[] g)
    {
        var y = new T[size];
        TP.Subtract(g, prevFlatGrad, y);
        var s = new T[size];
        TP.Multiply(d, T.CreateTruncating(t), s);
        double ys = Dot(y, s);
        if (ys > 1e-10)
        {
            if (oldS.Count == Options.HistorySize)
            {
                oldS.RemoveAt(0); oldY.RemoveAt(0); rho.RemoveAt(0);
            }
            oldS.Add(s); oldY.Add(y); rho.Add(1 / ys);
            hDiag = ys / Dot(y, y);
        }
    }

    /// <summary>d = −H·g by the two-loop recursion (Nocedal and Wright, algorithm 7.4).</summary>
    private T[] TwoLoopDirection(T[] g)
    {
        int k = oldS.Count;
        var alpha = new double[k];
        var q = Negated(g);
        for (int i = k - 1; i >= 0; i--)
        {
            alpha[i] = Dot(oldS[i], q) * rho[i];
            TP.FusedMultiplyAdd(oldY[i], T.CreateTruncating(-alpha[i]), q, q);
        }
        var r = q;
        TP.Multiply(q, T.CreateTruncating(hDiag), r);
        for (int i = 0; i < k; i++)
        {
            double beta = Dot(oldY[i], r) * rho[i];
            TP.FusedMultiplyAdd(oldS[i], T.CreateTruncating(alpha[i] - beta), r, r);
        }
        return r;
    }

    /// <summary>Loss and gradient at x0 + step·direction; the parameters are put back to x0 afterwards.</summary>
    private (double Loss, T[] Grad) Evaluate(Func<T> closure, T[] x0, double step, T[] direction)
    {
        MoveParameters(step, direction);
        double loss = double.CreateTruncating(closure());
        var g = GatherGradient();
        ScatterParameters(x0);
        return (loss, g);
    }

    /// <summary>
    /// Finds a step satisfying the strong Wolfe conditions along <paramref name="dir"/> from x0
    /// (loss f, gradient g, slope gtd): first brackets an interval, then zooms in by cubic
    /// interpolation. Returns the loss, gradient and step at the best point and the number of
    /// loss evaluations.
    /// </summary>
    private (double Loss, T[] Grad, double Step, int Evals) StrongWolfe(
        Func<T> closure, T[] x0, double step, T[] dir, double f, T[] g, double gtd)
    {
        double dNorm = MaxAbs(dir);
        var (fNew, gNew) = Evaluate(closure, x0, step, dir);
        int evals = 1;
        double gtdNew = Dot(gNew, dir);

        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        T[] gPrev = g;
        bool done = false;
        int iter = 0;
        double[] bracket = [], bracketF = [], bracketGtd = [];
        T[][] bracketG = [];

        // Bracketing phase: grow the step until an interval must contain an acceptable point.
        while (iter < MaxLineSearchEvals)
        {
            if (fNew > f + C1 * step * gtd || (iter > 1 && fNew >= fPrev))
            {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, step], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]);
                break;
            }
            if (Math.Abs(gtdNew) <= -C2 * gtd)
            {
                (bracket, bracketF, bracketG, bracketGtd) = ([step], [fNew], [gNew], [gtdNew]);
                done = true;
                break;
            }
            if (gtdNew >= 0)
            {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, step], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]);
                break;
            }
            double minStep = step + 0.01 * (step - tPrev), maxStep = step * 10;
            double next = CubicMinimum(tPrev, fPrev, gtdPrev, step, fNew, gtdNew, minStep, maxStep);
            (tPrev, fPrev, gPrev, gtdPrev) = (step, fNew, gNew, gtdNew);
            step = next;
            (fNew, gNew) = Evaluate(closure, x0, step, dir);
            evals++;
            gtdNew = Dot(gNew, dir);
            iter++;
        }
        if (iter == MaxLineSearchEvals)
            (bracket, bracketF, bracketG) = ([0, step], [f, fNew], [g, gNew]);

        // Zoom phase: shrink the bracket until a point satisfies the conditions.
        bool insufficientProgress = false;
        var (low, high) = bracketF[0] <= bracketF[^1] ? (0, 1) : (1, 0);
        while (!done && iter < MaxLineSearchEvals)
        {
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < Options.ToleranceChange) break;
            step = CubicMinimum(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);

            // NOTE: a point too close to an end of the bracket makes little progress; after two
            // such points in a row (or one outside the bracket) move it to 10% inside.
            double bMax = Math.Max(bracket[0], bracket[1]), bMin = Math.Min(bracket[0], bracket[1]);
            double eps = 0.1 * (bMax - bMin);
            if (Math.Min(bMax - step, step - bMin) < eps)
            {
                if (insufficientProgress || step >= bMax || step <= bMin)
                {
                    step = Math.Abs(step - bMax) < Math.Abs(step - bMin) ? bMax - eps : bMin + eps;
                    insufficientProgress = false;
                }
                else insufficientProgress = true;
            }
            else insufficientProgress = false;

            (fNew, gNew) = Evaluate(closure, x0, step, dir);
            evals++;
            gtdNew = Dot(gNew, dir);
            iter++;

            if (fNew > f + C1 * step * gtd || fNew >= bracketF[low])
            {
                (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (step, fNew, gNew, gtdNew);
                (low, high) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -C2 * gtd) done = true;
                else if (gtdNew * (bracket[high] - bracket[low]) >= 0)
                    (bracket[high], bracketF[high], bracketG[high], bracketGtd[high]) = (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]);
                (bracket[low], bracketF[low], bracketG[low], bracketGtd[low]) = (step, fNew, gNew, gtdNew);
            }
        }
        return (bracketF[low], bracketG[low], bracket[low], evals);
    }

    /// <summary>
    /// The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped
    /// to [lo, hi] (by default the interval between x1 and x2); the midpoint when the cubic has
    /// no minimum.
    /// </summary>
    internal static double CubicMinimum(double x1, double f1, double g1, double x2, double f2, double g2,
        double? lo = null, double? hi = null)
    {
        double lower = lo ?? Math.Min(x1, x2), upper = hi ?? Math.Max(x1, x2);
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2Square = d1 * d1 - g1 * g2;
        if (d2Square < 0) return (lower + upper) / 2;
        double d2 = Math.Sqrt(d2Square);
        double min = x1 <= x2
            ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
        return Math.Min(Math.Max(min, lower), upper);
    }

    // ---- Flat views over all parameters ----------------------------------------------------

    /// <summary>All gradients as one vector; a frozen parameter, a missing gradient or a frozen element counts as zero.</summary>
    private T[] GatherGradient()
    {
        var flat = new T[size];
        int offset = 0;
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.RequiresGrad && p.Grad is not null)
            {
                if (p.Grad.Size != p.Size)
                    Errors.Shape($"{Name}: the gradient of {p.Describe()} has shape {p.Grad.Shape}; it must match the parameter.");
                p.Grad.Data.CopyTo(flat.AsSpan(offset));
                // Zeroed gradients keep frozen elements out of d, s and y, so L-BFGS never moves them.
                if (FrozenElements(i) is { } frozen)
                    foreach (int j in frozen) flat[offset + j] = T.Zero;
            }
            offset += p.Size;
        }
        return flat;
    }

    private T[] GatherParameters()
    {
        var flat = new T[size];
        int offset = 0;
        foreach (var p in Parameters)
        {
            p.Data.CopyTo(flat.AsSpan(offset));
            offset += p.Size;
        }
        return flat;
    }

    private void ScatterParameters(T[] flat)
    {
        int offset = 0;
        foreach (var p in Parameters)
        {
            flat.AsSpan(offset, p.Size).CopyTo(p.Data);
            offset += p.Size;
        }
    }

    /// <summary>θ ← θ + step·direction.</summary>
    // NOTE: fused multiply-adds here and in the two-loop recursion, because ATen's add_(x, alpha)
    // is fused on CPU: L-BFGS amplifies a one-ulp difference about 5x per step, and with the
    // unfused form a PyTorch trace and ours parted by 6e-12 after 8 steps (0 with it).
    private void MoveParameters(double step, T[] direction)
    {
        T s = T.CreateTruncating(step);
        int offset = 0;
        foreach (var p in Parameters)
        {
            TP.FusedMultiplyAdd(direction.AsSpan(offset, p.Size), s, p.Data, p.Data);
            offset += p.Size;
        }
    }

    private static T[] Negated(T[] x)
    {
        var r = new T[x.Length];
        TP.Negate(x, r);
        return r;
    }

    private static double Dot(T[] x, T[] y) => double.CreateTruncating(TP.Dot<T>(x, y));

    private static double MaxAbs(T[] x) => x.Length == 0 ? 0 : Math.Abs(double.CreateTruncating(TP.MaxMagnitude<T>(x)));

    private static double SumAbs(T[] x) => double.CreateTruncating(TP.SumOfMagnitudes<T>(x));

    // ---- Checkpoints -----------------------------------------------------------------------

    private protected override void ExportExtra(Dictionary<string, double[]> buffers)
    {
        buffers["iterations"] = [iterations];
        buffers["evaluations"] = [evaluations];
        buffers["t"] = [t];
        buffers["hDiag"] = [hDiag];
        buffers["prevLoss"] = [prevLoss];
        buffers["rho"] = [.. rho];
        if (d is not null) buffers["d"] = ToDoubles(d);
        if (prevFlatGrad is not null) buffers["prevFlatGrad"] = ToDoubles(prevFlatGrad);
        for (int i = 0; i < oldS.Count; i++)
        {
            buffers[$"s[{i}]"] = ToDoubles(oldS[i]);
            buffers[$"y[{i}]"] = ToDoubles(oldY[i]);
        }
    }

    private protected override void ImportExtra(IReadOnlyDictionary<string, double[]> buffers)
    {
        double Scalar(string key)
        {
            if (!buffers.TryGetValue(key, out var v) || v.Length != 1)
                Errors.Argument($"{Name}: the checkpoint lacks \"{key}\"; was it saved by Lbfgs?");
            return v[0];
        }
        T[]? Vector(string key)
        {
            if (!buffers.TryGetValue(key, out var v)) return null;
            if (v.Length != size)
                Errors.Argument($"{Name}: checkpoint buffer \"{key}\" has {v.Length} values; the parameters have {size} in all.");
            return FromDoubles(v);
        }
        T[] Required(string key)
        {
            var v = Vector(key);
            if (v is null) Errors.Argument($"{Name}: the checkpoint lacks \"{key}\"; was it saved by Lbfgs?");
            return v;
        }
        iterations = (long)Scalar("iterations");
        evaluations = (long)Scalar("evaluations");
        t = Scalar("t");
        hDiag = Scalar("hDiag");
        prevLoss = Scalar("prevLoss");
        d = Vector("d");
        prevFlatGrad = Vector("prevFlatGrad");
        rho.Clear(); oldS.Clear(); oldY.Clear();
        rho.AddRange(buffers.TryGetValue("rho", out var r) ? r : []);
        for (int i = 0; i < rho.Count; i++)
        {
            oldS.Add(Required($"s[{i}]"));
            oldY.Add(Required($"y[{i}]"));
        }
    }
}
