using System.Diagnostics;
using System.Numerics.Tensors;

namespace Downhill.Analysis.LinearAlgebra;

/// <summary>
/// Householder QR of a tall matrix A (rows &gt;= columns), optionally with column pivoting:
/// A P = Q R. The layout follows MINPACK's qrfac as described by Moré (1978): the columns are
/// stored contiguously (column-major) so every reflection is a dot product and an axpy over
/// one contiguous span; the Householder vectors stay in the lower part, R's strict upper
/// triangle above them and R's diagonal in <see cref="RDiagonal"/>.
/// </summary>
/// <remarks>
/// With pivoting, step j brings forward the remaining column of largest norm, so |R[j,j]|
/// never increases along the diagonal and a small trailing R[j,j] reveals (near) rank loss.
/// </remarks>
internal sealed class HouseholderQr
{
    private readonly double[] a;
    private readonly double[] rDiagonal;
    private readonly double[] columnNorms;
    private readonly double[] updatedNorms;
    private readonly int[] permutation;

    public HouseholderQr(int rows, int columns)
    {
        Debug.Assert(rows >= columns && columns >= 1);
        Rows = rows;
        Columns = columns;
        a = new double[checked(rows * columns)];
        rDiagonal = new double[columns];
        columnNorms = new double[columns];
        updatedNorms = new double[columns];
        permutation = new int[columns];
    }

    public int Rows { get; }
    public int Columns { get; }

    /// <summary>Column j of R came from column Permutation[j] of A.</summary>
    public ReadOnlySpan<int> Permutation => permutation;

    /// <summary>Euclidean norms of A's columns before factoring, in A's column order.</summary>
    public ReadOnlySpan<double> ColumnNorms => columnNorms;

    public ReadOnlySpan<double> RDiagonal => rDiagonal;

    /// <summary>Column j of the matrix to factor; fill every column, then call <see cref="Factor(bool)"/>.</summary>
    public Span<double> Column(int j) => a.AsSpan(j * Rows, Rows);

    /// <summary>Element (i, j) of R for i &lt;= j.</summary>
    public double R(int i, int j)
    {
        Debug.Assert(i <= j);
        return i == j ? rDiagonal[j] : a[j * Rows + i];
    }

