using System.Numerics.Tensors;

namespace Downhill.Analysis.LinearAlgebra;

internal static class VectorNorm
{
    /// <summary>
    /// Euclidean norm that neither overflows nor underflows: the plain sum of squares when it
    /// is safely inside the double range, otherwise the sum of squares of x / max|x|.
    /// </summary>
    public static double Euclidean(ReadOnlySpan<double> x)
    {
        double sumOfSquares = TensorPrimitives.SumOfSquares(x);
        // NOTE: 1e-290 keeps clear of subnormals, where squares lose their digits.
        if (double.IsFinite(sumOfSquares) && sumOfSquares > 1e-290) return Math.Sqrt(sumOfSquares);
        if (x.IsEmpty) return 0;
        double largest = Math.Abs(TensorPrimitives.MaxMagnitude(x));
        if (largest == 0 || !double.IsFinite(largest)) return largest;
        double scaled = 0;
        foreach (double v in x)
        {
            double r = v / largest;
            scaled += r * r;
        }
        return largest * Math.Sqrt(scaled);
    }
}
