using System.Numerics;

namespace Downhill.Nn;

/// <summary>Seeded weight initialization: He for ReLU layers, Xavier (Glorot) for the others.</summary>
public static class Initializers
{
    /// <summary>He uniform: U(-a, a) with a = sqrt(6 / fanIn), keeping ReLU activations' variance steady (He et al., 2015).</summary>
    public static NDArray<T> HeUniform<T>(int fanIn, int fanOut, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double a = Math.Sqrt(6.0 / fanIn);
        return NDArray<T>.Uniform(rng, -a, a, fanIn, fanOut);
    }

    /// <summary>Xavier uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)) (Glorot and Bengio, 2010).</summary>
    public static NDArray<T> XavierUniform<T>(int fanIn, int fanOut, Random rng) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double a = Math.Sqrt(6.0 / (fanIn + fanOut));
        return NDArray<T>.Uniform(rng, -a, a, fanIn, fanOut);
    }

    /// <summary>The starting weights for a layer with <paramref name="activation"/>: He uniform for relu (keeps the variance through rectifiers), Xavier uniform otherwise.</summary>
    public static NDArray<T> For<T>(Activation activation, int fanIn, int fanOut, Random rng) where T : unmanaged, IFloatingPointIeee754<T> =>
        activation == Activation.Relu ? HeUniform<T>(fanIn, fanOut, rng) : XavierUniform<T>(fanIn, fanOut, rng);
}
