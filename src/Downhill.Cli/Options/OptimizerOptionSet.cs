namespace Downhill.Cli.Options;

/// <summary>The optimizer and its hyper-parameters; every one left out keeps PyTorch's default.</summary>
/// <param name="names">The optimizers the command takes: <see cref="Optimizers.Names"/>, or <see cref="OptionValues.FitOptimizers"/> where lm fits too.</param>
internal sealed class OptimizerOptionSet(string defaultOptimizer, IReadOnlyList<string> names)
{
    public readonly Option<string> Optimizer = new Option<string>("--optimizer")
    {
        Description = $"The optimizer (default {defaultOptimizer})" + (names.Contains(Fitting.LevenbergMarquardtName)
            ? $"; {Fitting.LevenbergMarquardtName} is Levenberg-Marquardt least squares for formula models (mse or rmse), where --epochs is the most iterations (default 1000)."
            : "."),
        DefaultValueFactory = _ => defaultOptimizer,
    }.OneOf(names);
    public readonly Option<double?> Lr = new("--lr") { Description = "Learning rate: the step size (too large overshoots and diverges, too small crawls)." };
    public readonly Option<double?> Momentum = new("--momentum") { Description = "Momentum (sgd, rmsprop)." };
    public readonly Option<double?> Dampening = new("--dampening") { Description = "Dampening for momentum (sgd)." };
    public readonly Option<bool> Nesterov = new("--nesterov") { Description = "Nesterov momentum (sgd)." };
    public readonly Option<double?> WeightDecay = new("--weight-decay") { Description = "L2 penalty (decoupled for adamw, default 0.01 there)." };
    public readonly Option<double?> Beta1 = new("--beta1") { Description = "Adam's first-moment decay (0.9)." };
    public readonly Option<double?> Beta2 = new("--beta2") { Description = "Adam's second-moment decay (0.999)." };
    public readonly Option<double?> Eps = new("--eps") { Description = "Term added to denominators for stability." };
    public readonly Option<bool> AmsGrad = new("--amsgrad") { Description = "AMSGrad variant (adam, adamw)." };
    public readonly Option<double?> Alpha = new("--alpha") { Description = "Smoothing constant (rmsprop, 0.99)." };
    public readonly Option<bool> Centered = new("--centered") { Description = "Centered RMSProp." };
    public readonly Option<double?> LrDecay = new("--lr-decay") { Description = "Learning-rate decay (adagrad)." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Optimizer, Lr, Momentum, Dampening, Nesterov, WeightDecay, Beta1, Beta2, Eps, AmsGrad, Alpha, Centered, LrDecay })
            command.Add(o);
    }

    public string Name(ParseResult r) => r.GetValue(Optimizer)!.Trim().ToLowerInvariant();

    public OptimizerSettings Read(ParseResult r) => new()
    {
        LearningRate = r.GetValue(Lr),
        Momentum = r.GetValue(Momentum),
        Dampening = r.GetValue(Dampening),
        Nesterov = r.GetValue(Nesterov) ? true : null,
        WeightDecay = r.GetValue(WeightDecay),
        Beta1 = r.GetValue(Beta1),
        Beta2 = r.GetValue(Beta2),
        Eps = r.GetValue(Eps),
        AmsGrad = r.GetValue(AmsGrad) ? true : null,
        Alpha = r.GetValue(Alpha),
        Centered = r.GetValue(Centered) ? true : null,
        LrDecay = r.GetValue(LrDecay),
    };
}
