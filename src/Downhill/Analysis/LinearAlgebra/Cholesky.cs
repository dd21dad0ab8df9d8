using System.Diagnostics;

namespace Downhill.Analysis.LinearAlgebra;

/// <summary>A = L Lᵀ for a small symmetric positive definite row-major p x p matrix.</summary>
internal static class Cholesky
{
    /// <summary>
    /// Overwrites the lower triangle of a with L. False when a pivot is not positive, that
    /// is, the matrix is not positive definite in floating point (singular or nearly so).
    /// </summary>
    public static bool Factor(Span<double> a, int p)
    {
        Debug.Assert(a.Length == p * p);
        for (int j = 0; j < p; j++)
        {
            double d = a[j * p + j];
            for (int k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
            if (!(d > 0)) return false;
            double ljj = Math.Sqrt(d);
            a[j * p + j] = ljj;
            for (int i = j + 1; i < p; i++)
            {
                double s = a[i * p + j];
                for (int k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
                a[i * p + j] = s / ljj;
            }
        }
        return true;
    }

    /// <summary>Solves L Lᵀ x = b in place, with L from <see cref="Factor"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int p, Span<double> b)
    {
        for (int i = 0; i < p; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * p + k] * b[k];
            b[i] = s / l[i * p + i];
        }
        for (int i = p - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < p; k++) s -= l[k * p + i] * b[k];
            b[i] = s / l[i * p + i];
        }
    }

    /// <summary>A⁻¹ as a full symmetric p x p matrix, with L from <see cref="Factor"/>.</summary>
    public static double[] Inverse(ReadOnlySpan<double> l, int p)
    {
        var inverse = new double[p * p];
        Span<double> column = p <= 256 ? stackalloc double[p] : new double[p];
        for (int j = 0; j < p; j++)
        {
            column.Clear();
            column[j] = 1;
            Solve(l, p, column);
            for (int i = 0; i < p; i++) inverse[i * p + j] = column[i];
        }
        return inverse;
    }
}
