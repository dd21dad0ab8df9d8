using Downhill.Analysis.LinearAlgebra;

namespace Downhill.Tests.Analysis;

public sealed class LinearAlgebraTests
{
    /// <summary>Backward-stable factorizations of well-scaled matrices of this size reproduce them to ~1e-15; 1e-12 leaves room.</summary>
    private const double Roundoff = 1e-12;

    private static double[] RandomMatrix(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * columns).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(50, 7, false)]
    [InlineData(50, 7, true)]
    [InlineData(9, 9, true)]
    public void Qr_turns_the_permuted_matrix_into_r(int n, int p, bool pivot)
    {
        double[] a = RandomMatrix(n, p, seed: n * 31 + p);
        var qr = new HouseholderQr(n, p);
        qr.Factor(a, pivot);

        // Qᵀ (A P) must be R on top and zero below.
        var column = new double[n];
        for (int j = 0; j < p; j++)
        {
            int source = qr.Permutation[j];
            for (int i = 0; i < n; i++) column[i] = a[i * p + source];
            qr.ApplyQTranspose(column);
            for (int i = 0; i < n; i++)
            {
                double expected = i <= j ? qr.R(i, j) : 0;
                Assert.True(Math.Abs(column[i] - expected) <= Roundoff, $"(QᵀAP)[{i},{j}] = {column[i]}, R gives {expected}");
            }
            Assert.Equal(Math.Sqrt(Enumerable.Range(0, n).Sum(i => a[i * p + j] * a[i * p + j])), qr.ColumnNorms[j], Roundoff);
        }
        if (pivot)
            for (int j = 1; j < p; j++)
                Assert.True(Math.Abs(qr.RDiagonal[j]) <= Math.Abs(qr.RDiagonal[j - 1]) * (1 + Roundoff));
        else
            Assert.Equal(Enumerable.Range(0, p), qr.Permutation.ToArray());
    }

    [Fact]
    public void Pivoted_qr_pushes_a_dependent_column_to_the_end_with_a_zero_diagonal()
    {
        // Column 1 = 2 * column 0.
        double[] a = [1, 2, 5, 2, 4, 1, 3, 6, 0, 4, 8, 2];
        var qr = new HouseholderQr(4, 3);
        qr.Factor(a, pivot: true);
        Assert.True(Math.Abs(qr.RDiagonal[2]) < 1e-14 * Math.Abs(qr.RDiagonal[0]));
    }

    [Fact]
    public void Jacobi_eigenvalues_match_a_matrix_built_from_known_ones()
    {
        // A = H diag(λ) H with the reflection H = I - 2 v vᵀ / vᵀv has eigenvalues λ.
        double[] lambda = [1e-6, 0.5, 2, 3, 40];
        double[] v = [1, -2, 0.5, 3, 1];
        int p = lambda.Length;
        double vv = v.Sum(x => x * x);
        var h = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                h[i * p + j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv;
        var a = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                for (int k = 0; k < p; k++)
                    a[i * p + j] += h[i * p + k] * lambda[k] * h[j * p + k];

        double[] eigenvalues = SymmetricEigen.Eigenvalues(a, p);
        for (int k = 0; k < p; k++) Assert.Equal(lambda[k], eigenvalues[k], 1e-13 * 40);
        Assert.Equal(40 / 1e-6, SymmetricEigen.ConditionNumber(a, p), 1e-4 * 40 / 1e-6);
    }

    [Fact]
    public void Cholesky_solves_and_inverts_and_rejects_an_indefinite_matrix()
    {
        double[] a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
        double[] l = (double[])a.Clone();
        Assert.True(Cholesky.Factor(l, 3));
        double[] x = [1, -2, 0.5];
        double[] b = [4 * 1 + 2 * -2 + 0.4 * 0.5, 2 * 1 + 5 * -2 + 1 * 0.5, 0.4 * 1 + 1 * -2 + 3 * 0.5];
        Cholesky.Solve(l, 3, b);
        for (int i = 0; i < 3; i++) Assert.Equal(x[i], b[i], Roundoff);

        double[] inverse = Cholesky.Inverse(l, 3);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(i == j ? 1 : 0, Enumerable.Range(0, 3).Sum(k => a[i * 3 + k] * inverse[k * 3 + j]), Roundoff);

        Assert.False(Cholesky.Factor([1, 2, 2, 1], 2));
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.5)]
    [InlineData(100)]
    public void Trust_region_step_solves_the_damped_normal_equations_inside_the_radius(double delta)
    {
        const int n = 12, p = 4;
        double[] j = RandomMatrix(n, p, seed: 7);
        double[] f = RandomMatrix(n, 1, seed: 8);
        double[] diag = [1, 2, 0.5, 3];
        var qr = new HouseholderQr(n, p);
        qr.Factor(j, pivot: true);
        double[] qtf = (double[])f.Clone();
        qr.ApplyQTranspose(qtf);
        var r = new double[p * p];
        qr.CopyR(r);
        double[] x = new double[p], s = new double[p], w1 = new double[p], w2 = new double[p];

        double lambda = TrustRegionStep.FindDamping(r, p, qr.Permutation, diag, qtf, delta, 0, x, s, w1, w2);

        // (JᵀJ + λ D²) x = Jᵀ f, checked with the normal equations formed directly.
        for (int a = 0; a < p; a++)
        {
            double lhs = lambda * diag[a] * diag[a] * x[a], rhs = 0;
            for (int i = 0; i < n; i++)
            {
                for (int b = 0; b < p; b++) lhs += j[i * p + a] * j[i * p + b] * x[b];
                rhs += j[i * p + a] * f[i];
            }
            Assert.Equal(rhs, lhs, 1e-10);
        }
        double dx = Math.Sqrt(Enumerable.Range(0, p).Sum(k => diag[k] * x[k] * diag[k] * x[k]));
        if (lambda > 0) Assert.True(Math.Abs(dx - delta) <= 0.1 * delta, $"||Dx|| = {dx} for Δ = {delta}");
        else Assert.True(dx <= 1.1 * delta);
    }
}
