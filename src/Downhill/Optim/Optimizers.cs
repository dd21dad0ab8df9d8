using System.Numerics;

namespace Downhill.Optim;

/// <summary>The optimizers Downhill knows by name (the CLI's <c>--optimizer</c>).</summary>
public enum OptimizerKind
{
    /// <summary><see cref="Sgd{T}"/>: stochastic gradient descent, with optional momentum.</summary>
    Sgd,
    /// <summary><see cref="Adagrad{T}"/>: per-element steps that shrink with the sum of past squared gradients.</summary>
    Adagrad,
    /// <summary><see cref="RmsProp{T}"/>: per-element steps scaled by a running mean of squared gradients.</summary>
    RmsProp,
    /// <summary><see cref="Adam{T}"/>: momentum and RMSprop's scaling, bias-corrected.</summary>
    Adam,
    /// <summary><see cref="AdamW{T}"/>: Adam with weight decay decoupled from the gradient.</summary>
    AdamW,
    /// <summary><see cref="Lbfgs{T}"/>: a quasi-Newton method for full-batch, smooth problems.</summary>
    Lbfgs,
}

/// <summary>
/// Hyper-parameters for any optimizer, as they come from a command line or a config file:
/// null means "the optimizer's default" (PyTorch's). A value the chosen optimizer does not
/// take is an error rather than silently ignored.
/// </summary>
public sealed record OptimizerSettings
{
    /// <summary>The step size for every optimizer; null: the optimizer's own default.</summary>
    public double? LearningRate { get; init; }
    /// <summary>SGD and RMSprop: the fraction of the last step carried on.</summary>
    public double? Momentum { get; init; }
    /// <summary>SGD: how much of each new gradient momentum ignores.</summary>
    public double? Dampening { get; init; }
    /// <summary>L2 penalty (SGD, Adagrad, RMSprop, Adam) or decoupled decay (AdamW).</summary>
    public double? WeightDecay { get; init; }
    /// <summary>SGD: Nesterov momentum.</summary>
    public bool? Nesterov { get; init; }
    /// <summary>Adagrad: the decay of the step size per step.</summary>
    public double? LrDecay { get; init; }
    /// <summary>Adagrad: the starting sum of squared gradients.</summary>
    public double? InitialAccumulatorValue { get; init; }
    /// <summary>Adagrad, RMSprop, Adam, AdamW: the term that keeps the denominator above zero.</summary>
    public double? Eps { get; init; }
    /// <summary>RMSprop: the decay of the mean of squared gradients.</summary>
    public double? Alpha { get; init; }
    /// <summary>RMSprop: divide by the gradient's variance instead of its mean square.</summary>
    public bool? Centered { get; init; }
    /// <summary>Adam, AdamW: the decay of the mean of gradients.</summary>
    public double? Beta1 { get; init; }
    /// <summary>Adam, AdamW: the decay of the mean of squared gradients.</summary>
    public double? Beta2 { get; init; }
    /// <summary>Adam, AdamW: divide by the largest squared-gradient mean so far.</summary>
    public bool? AmsGrad { get; init; }
    /// <summary>L-BFGS: iterations per step.</summary>
    public int? MaxIter { get; init; }
    /// <summary>L-BFGS: loss evaluations per step.</summary>
    public int? MaxEval { get; init; }
    /// <summary>L-BFGS: stop when every gradient element is at most this in size.</summary>
    public double? ToleranceGrad { get; init; }
    /// <summary>L-BFGS: stop when the step or the loss change is below this.</summary>
    public double? ToleranceChange { get; init; }
    /// <summary>L-BFGS: the number of past steps that approximate the curvature.</summary>
    public int? HistorySize { get; init; }
    /// <summary>L-BFGS: none, or the strong Wolfe line search.</summary>
    public LineSearch? LineSearch { get; init; }
}

/// <summary>Builds an optimizer from its name and <see cref="OptimizerSettings"/> (the edge where strings become types).</summary>
public static class Optimizers
{
    private static readonly (string Name, OptimizerKind Kind)[] Known =
    [
        ("sgd", OptimizerKind.Sgd), ("adagrad", OptimizerKind.Adagrad), ("rmsprop", OptimizerKind.RmsProp),
        ("adam", OptimizerKind.Adam), ("adamw", OptimizerKind.AdamW), ("lbfgs", OptimizerKind.Lbfgs),
    ];

    /// <summary>The names <see cref="Parse"/> accepts, in order of increasing complexity.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Known.Select(k => k.Name)];

