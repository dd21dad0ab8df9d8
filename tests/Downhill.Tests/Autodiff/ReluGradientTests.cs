using System.Numerics;
using Downhill.Nn;

namespace Downhill.Tests.Autodiff;

public class ReluGradientTests
{
    [Fact]
    public void FloatMatchesTheDefinitionAtEveryLength() => CheckEveryLength<float>();

    [Fact]
    public void DoubleMatchesTheDefinitionAtEveryLength() => CheckEveryLength<double>();

    /// <summary>
    /// dz = 0 where y &lt;= 0, else g (PyTorch's threshold_backward, so g where y is NaN), written
    /// out element by element: every length from 0 to 70 (whole vectors and every tail), with
    /// zeros of both signs and NaN among the outputs.
    /// </summary>
    private static void CheckEveryLength<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(3);
        T[] special = [T.Zero, -T.Zero, T.NaN, T.Epsilon, -T.Epsilon];
        for (int n = 0; n <= 70; n++)
        {
            var y = new T[n];
            var g = new T[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = i % 4 == 3 ? special[i / 4 % special.Length] : T.CreateTruncating(rng.NextDouble() * 2 - 1);
                g[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
            }
            var dz = new T[n];
            Dense<T>.ActivationGradient(Activation.Relu, g, y, dz);
            for (int i = 0; i < n; i++)
                Assert.Equal(y[i] <= T.Zero ? T.Zero : g[i], dz[i]);
        }
    }
}
