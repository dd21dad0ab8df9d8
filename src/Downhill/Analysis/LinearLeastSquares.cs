using System.Numerics;
using Downhill.Analysis.LinearAlgebra;

namespace Downhill.Analysis;

/// <summary>
/// The closed-form least-squares fit y ≈ W x + b: the answer gradient descent on the mean
/// squared error walks towards, computed directly.
/// </summary>
/// <remarks>
/// <para>
/// One parallel pass accumulates the normal equations (XᵀX and Xᵀy after a shift, see
/// <see cref="GramMatrix"/>); they are centered and scaled to unit diagonal, their condition
/// number κ is computed exactly from the Jacobi eigenvalues of that small p x p matrix, and
/// Cholesky solves them when κ &lt;= 1e10. Otherwise the normal equations would lose more
/// than 10 of 16 digits, so the fit is redone by Householder QR with column pivoting on the
/// centered data, which loses about half as many and also handles collinear features (their
/// weights become 0, <see cref="LinearLeastSquaresResult.Rank"/> says how many count).
/// The residual sum of squares comes from the accumulated sums, Σ(y - ŷ)² = Cyy - 2 wᵀCxy +
/// wᵀCxx w, when that keeps at least 1e-4 of Cyy (so at most 4 of 16 digits cancel); a closer
/// fit gets a second pass over the data that sums the residuals themselves.
/// </para>
/// </remarks>
public static class LinearLeastSquares
{
    /// <summary>Rows averaged for the shift that precedes the one-pass accumulation.</summary>
    private const int ShiftRows = 64;

    /// <param name="x">rows x <paramref name="features"/> inputs, row-major.</param>
    /// <param name="features">Inputs per row.</param>
    /// <param name="y">rows x <paramref name="outputs"/> targets, row-major.</param>
    /// <param name="outputs">Targets per row, each fitted on its own (they share the factorization).</param>
    /// <param name="fitIntercept">False forces b = 0 (the line through the origin).</param>
    public static LinearLeastSquaresResult Fit(ReadOnlyMemory<double> x, int features, ReadOnlyMemory<double> y,
        int outputs = 1, bool fitIntercept = true) => FitAny(x, features, y, outputs, fitIntercept);

    /// <summary>
    /// The same fit for float32 data (a network's training matrix): values are widened to double
    /// as each block of rows is packed, which is exact, so the answer equals
    /// <see cref="Fit(ReadOnlyMemory{double}, int, ReadOnlyMemory{double}, int, bool)"/> on the widened arrays.
    /// </summary>
    /// <remarks>
    /// Why: widening the floats into a fresh double array first costs more than the fit itself
    /// (the large array's page faults and its one-off write dominate; figures in bench/README.md).
    /// </remarks>
    public static LinearLeastSquaresResult Fit(ReadOnlyMemory<float> x, int features, ReadOnlyMemory<float> y,
        int outputs = 1, bool fitIntercept = true) => FitAny(x, features, y, outputs, fitIntercept);

    private static LinearLeastSquaresResult FitAny<TIn>(ReadOnlyMemory<TIn> x, int features, ReadOnlyMemory<TIn> y,
        int outputs, bool fitIntercept) where TIn : unmanaged, INumberBase<TIn>
    {
        if (features < 1) Errors.OutOfRange(nameof(features), features, "at least 1 input column");
        if (outputs < 1) Errors.OutOfRange(nameof(outputs), outputs, "at least 1 target column");
        if (x.Length % features != 0)
            Errors.Shape($"x has {x.Length} values, not a whole number of rows of {features} features: pass rows x features values, row-major");
        int rows = x.Length / features;
        if (y.Length != rows * outputs)
            Errors.Shape($"y has {y.Length} values but x has {rows} rows, which need {rows} x {outputs} = {rows * outputs} targets");
        int unknowns = features + (fitIntercept ? 1 : 0);
        if (rows < unknowns)
            Errors.Argument($"{rows} rows cannot determine {unknowns} unknowns ({features} weights{(fitIntercept ? " and an intercept" : "")}): give at least {unknowns} rows.", nameof(x));

        int p = features, m = outputs;
        double[] shift = fitIntercept ? LeadingMean(x.Span, p, y.Span, m) : new double[p + m];
        double[] gram = GramMatrix.Accumulate(x, p, y, m, shift, fitIntercept);
        return FromSums(gram, shift, rows, p, m, fitIntercept, new Passes(
            scale => WithoutConstantColumns(x.Span, p, y, m, scale, rows),
            (mean, weights) => SolveByQr(x.Span, p, y.Span, m, shift, mean, weights),
            (weights, biases) => ResidualSumOfSquares(x, p, y, m, weights, biases)));
    }

