using Downhill.Optim;

namespace Downhill.Tests.Optim;

/// <summary>
/// The first one or two steps of each optimizer on a tiny problem, worked out by hand: the
/// parameter starts at θ = (1, −2) and the gradient is given directly (g₁ = (0.5, −1), then g₂).
/// The expected values are the update rules' arithmetic written out, not the optimizer's code.
/// </summary>
public class FirstStepTests
{
    // The hand arithmetic is evaluated in double in a different order than the optimizers'
    // vector code, so a few ulps apart at most.
    private const double Tolerance = 1e-14;

    private static readonly double[] G1 = [0.5, -1];

    private static NDArray<double> Theta() => NDArray.Parameter([1.0, -2.0], 2);

    private static void StepWith(Optimizer<double> optimizer, NDArray<double> p, double[] g)
    {
        p.Grad = NDArray.FromArray((double[])g.Clone(), 2);
        optimizer.Step();
    }

    private static void AssertTheta(NDArray<double> p, double x, double y)
    {
        Assert.Equal(x, p.Data[0], Tolerance);
        Assert.Equal(y, p.Data[1], Tolerance);
    }

    [Fact]
    public void Sgd_moves_against_the_gradient()
    {
        var p = Theta();
        var sgd = new Sgd<double>([p], new SgdOptions { LearningRate = 0.1 });
        StepWith(sgd, p, G1);
        AssertTheta(p, 1 - 0.1 * 0.5, -2 + 0.1 * 1); // (0.95, −1.9)
    }

