using System.Diagnostics;

namespace Downhill.Analysis.LinearAlgebra;

/// <summary>
/// The Levenberg-Marquardt step inside a trust region, after Moré (1978), "The
/// Levenberg-Marquardt algorithm: implementation and theory" (MINPACK's lmpar and qrsolv).
/// Given J P = Q R, the scaling D and Q^T f, find λ &gt;= 0 and x solving
/// (J^T J + λ D^T D) x = J^T f such that either λ = 0 and ||D x|| &lt;= 1.1 Δ,
/// or | ||D x|| - Δ | &lt;= 0.1 Δ. The caller steps by -x.
/// </summary>
/// <remarks>
/// φ(λ) = ||D x(λ)|| - Δ is convex and decreasing, so Newton's method on the secular equation
/// φ(λ) = 0, kept inside a bracket [lower, upper] that every iterate tightens, converges in a
/// couple of iterations (at most 10 are allowed). Each trial λ costs one <see cref="SolveDamped"/>,
/// which folds √λ D into R with Givens rotations in O(p²) instead of refactoring J.
/// R is passed row-major p x p; its strict lower triangle is scratch (it ends up holding the
/// transposed triangle S of the damped factorization), its upper triangle and diagonal survive.
/// </remarks>
internal static class TrustRegionStep
{
    public static double FindDamping(
        Span<double> r, int p, ReadOnlySpan<int> permutation, ReadOnlySpan<double> diag,
        ReadOnlySpan<double> qtf, double delta, double damping,
        Span<double> x, Span<double> sDiagonal, Span<double> work1, Span<double> work2)
    {
        Debug.Assert(delta > 0 && damping >= 0);

        // Gauss-Newton direction; a singular R gives the least-squares one with zeros.
        int nonSingular = p;
        for (int j = 0; j < p; j++)
        {
            work1[j] = qtf[j];
            if (r[j * p + j] == 0 && nonSingular == p) nonSingular = j;
            if (nonSingular < p) work1[j] = 0;
        }
        for (int k = nonSingular - 1; k >= 0; k--)
        {
            work1[k] /= r[k * p + k];
            double t = work1[k];
            for (int i = 0; i < k; i++) work1[i] -= r[i * p + k] * t;
        }
        for (int j = 0; j < p; j++) x[permutation[j]] = work1[j];

        for (int j = 0; j < p; j++) work2[j] = diag[j] * x[j];
        double dxNorm = VectorNorm.Euclidean(work2[..p]);
        double fp = dxNorm - delta;
        if (fp <= 0.1 * delta) return 0;

        // Lower bound from the Newton step at λ = 0 (only when J has full rank).
        double lower = 0;
        if (nonSingular == p)
        {
            for (int j = 0; j < p; j++)
            {
                int l = permutation[j];
                work1[j] = diag[l] * (work2[l] / dxNorm);
            }
            for (int j = 0; j < p; j++)
            {
                double sum = 0;
                for (int i = 0; i < j; i++) sum += r[i * p + j] * work1[i];
                work1[j] = (work1[j] - sum) / r[j * p + j];
            }
            double t = VectorNorm.Euclidean(work1[..p]);
            lower = fp / delta / t / t;
        }

        // Upper bound: ||(J D^-1)^T f|| / Δ.
        for (int j = 0; j < p; j++)
        {
            double sum = 0;
            for (int i = 0; i <= j; i++) sum += r[i * p + j] * qtf[i];
            work1[j] = sum / diag[permutation[j]];
        }
        double gradientNorm = VectorNorm.Euclidean(work1[..p]);
        double upper = gradientNorm / delta;
        if (upper == 0) upper = Precision.SmallestNormal / Math.Min(delta, 0.1);

        damping = Math.Min(Math.Max(damping, lower), upper);
        if (damping == 0) damping = gradientNorm / dxNorm;

        for (int iteration = 1; ; iteration++)
        {
            if (damping == 0) damping = Math.Max(Precision.SmallestNormal, 0.001 * upper);
            double root = Math.Sqrt(damping);
            for (int j = 0; j < p; j++) work1[j] = root * diag[j];
            SolveDamped(r, p, permutation, work1, qtf, x, sDiagonal, work2);
            for (int j = 0; j < p; j++) work2[j] = diag[j] * x[j];
            dxNorm = VectorNorm.Euclidean(work2[..p]);
            double previous = fp;
            fp = dxNorm - delta;

            // Close enough, or the bracket cannot improve (λ lower bound 0 and φ rising), or tired.
            if (Math.Abs(fp) <= 0.1 * delta || (lower == 0 && fp <= previous && previous < 0) || iteration == 10)
                return damping;

            // Newton correction φ(λ) / φ'(λ), using the damped factor S from SolveDamped.
            for (int j = 0; j < p; j++)
            {
                int l = permutation[j];
                work1[j] = diag[l] * (work2[l] / dxNorm);
            }
            for (int j = 0; j < p; j++)
            {
                work1[j] /= sDiagonal[j];
                double t = work1[j];
                for (int i = j + 1; i < p; i++) work1[i] -= r[i * p + j] * t;
            }
            double norm = VectorNorm.Euclidean(work1[..p]);
            double correction = fp / delta / norm / norm;

            if (fp > 0) lower = Math.Max(lower, damping);
            if (fp < 0) upper = Math.Min(upper, damping);
            damping = Math.Max(lower, damping + correction);
        }
    }