    /// <summary>Copies the row-major matrix in and factors it.</summary>
    public void Factor(ReadOnlySpan<double> rowMajor, bool pivot)
    {
        Debug.Assert(rowMajor.Length == Rows * Columns);
        int n = Rows, p = Columns;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<double> row = rowMajor.Slice(i * p, p);
            for (int j = 0; j < p; j++) a[j * n + i] = row[j];
        }
        Factor(pivot);
    }

    /// <summary>Factors the matrix already placed with <see cref="Column"/>.</summary>
    public void Factor(bool pivot)
    {
        int n = Rows, p = Columns;
        for (int j = 0; j < p; j++)
        {
            columnNorms[j] = VectorNorm.Euclidean(Column(j));
            rDiagonal[j] = columnNorms[j];
            updatedNorms[j] = columnNorms[j];
            permutation[j] = j;
        }

        for (int j = 0; j < p; j++)
        {
            if (pivot)
            {
                int largest = j;
                for (int k = j + 1; k < p; k++)
                    if (rDiagonal[k] > rDiagonal[largest]) largest = k;
                if (largest != j)
                {
                    Span<double> cj = Column(j), cl = Column(largest);
                    for (int i = 0; i < n; i++) (cj[i], cl[i]) = (cl[i], cj[i]);
                    rDiagonal[largest] = rDiagonal[j];
                    updatedNorms[largest] = updatedNorms[j];
                    (permutation[j], permutation[largest]) = (permutation[largest], permutation[j]);
                }
            }

            Span<double> v = a.AsSpan(j * n + j, n - j);
            double norm = VectorNorm.Euclidean(v);
            if (norm != 0)
            {
                // Reflect onto -sign(v0) e1 so that v0 + 1 does not cancel.
                if (v[0] < 0) norm = -norm;
                TensorPrimitives.Divide(v, norm, v);
                v[0] += 1;
                for (int k = j + 1; k < p; k++)
                {
                    Span<double> c = a.AsSpan(k * n + j, n - j);
                    double t = TensorPrimitives.Dot(v, c) / v[0];
                    TensorPrimitives.MultiplyAdd(v, -t, c, c);
                    if (pivot && rDiagonal[k] != 0)
                    {
                        // Downdate the remaining norm of column k; recompute it once
                        // cancellation has eaten most of its digits.
                        double ratio = c[0] / rDiagonal[k];
                        rDiagonal[k] *= Math.Sqrt(Math.Max(0, 1 - ratio * ratio));
                        double relative = rDiagonal[k] / updatedNorms[k];
                        if (0.05 * relative * relative <= Precision.MachineEpsilon)
                        {
                            rDiagonal[k] = VectorNorm.Euclidean(c[1..]);
                            updatedNorms[k] = rDiagonal[k];
                        }
                    }
                }
            }
            rDiagonal[j] = -norm;
        }
    }

    /// <summary>Overwrites b (length Rows) with Q^T b; its first Columns entries pair with R.</summary>
    public void ApplyQTranspose(Span<double> b)
    {
        Debug.Assert(b.Length == Rows);
        int n = Rows;
        for (int j = 0; j < Columns; j++)
        {
            ReadOnlySpan<double> v = a.AsSpan(j * n + j, n - j);
            if (v[0] == 0) continue;
            Span<double> bj = b[j..];
            double t = -TensorPrimitives.Dot(v, bj) / v[0];
            TensorPrimitives.MultiplyAdd(v, t, bj, bj);
        }
    }

    /// <summary>
    /// Numerical rank: the number of leading |R[j,j]| above max(Rows, Columns) ε |R[0,0]|
    /// (meaningful after a pivoted factorization, whose diagonal does not increase).
    /// </summary>
    public int Rank()
    {
        double tolerance = Math.Max(Rows, Columns) * Precision.MachineEpsilon * Math.Abs(rDiagonal[0]);
        int rank = 0;
        while (rank < Columns && Math.Abs(rDiagonal[rank]) > tolerance) rank++;
        return rank;
    }

    /// <summary>
    /// (AᵀA)⁻¹ in A's column order as P R⁻¹ R⁻ᵀ Pᵀ, never forming AᵀA (which would square the
    /// condition number). Only the leading rank x rank block of R is inverted; rows and columns
    /// of parameters beyond the rank are NaN, since the data do not determine them.
    /// </summary>
    public double[] InverseNormalMatrix(int rank)
    {
        int p = Columns;
        var rInverse = new double[p * p];
        for (int j = 0; j < rank; j++)
        {
            rInverse[j * p + j] = 1 / R(j, j);
            for (int i = j - 1; i >= 0; i--)
            {
                double s = 0;
                for (int k = i + 1; k <= j; k++) s += R(i, k) * rInverse[k * p + j];
                rInverse[i * p + j] = -s / R(i, i);
            }
        }
        var inverse = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                double value = double.NaN;
                if (i < rank && j < rank)
                {
                    value = 0;
                    for (int k = Math.Max(i, j); k < rank; k++) value += rInverse[i * p + k] * rInverse[j * p + k];
                }
                inverse[permutation[i] * p + permutation[j]] = value;
            }
        return inverse;
    }

    /// <summary>Copies R into a Columns x Columns row-major array, zeros below the diagonal.</summary>
    public void CopyR(Span<double> r)
    {
        int p = Columns;
        r[..(p * p)].Clear();
        for (int i = 0; i < p; i++)
            for (int j = i; j < p; j++)
                r[i * p + j] = R(i, j);
    }
}
