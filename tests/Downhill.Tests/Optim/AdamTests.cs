using Downhill;
using Downhill.Optim;

namespace Downhill.Tests.Optim;

public class AdamTests
{
    /// <summary>
    /// The reference is the doc comment's rule in double; the float update differs by float
    /// rounding of a few operations per step on values near 1e-3: well under 1e-6.
    /// </summary>
    private const double Tolerance = 1e-6;

    [Fact]
    public void EveryLengthFollowsTheUpdateRule()
    {
        // Lengths 0..40 cover the vector body and every tail length of the one-pass update.
        for (int n = 0; n <= 40; n++)
        {
            var rng = new Random(n);
            var p = NDArray<float>.Normal(rng, 0, 1, Math.Max(n, 1));
            if (n == 0) continue;
            p.RequiresGrad = true;
            var adam = new Adam<float>([p], new AdamOptions { LearningRate = 0.01 });
            var theta = p.ToArray().Select(x => (double)x).ToArray();
            var m = new double[n];
            var v = new double[n];
            for (int t = 1; t <= 5; t++)
            {
                var g = NDArray<float>.Normal(rng, 0, 1, n);
                p.Grad = g;
                adam.Step();
                for (int i = 0; i < n; i++)
                {
                    double gi = g.Data[i];
                    m[i] = 0.9 * m[i] + 0.1 * gi;
                    v[i] = 0.999 * v[i] + 0.001 * gi * gi;
                    double mHat = m[i] / (1 - Math.Pow(0.9, t)), vHat = v[i] / (1 - Math.Pow(0.999, t));
                    theta[i] -= 0.01 * mHat / (Math.Sqrt(vHat) + 1e-8);
                }
            }
            for (int i = 0; i < n; i++) Assert.Equal(theta[i], p.Data[i], Tolerance);
        }
    }

    [Fact]
    public void AmsGradAndPlainAdamAgreeWhileTheSecondMomentGrows()
    {
        // With |g| growing every step v only increases, so vMax = v and AMSGrad's separate
        // pass must give the plain one-pass update bit for bit.
        var a = NDArray<float>.Normal(new Random(3), 0, 1, 37);
        var b = a.Clone();
        a.RequiresGrad = b.RequiresGrad = true;
        var plain = new Adam<float>([a], new AdamOptions { LearningRate = 0.01 });
        var ams = new Adam<float>([b], new AdamOptions { LearningRate = 0.01, AmsGrad = true });
        var rng = new Random(4);
        for (int t = 1; t <= 4; t++)
        {
            var g = NDArray<float>.Uniform(rng, 1, 2, 37);
            for (int i = 0; i < g.Size; i++) g.Data[i] *= MathF.Pow(10, t);
            a.Grad = g;
            b.Grad = g.Clone();
            plain.Step();
            ams.Step();
        }
        Assert.Equal(b.ToArray(), a.ToArray());
    }
}
