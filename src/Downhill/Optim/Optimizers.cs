using System.Numerics;

namespace Downhill.Optim;

/// <summary>The optimizers Downhill knows by name (the CLI's <c>--optimizer</c>).</summary>
public enum OptimizerKind { Sgd, Adagrad, RmsProp, Adam, AdamW, Lbfgs }

/// <summary>
/// Hyper-parameters for any optimizer, as they come from a command line or a config file:
/// null means "the optimizer's default" (PyTorch's). A value the chosen optimizer does not
/// take is an error rather than silently ignored.
/// </summary>
public sealed record OptimizerSettings
{
    public double? LearningRate { get; init; }
    public double? Momentum { get; init; }
    public double? Dampening { get; init; }
    public double? WeightDecay { get; init; }
    public bool? Nesterov { get; init; }
    public double? LrDecay { get; init; }
    public double? InitialAccumulatorValue { get; init; }
    public double? Eps { get; init; }
    public double? Alpha { get; init; }
    public bool? Centered { get; init; }
    public double? Beta1 { get; init; }
    public double? Beta2 { get; init; }
    public bool? AmsGrad { get; init; }
    public int? MaxIter { get; init; }
    public int? MaxEval { get; init; }
    public double? ToleranceGrad { get; init; }
    public double? ToleranceChange { get; init; }
    public int? HistorySize { get; init; }
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

    public static Optimizer<T> Create<T>(string name, IEnumerable<Tensor<T>> parameters, OptimizerSettings? settings = null)
        where T : unmanaged, IFloatingPointIeee754<T> => Create(Parse(name), parameters, settings);

    public static Optimizer<T> Create<T>(OptimizerKind kind, IEnumerable<Tensor<T>> parameters, OptimizerSettings? settings = null)
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