    /// <summary>"adam" (any case) → <see cref="OptimizerKind.Adam"/>; an unknown name lists the known ones.</summary>
    public static OptimizerKind Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (n, kind) in Known)
            if (string.Equals(n, name.Trim(), StringComparison.OrdinalIgnoreCase)) return kind;
        Errors.Argument($"Unknown optimizer \"{name}\": expected one of {string.Join(", ", Names)}.");
        return default;
    }

    /// <summary>The optimizer named <paramref name="name"/> (see <see cref="Names"/>) for <paramref name="parameters"/>, with <paramref name="settings"/> over PyTorch's defaults.</summary>
    public static Optimizer<T> Create<T>(string name, IEnumerable<NDArray<T>> parameters, OptimizerSettings? settings = null)
        where T : unmanaged, IFloatingPointIeee754<T> => Create(Parse(name), parameters, settings);

    /// <summary>The optimizer of <paramref name="kind"/> for <paramref name="parameters"/>, with <paramref name="settings"/> over PyTorch's defaults; a setting the optimizer does not take is an error naming it.</summary>
    public static Optimizer<T> Create<T>(OptimizerKind kind, IEnumerable<NDArray<T>> parameters, OptimizerSettings? settings = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var s = settings ?? new OptimizerSettings();
        switch (kind)
        {
            case OptimizerKind.Sgd:
                Accept(s, "sgd", "lr", "momentum", "dampening", "weightDecay", "nesterov");
                var sgd = new SgdOptions();
                return new Sgd<T>(parameters, sgd with
                {
                    LearningRate = s.LearningRate ?? sgd.LearningRate,
                    Momentum = s.Momentum ?? sgd.Momentum,
                    Dampening = s.Dampening ?? sgd.Dampening,
                    WeightDecay = s.WeightDecay ?? sgd.WeightDecay,
                    Nesterov = s.Nesterov ?? sgd.Nesterov,
                });
            case OptimizerKind.Adagrad:
                Accept(s, "adagrad", "lr", "lrDecay", "weightDecay", "initialAccumulatorValue", "eps");
                var adagrad = new AdagradOptions();
                return new Adagrad<T>(parameters, adagrad with
                {
                    LearningRate = s.LearningRate ?? adagrad.LearningRate,
                    LrDecay = s.LrDecay ?? adagrad.LrDecay,
                    WeightDecay = s.WeightDecay ?? adagrad.WeightDecay,
                    InitialAccumulatorValue = s.InitialAccumulatorValue ?? adagrad.InitialAccumulatorValue,
                    Eps = s.Eps ?? adagrad.Eps,
                });
            case OptimizerKind.RmsProp:
                Accept(s, "rmsprop", "lr", "alpha", "eps", "weightDecay", "momentum", "centered");
                var rms = new RmsPropOptions();
                return new RmsProp<T>(parameters, rms with
                {
                    LearningRate = s.LearningRate ?? rms.LearningRate,
                    Alpha = s.Alpha ?? rms.Alpha,
                    Eps = s.Eps ?? rms.Eps,
                    WeightDecay = s.WeightDecay ?? rms.WeightDecay,
                    Momentum = s.Momentum ?? rms.Momentum,
                    Centered = s.Centered ?? rms.Centered,
                });
            case OptimizerKind.Adam:
                Accept(s, "adam", "lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad");
                var adam = new AdamOptions();
                return new Adam<T>(parameters, adam with
                {
                    LearningRate = s.LearningRate ?? adam.LearningRate,
                    Beta1 = s.Beta1 ?? adam.Beta1,
                    Beta2 = s.Beta2 ?? adam.Beta2,
                    Eps = s.Eps ?? adam.Eps,
                    WeightDecay = s.WeightDecay ?? adam.WeightDecay,
                    AmsGrad = s.AmsGrad ?? adam.AmsGrad,
                });
            case OptimizerKind.AdamW:
                Accept(s, "adamw", "lr", "beta1", "beta2", "eps", "weightDecay", "amsgrad");
                var adamW = new AdamWOptions();
                return new AdamW<T>(parameters, adamW with
                {
                    LearningRate = s.LearningRate ?? adamW.LearningRate,
                    Beta1 = s.Beta1 ?? adamW.Beta1,
                    Beta2 = s.Beta2 ?? adamW.Beta2,
                    Eps = s.Eps ?? adamW.Eps,
                    WeightDecay = s.WeightDecay ?? adamW.WeightDecay,
                    AmsGrad = s.AmsGrad ?? adamW.AmsGrad,
                });
            case OptimizerKind.Lbfgs:
                Accept(s, "lbfgs", "lr", "maxIter", "maxEval", "toleranceGrad", "toleranceChange", "historySize", "lineSearch");
                var lbfgs = new LbfgsOptions();
                return new Lbfgs<T>(parameters, lbfgs with
                {
                    LearningRate = s.LearningRate ?? lbfgs.LearningRate,
                    MaxIter = s.MaxIter ?? lbfgs.MaxIter,
                    MaxEval = s.MaxEval ?? lbfgs.MaxEval,
                    ToleranceGrad = s.ToleranceGrad ?? lbfgs.ToleranceGrad,
                    ToleranceChange = s.ToleranceChange ?? lbfgs.ToleranceChange,
                    HistorySize = s.HistorySize ?? lbfgs.HistorySize,
                    LineSearch = s.LineSearch ?? lbfgs.LineSearch,
                });
            default:
                Errors.Argument($"Unknown optimizer kind {(int)kind}: expected one of {string.Join(", ", Names)}.");
                return null;
        }
    }

    /// <summary>Rejects a setting the optimizer does not take, naming the ones it does.</summary>
    private static void Accept(OptimizerSettings s, string optimizer, params string[] accepted)
    {
        foreach (var (name, given) in Given(s))
            if (given && !accepted.Contains(name))
                Errors.Argument($"{optimizer} does not take {name}; its settings are {string.Join(", ", accepted)}.");
    }

    private static IEnumerable<(string Name, bool Given)> Given(OptimizerSettings s) =>
    [
        ("lr", s.LearningRate is not null), ("momentum", s.Momentum is not null), ("dampening", s.Dampening is not null),
        ("weightDecay", s.WeightDecay is not null), ("nesterov", s.Nesterov is not null), ("lrDecay", s.LrDecay is not null),
        ("initialAccumulatorValue", s.InitialAccumulatorValue is not null), ("eps", s.Eps is not null),
        ("alpha", s.Alpha is not null), ("centered", s.Centered is not null), ("beta1", s.Beta1 is not null),
        ("beta2", s.Beta2 is not null), ("amsgrad", s.AmsGrad is not null), ("maxIter", s.MaxIter is not null),
        ("maxEval", s.MaxEval is not null), ("toleranceGrad", s.ToleranceGrad is not null),
        ("toleranceChange", s.ToleranceChange is not null), ("historySize", s.HistorySize is not null),
        ("lineSearch", s.LineSearch is not null),
    ];
}