    /// <summary>
    /// The same fit from data read block by block (a file larger than memory): one pass
    /// accumulates the sums, a second one, only when the fit is so close that the residuals
    /// must be summed themselves, gives the residual sum of squares. The shift is the mean of
    /// the first block's leading rows, as in memory, so the answer agrees with
    /// <see cref="Fit(ReadOnlyMemory{double}, int, ReadOnlyMemory{double}, int, bool)"/> on the
    /// same rows to the rounding of a different summation order.
    /// </summary>
    /// <param name="blocks">Each call reads the data again from the start: row-major features and targets of some rows per block.</param>
    /// <param name="source">Names the data in messages.</param>
    public static LinearLeastSquaresResult FitBlocks(Func<IEnumerable<(ReadOnlyMemory<double> X, ReadOnlyMemory<double> Y)>> blocks,
        int features, int outputs, string source, bool fitIntercept = true)
    {
        if (features < 1) Errors.OutOfRange(nameof(features), features, "at least 1 input column");
        if (outputs < 1) Errors.OutOfRange(nameof(outputs), outputs, "at least 1 target column");
        int p = features, m = outputs, q = p + m + (fitIntercept ? 1 : 0);
        double[]? shift = null, gram = null;
        long rows = 0;
        foreach (var (x, y) in blocks())
        {
            if (x.Length == 0) continue;
            shift ??= fitIntercept ? LeadingMean(x.Span, p, y.Span, m) : new double[p + m];
            var part = GramMatrix.Accumulate(x, p, y, m, shift, fitIntercept);
            if (gram is null) gram = part;
            else for (int i = 0; i < gram.Length; i++) gram[i] += part[i];
            rows += x.Length / p;
        }
        int unknowns = features + (fitIntercept ? 1 : 0);
        if (rows < unknowns || gram is null || shift is null)
            Errors.Data($"{source}: {rows} rows cannot determine {unknowns} unknowns ({features} weights{(fitIntercept ? " and an intercept" : "")}): give at least {unknowns} rows.");
        if (rows > int.MaxValue)
            Errors.Data($"{source}: {rows:N0} rows are more than the {int.MaxValue:N0} the closed form counts; solve on a sample of the rows.");
        return FromSums(gram, shift, (int)rows, p, m, fitIntercept, new Passes(
            _ => Refuse<LinearLeastSquaresResult>($"{source}: some feature column holds one value on every row, and a streaming solve cannot leave it out afterwards; exclude the constant column (DataOptions.Exclude), or solve with the whole file in memory instead of streaming it."),
            (_, _) => Refuse<(int, double[])>($"{source}: the features are nearly collinear (condition number above {LinearLeastSquaresResult.IllConditionedAbove:G0}), which needs QR on all rows at once; a streaming solve cannot. Exclude the redundant columns, or solve with the whole file in memory instead of streaming it."),
            (weights, biases) =>
            {
                var rss = new double[m];
                foreach (var (x, y) in blocks())
                {
                    var part = ResidualSumOfSquares(x, p, y, m, weights, biases);
                    for (int o = 0; o < m; o++) rss[o] += part[o];
                }
                return rss;
            }));
    }

    private static TResult Refuse<TResult>(string message)
    {
        Errors.Data(message);
        return default!;
    }

