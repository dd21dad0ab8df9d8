using Downhill.Optim;

namespace Downhill.Tests.Optim;

/// <summary>
/// The optimizers driven by the autodiff engine end to end: the seed's line example
/// (points on y = 2x + 30, start m = b = 1), whose least-squares answer is exactly m = 2, b = 30.
/// </summary>
public class BackwardTests
{
    private static readonly double[] Xs = [7, 9, 28, 30, 50, 22, 3, 23, 40];
    private static readonly double[] Ys = [44, 48, 86, 90, 130, 74, 36, 76, 110];

    private static (NDArray<double> M, NDArray<double> B, Func<double> Closure) LineFit()
    {
        var m = NDArray.Parameter([1.0], 1);
        var b = NDArray.Parameter([1.0], 1);
        var x = NDArray.FromArray(Xs);
        var y = NDArray.FromArray(Ys);
        double Closure()
        {
            m.ZeroGrad();
            b.ZeroGrad();
            var error = m * x + b - y;
            var mse = (error * error).Mean();
            mse.Backward();
            return mse.Item();
        }
        return (m, b, Closure);
    }

    [Fact]
    public void Lbfgs_fits_the_line_from_Backward_gradients()
    {
        var (m, b, closure) = LineFit();
        var lbfgs = new Lbfgs<double>([m, b], new LbfgsOptions
        {
            LineSearch = LineSearch.StrongWolfe, ToleranceGrad = 1e-12, ToleranceChange = 1e-15,
        });
        for (int i = 0; i < 5; i++) lbfgs.Step(closure);
        Assert.Equal(2, m.Data[0], 1e-9);
        Assert.Equal(30, b.Data[0], 1e-7);
    }

    [Fact]
    public void Adam_with_a_schedule_fits_the_line_from_Backward_gradients()
    {
        var (m, b, closure) = LineFit();
        var adam = new Adam<double>([m, b], new AdamOptions { LearningRate = 1 });
        var schedule = new SequentialSchedule(adam,
            [new LinearWarmup(adam, 10, 0.1), new CosineAnnealing(adam, 3000, 1e-4)], [10]);
        for (int epoch = 0; epoch < 3010; epoch++)
        {
            schedule.Step(epoch);
            adam.Step(closure);
        }
        Assert.Equal(2, m.Data[0], 1e-4);
        Assert.Equal(30, b.Data[0], 1e-3);
    }

    [Fact]
    public void Sgd_gradient_of_the_mse_matches_the_hand_derivative()
    {
        // ∂MSE/∂m = 2/n Σ (m·x + b − y)·x and ∂MSE/∂b = 2/n Σ (m·x + b − y) at m = b = 1.
        var (m, b, closure) = LineFit();
        var sgd = new Sgd<double>([m, b], new SgdOptions { LearningRate = 1e-4 });
        sgd.Step(closure);
        double dm = 0, db = 0;
        for (int i = 0; i < Xs.Length; i++)
        {
            double e = Xs[i] + 1 - Ys[i];
            dm += 2.0 / Xs.Length * e * Xs[i];
            db += 2.0 / Xs.Length * e;
        }
        Assert.Equal(1 - 1e-4 * dm, m.Data[0], 1e-12);
        Assert.Equal(1 - 1e-4 * db, b.Data[0], 1e-12);
    }
}
