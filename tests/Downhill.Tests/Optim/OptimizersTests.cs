using Downhill.Optim;

namespace Downhill.Tests.Optim;

public class OptimizersTests
{
    private static NDArray<double>[] Params() => [NDArray.Parameter([1.0, 2.0], 2)];

    [Theory]
    [InlineData("sgd", typeof(Sgd<double>))]
    [InlineData("Adagrad", typeof(Adagrad<double>))]
    [InlineData("rmsprop", typeof(RmsProp<double>))]
    [InlineData("ADAM", typeof(Adam<double>))]
    [InlineData("adamw", typeof(AdamW<double>))]
    [InlineData(" lbfgs ", typeof(Lbfgs<double>))]
    public void Names_map_to_optimizers(string name, Type type) =>
        Assert.IsType(type, Optimizers.Create(name, Params()));

    [Fact]
    public void Null_settings_mean_PyTorch_defaults_and_given_ones_are_applied()
    {
        var adam = Assert.IsType<Adam<double>>(Optimizers.Create("adam", Params(), new OptimizerSettings { Beta2 = 0.99, AmsGrad = true }));
        Assert.Equal(new AdamOptions { Beta2 = 0.99, AmsGrad = true }, adam.Options);
        Assert.Equal(1e-3, adam.LearningRate);

        var adamW = Assert.IsType<AdamW<double>>(Optimizers.Create("adamw", Params()));
        Assert.Equal(0.01, adamW.Options.WeightDecay);

        var lbfgs = Assert.IsType<Lbfgs<double>>(Optimizers.Create("lbfgs", Params(), new OptimizerSettings { LineSearch = LineSearch.StrongWolfe }));
        Assert.Equal(LineSearch.StrongWolfe, lbfgs.Options.LineSearch);
        Assert.Equal(1.0, lbfgs.LearningRate);
    }

    [Fact]
    public void Names_lists_the_known_optimizers_in_order_of_complexity() =>
        Assert.Equal(["sgd", "adagrad", "rmsprop", "adam", "adamw", "lbfgs"], Optimizers.Names);
}