    [Fact]
    public void Sgd_momentum_starts_from_the_first_gradient_without_dampening()
    {
        var p = Theta();
        var sgd = new Sgd<double>([p], new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Dampening = 0.5 });
        StepWith(sgd, p, G1);              // b = g₁ = (0.5, −1)
        AssertTheta(p, 0.95, -1.9);
        StepWith(sgd, p, [1, 1]);          // b = 0.9·(0.5, −1) + 0.5·(1, 1) = (0.95, −0.4)
        AssertTheta(p, 0.95 - 0.1 * 0.95, -1.9 + 0.1 * 0.4);
    }

    [Fact]
    public void Sgd_nesterov_looks_ahead_along_the_momentum()
    {
        var p = Theta();
        var sgd = new Sgd<double>([p], new SgdOptions { LearningRate = 0.1, Momentum = 0.9, Nesterov = true });
        StepWith(sgd, p, G1);              // b = g₁; g = g₁ + 0.9·b = 1.9·g₁ = (0.95, −1.9)
        AssertTheta(p, 1 - 0.1 * 0.95, -2 + 0.1 * 1.9);
    }

    [Fact]
    public void Sgd_weight_decay_adds_lambda_theta_to_the_gradient()
    {
        var p = Theta();
        var sgd = new Sgd<double>([p], new SgdOptions { LearningRate = 0.1, WeightDecay = 0.1 });
        StepWith(sgd, p, G1);              // g = (0.5 + 0.1·1, −1 + 0.1·(−2)) = (0.6, −1.2)
        AssertTheta(p, 1 - 0.06, -2 + 0.12);
    }

    [Fact]
    public void Adagrad_divides_by_the_root_of_the_summed_squares_and_decays_the_rate()
    {
        var p = Theta();
        var adagrad = new Adagrad<double>([p], new AdagradOptions { LearningRate = 0.1, LrDecay = 0.5, InitialAccumulatorValue = 1 });
        StepWith(adagrad, p, G1);          // sum = 1 + g₁² = (1.25, 2); rate 0.1/(1 + 0·0.5)
        double x1 = 1 - 0.1 * 0.5 / (Math.Sqrt(1.25) + 1e-10), y1 = -2 + 0.1 * 1 / (Math.Sqrt(2) + 1e-10);
        AssertTheta(p, x1, y1);
        StepWith(adagrad, p, [1, 1]);      // sum = (2.25, 3); rate 0.1/(1 + 1·0.5)
        AssertTheta(p, x1 - 0.1 / 1.5 * 1 / (1.5 + 1e-10), y1 - 0.1 / 1.5 * 1 / (Math.Sqrt(3) + 1e-10));
    }

    [Fact]
    public void RmsProp_divides_by_the_running_root_mean_square()
    {
        var p = Theta();
        var rms = new RmsProp<double>([p], new RmsPropOptions { LearningRate = 0.01 });
        StepWith(rms, p, G1);              // v = 0.01·g² = (0.0025, 0.01), √v = (0.05, 0.1)
        AssertTheta(p, 1 - 0.01 * 0.5 / (0.05 + 1e-8), -2 + 0.01 * 1 / (0.1 + 1e-8));
    }

    [Fact]
    public void RmsProp_centered_subtracts_the_squared_mean_gradient()
    {
        var p = Theta();
        var rms = new RmsProp<double>([p], new RmsPropOptions { LearningRate = 0.01, Centered = true });
        StepWith(rms, p, G1);              // gAvg = 0.01·g = (0.005, −0.01); ṽ = (0.0025 − 0.000025, 0.01 − 0.0001)
        AssertTheta(p, 1 - 0.01 * 0.5 / (Math.Sqrt(0.002475) + 1e-8), -2 + 0.01 * 1 / (Math.Sqrt(0.0099) + 1e-8));
    }

    [Fact]
    public void RmsProp_momentum_accumulates_the_normalized_gradient()
    {
        var p = Theta();
        var rms = new RmsProp<double>([p], new RmsPropOptions { LearningRate = 0.01, Momentum = 0.9 });
        StepWith(rms, p, G1);              // b₁ = g/(√v₁ + ε), v₁ = 0.01·g²
        double[] b1 = [0.5 / (0.05 + 1e-8), -1 / (0.1 + 1e-8)];
        AssertTheta(p, 1 - 0.01 * b1[0], -2 - 0.01 * b1[1]);
        StepWith(rms, p, G1);              // v₂ = 0.99·v₁ + 0.01·g² = 1.99·0.01·g²; b₂ = 0.9·b₁ + g/(√v₂ + ε)
        double[] b2 = [0.9 * b1[0] + 0.5 / (Math.Sqrt(0.0025 * 1.99) + 1e-8), 0.9 * b1[1] - 1 / (Math.Sqrt(0.01 * 1.99) + 1e-8)];
        AssertTheta(p, 1 - 0.01 * b1[0] - 0.01 * b2[0], -2 - 0.01 * b1[1] - 0.01 * b2[1]);
    }

    [Fact]
    public void Adam_first_steps_follow_the_bias_corrected_moments()
    {
        var p = Theta();
        var adam = new Adam<double>([p], new AdamOptions { LearningRate = 0.1 });
        StepWith(adam, p, G1);             // mHat = g, vHat = g²: a step of lr·g/(|g| + ε)
        double x1 = 1 - 0.1 * 0.5 / (0.5 + 1e-8), y1 = -2 + 0.1 * 1 / (1 + 1e-8);
        AssertTheta(p, x1, y1);
        StepWith(adam, p, [-0.5, 2]);
        // m = 0.9·0.1·g₁ + 0.1·g₂ = (−0.005, 0.11);  v = 0.999·0.001·g₁² + 0.001·g₂² = (0.00049975, 0.004999)
        // mHat = m / (1 − 0.9²) = m / 0.19;  vHat = v / (1 − 0.999²) = v / 0.001999
        double mHatX = -0.005 / 0.19, mHatY = 0.11 / 0.19;
        double vHatX = 0.00049975 / 0.001999, vHatY = 0.004999 / 0.001999;
        AssertTheta(p, x1 - 0.1 * mHatX / (Math.Sqrt(vHatX) + 1e-8), y1 - 0.1 * mHatY / (Math.Sqrt(vHatY) + 1e-8));
    }

    [Fact]
    public void Adam_amsgrad_keeps_the_largest_second_moment()
    {
        var p = Theta();
        var adam = new Adam<double>([p], new AdamOptions { LearningRate = 0.1, AmsGrad = true });
        StepWith(adam, p, G1);
        double x1 = 1 - 0.1 * 0.5 / (0.5 + 1e-8), y1 = -2 + 0.1 * 1 / (1 + 1e-8);
        StepWith(adam, p, [0, 0]);
        // v₂ = 0.999·v₁ < v₁, so vMax = v₁ = 0.001·g₁²; m = 0.09·g₁
        double mHatX = 0.09 * 0.5 / 0.19, mHatY = 0.09 * -1 / 0.19;
        double vHatX = 0.001 * 0.25 / 0.001999, vHatY = 0.001 * 1 / 0.001999;
        AssertTheta(p, x1 - 0.1 * mHatX / (Math.Sqrt(vHatX) + 1e-8), y1 - 0.1 * mHatY / (Math.Sqrt(vHatY) + 1e-8));
    }

    [Fact]
    public void Adam_weight_decay_enters_the_gradient()
    {
        var p = Theta();
        var adam = new Adam<double>([p], new AdamOptions { LearningRate = 0.1, WeightDecay = 0.1 });
        StepWith(adam, p, G1);             // g = (0.6, −1.2): still a step of lr·g/(|g| + ε)
        AssertTheta(p, 1 - 0.1 * 0.6 / (0.6 + 1e-8), -2 + 0.1 * 1.2 / (1.2 + 1e-8));
    }

    [Fact]
    public void AdamW_shrinks_the_weights_before_the_Adam_step()
    {
        var p = Theta();
        var adamW = new AdamW<double>([p], new AdamWOptions { LearningRate = 0.1, WeightDecay = 0.1 });
        StepWith(adamW, p, G1);            // θ·(1 − 0.1·0.1) = (0.99, −1.98), then lr·g/(|g| + ε)
        AssertTheta(p, 0.99 - 0.1 * 0.5 / (0.5 + 1e-8), -1.98 + 0.1 * 1 / (1 + 1e-8));
    }

    [Fact]
    public void Lbfgs_first_step_is_scaled_steepest_descent_then_the_two_loop_recursion()
    {
        // f = (x − 3)² + 10·(y + 1)² from (0, 0); one iteration per Step.
        var objective = Objective.Parabola;
        var p = objective.StartParameter();
        var lbfgs = new Lbfgs<double>([p], new LbfgsOptions { MaxIter = 1 });
        var closure = objective.Closure(p);

        Assert.Equal(19.0, lbfgs.Step(closure)); // f(0, 0) = 9 + 10
        // g₀ = (−6, 20), ‖g₀‖₁ = 26: t = min(1, 1/26); θ₁ = θ₀ − g₀/26
        double x1 = 6.0 / 26, y1 = -20.0 / 26;
        AssertTheta(p, x1, y1);

        lbfgs.Step(closure);
        // g₁ = (2(x₁ − 3), 20(y₁ + 1)); s = θ₁ − θ₀, y = g₁ − g₀; ρ = 1/(y·s); H₀ = (y·s)/(y·y)
        double g1x = 2 * (x1 - 3), g1y = 20 * (y1 + 1);
        double sx = x1, sy = y1, yx = g1x + 6, yy = g1y - 20;
        double ys = yx * sx + yy * sy, rho = 1 / ys, h0 = ys / (yx * yx + yy * yy);
        double qx = -g1x, qy = -g1y;
        double alpha = rho * (sx * qx + sy * qy);
        qx -= alpha * yx; qy -= alpha * yy;
        double rx = h0 * qx, ry = h0 * qy;
        double beta = rho * (yx * rx + yy * ry);
        rx += (alpha - beta) * sx; ry += (alpha - beta) * sy;
        AssertTheta(p, x1 + rx, y1 + ry); // t = lr = 1 after the first iteration
    }

    [Fact]
    public void Lbfgs_returns_at_once_when_the_gradient_is_already_below_tolerance()
    {
        var p = NDArray.Parameter([3.0, -1.0], 2); // the parabola's minimum: g = 0
        var lbfgs = new Lbfgs<double>([p]);
        Assert.Equal(0.0, lbfgs.Step(Objective.Parabola.Closure(p)));
        AssertTheta(p, 3, -1);
        Assert.Equal(1, lbfgs.Evaluations);
        Assert.Equal(0, lbfgs.Iterations);
    }
}