    /// <summary>What the fit needs the rows themselves for: the rare cases the sums cannot settle.</summary>
    private sealed record Passes(
        Func<double[], LinearLeastSquaresResult> WithoutConstantColumns,
        Func<double[], double[], (int Rank, double[] Inverse)> SolveByQr,
        Func<double[], double[], double[]> ResidualSumOfSquares);

    private static LinearLeastSquaresResult FromSums(double[] gram, double[] shift, int rows, int p, int m, bool fitIntercept, Passes passes)
    {
        int unknowns = p + (fitIntercept ? 1 : 0);
        foreach (double v in gram)
            if (!double.IsFinite(v))
                Errors.Argument("x or y contains NaN or infinity (or values so large their squares overflow): clean or rescale the data first.", "x");

        // Centered blocks: Cxx (p x p), Cxy (p x m); mean of the shifted columns.
        int q = p + m + (fitIntercept ? 1 : 0);
        var mean = new double[p + m];
        if (fitIntercept)
            for (int c = 0; c < p + m; c++) mean[c] = gram[c * q + (q - 1)] / rows;
        var cxx = new double[p * p];
        var cxy = new double[p * m];
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++) cxx[i * p + j] = gram[i * q + j] - rows * mean[i] * mean[j];
            for (int o = 0; o < m; o++) cxy[i * m + o] = gram[i * q + p + o] - rows * mean[i] * mean[p + o];
        }

        var scale = new double[p];
        bool constantColumn = false;
        for (int j = 0; j < p; j++)
        {
            scale[j] = Math.Sqrt(Math.Max(0, cxx[j * p + j]));
            if (scale[j] == 0) constantColumn = true;
        }
        if (constantColumn && fitIntercept && scale.Any(v => v > 0))
            return passes.WithoutConstantColumns(scale);
        var weights = new double[m * p];
        double[] inverse = [];
        double condition = double.PositiveInfinity;
        LinearSolver solver = LinearSolver.HouseholderQr;
        int rank = p;
        if (!constantColumn)
        {
            var a = new double[p * p];
            for (int i = 0; i < p; i++)
                for (int j = 0; j < p; j++) a[i * p + j] = cxx[i * p + j] / (scale[i] * scale[j]);
            condition = SymmetricEigen.ConditionNumber(a, p);
            if (condition <= LinearLeastSquaresResult.IllConditionedAbove && Cholesky.Factor(a, p))
            {
                solver = LinearSolver.NormalEquations;
                var rhs = new double[p];
                for (int o = 0; o < m; o++)
                {
                    for (int j = 0; j < p; j++) rhs[j] = cxy[j * m + o] / scale[j];
                    Cholesky.Solve(a, p, rhs);
                    for (int j = 0; j < p; j++) weights[o * p + j] = rhs[j] / scale[j];
                }
                inverse = Cholesky.Inverse(a, p);
                for (int i = 0; i < p; i++)
                    for (int j = 0; j < p; j++) inverse[i * p + j] /= scale[i] * scale[j];
            }
        }
        if (solver == LinearSolver.HouseholderQr)
            (rank, inverse) = passes.SolveByQr(mean, weights);

        var biases = new double[m];
        if (fitIntercept)
            for (int o = 0; o < m; o++)
            {
                double b = shift[p + o] + mean[p + o];
                for (int j = 0; j < p; j++) b -= weights[o * p + j] * (shift[j] + mean[j]);
                biases[o] = b;
            }

        double[] rss = solver == LinearSolver.NormalEquations
            ? RssFromSums(gram, q, rows, mean, p, m, weights)
            : new double[m];
        if (rss.Any(v => double.IsNaN(v)) || solver == LinearSolver.HouseholderQr)
            rss = passes.ResidualSumOfSquares(weights, biases);
        var (weightErrors, biasErrors) = StandardErrors(inverse, rows, p, m, rss, fitIntercept, shift, mean);
        return new LinearLeastSquaresResult(rows, p, m, weights, biases, rss, condition, rank, solver,
            rows - unknowns, weightErrors, biasErrors);
    }

    /// <summary>
    /// With an intercept a constant column adds nothing (the intercept already carries it), but
    /// left in it makes the problem singular, and the rank-revealing fallback could then drop a
    /// small-magnitude feature instead (seen: y = 1e9*small + ... solved with small's weight 0).
    /// So the other columns are fitted alone and constant ones get weight 0 (standard error NaN).
    /// </summary>
    private static LinearLeastSquaresResult WithoutConstantColumns<TIn>(ReadOnlySpan<TIn> x, int p, ReadOnlyMemory<TIn> y, int m,
        double[] scale, int rows) where TIn : unmanaged, INumberBase<TIn>
    {
        var kept = Enumerable.Range(0, p).Where(j => scale[j] > 0).ToArray();
        var reduced = new double[rows * kept.Length];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < kept.Length; k++) reduced[r * kept.Length + k] = double.CreateTruncating(x[r * p + kept[k]]);
        // Double targets are used as they are; float ones are widened once for the reduced fit.
        ReadOnlyMemory<double> targets = typeof(TIn) == typeof(double) ? (ReadOnlyMemory<double>)(object)y : Widened(y.Span);
        var fit = FitAny(reduced, kept.Length, targets, m, fitIntercept: true);
        var weights = new double[m * p];
        var errors = new double[m * p];
        Array.Fill(errors, double.NaN);
        for (int o = 0; o < m; o++)
            for (int k = 0; k < kept.Length; k++)
            {
                weights[o * p + kept[k]] = fit.Weights[o * kept.Length + k];
                errors[o * p + kept[k]] = fit.StandardErrors[o * kept.Length + k];
            }
        return new LinearLeastSquaresResult(rows, p, m, weights, fit.Biases, fit.ResidualSumOfSquares, fit.ConditionNumber,
            fit.Rank, fit.Solver, fit.DegreesOfFreedom, errors, fit.BiasStandardErrors) { ConstantFeatures = p - kept.Length };
    }

    /// <summary>Residual sums of squares from the centered sums; NaN where cancellation would cost over 4 digits.</summary>
    private static double[] RssFromSums(double[] gram, int q, int rows, double[] mean, int p, int m, double[] weights)
    {
        var rss = new double[m];
        for (int o = 0; o < m; o++)
        {
            int yc = p + o;
            double cyy = gram[yc * q + yc] - rows * mean[yc] * mean[yc];
            double sum = cyy;
            for (int i = 0; i < p; i++)
            {
                double wi = weights[o * p + i];
                sum -= 2 * wi * (gram[i * q + yc] - rows * mean[i] * mean[yc]);
                for (int j = 0; j < p; j++)
                    sum += wi * weights[o * p + j] * (gram[i * q + j] - rows * mean[i] * mean[j]);
            }
            rss[o] = sum >= 1e-4 * cyy ? sum : double.NaN;
        }
        return rss;
    }

    private static double[] LeadingMean<TIn>(ReadOnlySpan<TIn> x, int p, ReadOnlySpan<TIn> y, int m)
        where TIn : unmanaged, INumberBase<TIn>
    {
        int rows = Math.Min(ShiftRows, x.Length / p);
        var mean = new double[p + m];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < p; j++) mean[j] += double.CreateTruncating(x[i * p + j]);
            for (int o = 0; o < m; o++) mean[p + o] += double.CreateTruncating(y[i * m + o]);
        }
        for (int c = 0; c < p + m; c++) mean[c] /= rows;
        return mean;
    }

    /// <summary>
    /// Textbook OLS standard errors from σ² = RSS / (n - p - 1) and C⁻¹, the inverse of the
    /// centered XᵀX: Var(w) = σ² C⁻¹ and, for the intercept b = ȳ - wᵀx̄, Var(b) = σ² (1/n + x̄ᵀ C⁻¹ x̄).
    /// </summary>
    private static (double[] Weights, double[] Biases) StandardErrors(double[] inverse, int rows, int p, int m,
        double[] rss, bool fitIntercept, double[] shift, double[] mean)
    {
        int freedom = rows - p - (fitIntercept ? 1 : 0);
        var weightErrors = new double[m * p];
        var biasErrors = new double[m];
        var center = new double[p];
        for (int j = 0; j < p; j++) center[j] = shift[j] + mean[j];
        double leverage = 0;
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++) leverage += center[i] * inverse[i * p + j] * center[j];
        for (int o = 0; o < m; o++)
        {
            double sigmaSquared = freedom > 0 ? rss[o] / freedom : double.NaN;
            for (int j = 0; j < p; j++) weightErrors[o * p + j] = Math.Sqrt(sigmaSquared * inverse[j * p + j]);
            biasErrors[o] = fitIntercept ? Math.Sqrt(sigmaSquared * (1.0 / rows + leverage)) : 0;
        }
        return (weightErrors, biasErrors);
    }

    /// <summary>Weights by pivoted QR of the centered X; columns beyond the numerical rank get weight 0.</summary>
    private static (int Rank, double[] Inverse) SolveByQr<TIn>(ReadOnlySpan<TIn> x, int p, ReadOnlySpan<TIn> y, int m,
        double[] shift, double[] mean, double[] weights) where TIn : unmanaged, INumberBase<TIn>
    {
        int rows = x.Length / p;
        var qr = new HouseholderQr(rows, p);
        for (int j = 0; j < p; j++)
        {
            Span<double> column = qr.Column(j);
            double center = shift[j] + mean[j];
            for (int i = 0; i < rows; i++) column[i] = double.CreateTruncating(x[i * p + j]) - center;
        }
        qr.Factor(pivot: true);

        ReadOnlySpan<double> rDiagonal = qr.RDiagonal;
        int rank = qr.Rank();

        var target = new double[rows];
        var solution = new double[p];
        for (int o = 0; o < m; o++)
        {
            double center = shift[p + o] + mean[p + o];
            for (int i = 0; i < rows; i++) target[i] = double.CreateTruncating(y[i * m + o]) - center;
            qr.ApplyQTranspose(target);
            Array.Clear(solution);
            for (int k = rank - 1; k >= 0; k--)
            {
                double s = target[k];
                for (int j = k + 1; j < rank; j++) s -= qr.R(k, j) * solution[j];
                solution[k] = s / rDiagonal[k];
            }
            for (int k = 0; k < p; k++) weights[o * p + qr.Permutation[k]] = solution[k];
        }
        return (rank, qr.InverseNormalMatrix(rank));
    }

    private static double[] ResidualSumOfSquares<TIn>(ReadOnlyMemory<TIn> x, int p, ReadOnlyMemory<TIn> y, int m,
        double[] weights, double[] biases) where TIn : unmanaged, INumberBase<TIn>
    {
        int rows = x.Length / p;
        int chunks = RowParallel.Chunks(rows, 4096);
        var partial = new double[chunks * m];
        RowParallel.For(rows, chunks, (chunk, start, end) =>
        {
            ReadOnlySpan<TIn> xs = x.Span, ys = y.Span;
            for (int o = 0; o < m; o++)
            {
                ReadOnlySpan<double> w = weights.AsSpan(o * p, p);
                double sum = 0;
                for (int i = start; i < end; i++)
                {
                    ReadOnlySpan<TIn> row = xs.Slice(i * p, p);
                    double r = double.CreateTruncating(ys[i * m + o]) - biases[o];
                    for (int j = 0; j < p; j++) r -= double.CreateTruncating(row[j]) * w[j];
                    sum += r * r;
                }
                partial[chunk * m + o] = sum;
            }
        });
        var rss = new double[m];
        for (int c = 0; c < chunks; c++)
            for (int o = 0; o < m; o++) rss[o] += partial[c * m + o];
        return rss;
    }

    private static double[] Widened<TIn>(ReadOnlySpan<TIn> values) where TIn : unmanaged, INumberBase<TIn>
    {
        var wide = new double[values.Length];
        for (int i = 0; i < values.Length; i++) wide[i] = double.CreateTruncating(values[i]);
        return wide;
    }
}