    /// <summary>
    /// Solves min || [J; D] x - [f; 0] || given J P = Q R and qtf = Q^T f, by rotating the
    /// diagonal D (in pivoted order) into R one row at a time (MINPACK's qrsolv). On return
    /// the strict lower triangle of r and sDiagonal hold the triangle S with
    /// P^T (J^T J + D D) P = S^T S.
    /// </summary>
    public static void SolveDamped(
        Span<double> r, int p, ReadOnlySpan<int> permutation, ReadOnlySpan<double> diag,
        ReadOnlySpan<double> qtf, Span<double> x, Span<double> sDiagonal, Span<double> work)
    {
        // Copy R's upper triangle (transposed) into the lower one; keep R's diagonal in x.
        for (int j = 0; j < p; j++)
        {
            for (int i = j; i < p; i++) r[i * p + j] = r[j * p + i];
            x[j] = r[j * p + j];
            work[j] = qtf[j];
        }

        for (int j = 0; j < p; j++)
        {
            double d = diag[permutation[j]];
            if (d != 0)
            {
                sDiagonal[j..p].Clear();
                sDiagonal[j] = d;
                // The extra row of [R; D] starts with only d; Givens rotations eliminate it
                // against the diagonal of the transposed R, carrying the right-hand side along.
                double qtbpj = 0;
                for (int k = j; k < p; k++)
                {
                    if (sDiagonal[k] == 0) continue;
                    double rkk = r[k * p + k];
                    double sin, cos;
                    if (Math.Abs(rkk) < Math.Abs(sDiagonal[k]))
                    {
                        double cotan = rkk / sDiagonal[k];
                        sin = 0.5 / Math.Sqrt(0.25 + 0.25 * cotan * cotan);
                        cos = sin * cotan;
                    }
                    else
                    {
                        double tan = sDiagonal[k] / rkk;
                        cos = 0.5 / Math.Sqrt(0.25 + 0.25 * tan * tan);
                        sin = cos * tan;
                    }
                    r[k * p + k] = cos * rkk + sin * sDiagonal[k];
                    double t = cos * work[k] + sin * qtbpj;
                    qtbpj = -sin * work[k] + cos * qtbpj;
                    work[k] = t;
                    for (int i = k + 1; i < p; i++)
                    {
                        double rik = r[i * p + k];
                        t = cos * rik + sin * sDiagonal[i];
                        sDiagonal[i] = -sin * rik + cos * sDiagonal[i];
                        r[i * p + k] = t;
                    }
                }
            }
            sDiagonal[j] = r[j * p + j];
            r[j * p + j] = x[j];
        }

        // Back substitution with S^T; if S is singular, the least-squares solution with zeros.
        int nonSingular = p;
        for (int j = 0; j < p; j++)
        {
            if (sDiagonal[j] == 0 && nonSingular == p) nonSingular = j;
            if (nonSingular < p) work[j] = 0;
        }
        for (int j = nonSingular - 1; j >= 0; j--)
        {
            double sum = 0;
            for (int i = j + 1; i < nonSingular; i++) sum += r[i * p + j] * work[i];
            work[j] = (work[j] - sum) / sDiagonal[j];
        }
        for (int j = 0; j < p; j++) x[permutation[j]] = work[j];
    }
}
