using System.Diagnostics;

namespace Downhill.Analysis.LinearAlgebra;

/// <summary>
/// Eigenvalues of a small symmetric matrix by the cyclic Jacobi method (Golub and Van Loan,
/// "Matrix Computations", section 8.5): plane rotations zero one off-diagonal pair at a time
/// until the off-diagonal part vanishes. O(p³) per sweep and a handful of sweeps, which is
/// nothing for the p x p normal matrices of a fit, and no library is needed.
/// </summary>
internal static class SymmetricEigen
{
    private const int MaxSweeps = 100;

    /// <summary>Eigenvalues in ascending order of the symmetric row-major p x p matrix.</summary>
    public static double[] Eigenvalues(ReadOnlySpan<double> symmetric, int p)
    {
        Debug.Assert(symmetric.Length == p * p);
        double[] a = symmetric.ToArray();
        for (int sweep = 0; sweep < MaxSweeps; sweep++)
        {
            double off = 0, total = 0;
            for (int i = 0; i < p; i++)
                for (int j = 0; j < p; j++)
                {
                    double v = a[i * p + j] * a[i * p + j];
                    total += v;
                    if (i != j) off += v;
                }
            // Converged when the off-diagonal part is below roundoff of the whole matrix.
            if (off <= Precision.MachineEpsilon * Precision.MachineEpsilon * 1e-4 * total) break;

            for (int i = 0; i < p - 1; i++)
                for (int j = i + 1; j < p; j++)
                {
                    double aij = a[i * p + j];
                    if (aij == 0) continue;
                    double tau = (a[j * p + j] - a[i * p + i]) / (2 * aij);
                    double t = tau >= 0
                        ? 1 / (tau + Math.Sqrt(1 + tau * tau))
                        : -1 / (-tau + Math.Sqrt(1 + tau * tau));
                    double c = 1 / Math.Sqrt(1 + t * t), s = t * c;
                    for (int k = 0; k < p; k++)
                    {
                        double aki = a[k * p + i], akj = a[k * p + j];
                        a[k * p + i] = c * aki - s * akj;
                        a[k * p + j] = s * aki + c * akj;
                    }
                    for (int k = 0; k < p; k++)
                    {
                        double aik = a[i * p + k], ajk = a[j * p + k];
                        a[i * p + k] = c * aik - s * ajk;
                        a[j * p + k] = s * aik + c * ajk;
                    }
                }
        }

        var eigenvalues = new double[p];
        for (int i = 0; i < p; i++) eigenvalues[i] = a[i * p + i];
        Array.Sort(eigenvalues);
        return eigenvalues;
    }

    /// <summary>
    /// 2-norm condition number λmax / λmin of a symmetric positive semi-definite matrix;
    /// infinity when it is singular (λmin &lt;= 0 after roundoff).
    /// </summary>
    public static double ConditionNumber(ReadOnlySpan<double> symmetric, int p)
    {
        double[] eigenvalues = Eigenvalues(symmetric, p);
        double smallest = eigenvalues[0], largest = eigenvalues[^1];
        if (largest <= 0) return double.PositiveInfinity;
        return smallest <= 0 ? double.PositiveInfinity : largest / smallest;
    }
}
