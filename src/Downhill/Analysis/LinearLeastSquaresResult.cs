namespace Downhill.Analysis;

/// <summary>How <see cref="LinearLeastSquares"/> solved the problem.</summary>
public enum LinearSolver
{
    /// <summary>Cholesky on the centered, column-scaled normal equations XᵀX w = Xᵀy: one pass over the data.</summary>
    NormalEquations,
    /// <summary>Householder QR with column pivoting on the centered data: slower, but loses half as many digits.</summary>
    HouseholderQr,
}

/// <summary>The outcome of <c>LinearLeastSquares.Fit</c> (float or double): y ≈ W x + b for each output.</summary>
public sealed class LinearLeastSquaresResult
{
    internal LinearLeastSquaresResult(int rows, int features, int outputs, double[] weights, double[] biases,
        double[] residualSumOfSquares, double conditionNumber, int rank, LinearSolver solver,
        int degreesOfFreedom, double[] standardErrors, double[] biasStandardErrors)
    {
        DegreesOfFreedom = degreesOfFreedom;
        StandardErrors = standardErrors;
        BiasStandardErrors = biasStandardErrors;
        Rows = rows;
        Features = features;
        Outputs = outputs;
        Weights = weights;
        Biases = biases;
        ResidualSumOfSquares = residualSumOfSquares;
        ConditionNumber = conditionNumber;
        Rank = rank;
        Solver = solver;
    }

    /// <summary>Condition numbers above this switch the solver to QR and set <see cref="IllConditioned"/>.</summary>
    public const double IllConditionedAbove = 1e10;

    /// <summary>Data rows the fit used.</summary>
    public int Rows { get; }
    /// <summary>Input columns: the width of each row of x.</summary>
    public int Features { get; }
    /// <summary>Target columns: one set of weights and an intercept each.</summary>
    public int Outputs { get; }

    /// <summary>[Outputs, Features] row-major: Weights[o * Features + j] multiplies feature j for output o.</summary>
    public double[] Weights { get; }

    /// <summary>One intercept per output; zeros when fitted without an intercept.</summary>
    public double[] Biases { get; }

    /// <summary>Σ (y - ŷ)² per output, computed from the residuals themselves.</summary>
    public double[] ResidualSumOfSquares { get; }

    /// <summary>
    /// 2-norm condition number of XᵀX after centering (with an intercept) and scaling every
    /// column to unit length, so units and offsets do not count, only near-collinearity.
    /// Solving the normal equations loses about log10 of it of the 16 digits of a double.
    /// Infinite when some feature is constant or an exact combination of others.
    /// </summary>
    public double ConditionNumber { get; }

    /// <summary>True when <see cref="ConditionNumber"/> exceeds <see cref="IllConditionedAbove"/>: the weights are unreliable in their trailing digits, and collinear features may trade weight freely.</summary>
    public bool IllConditioned => !(ConditionNumber <= IllConditionedAbove);

    /// <summary>Numerical rank of the (centered) features; below <see cref="Features"/> some weights were set to 0 because the data cannot tell them apart.</summary>
    public int Rank { get; }

    /// <summary>How the weights were solved: normal equations (Cholesky), or QR when the features are ill-conditioned.</summary>
    public LinearSolver Solver { get; }

    /// <summary>Rows minus fitted unknowns (features, plus one for the intercept).</summary>
    public int DegreesOfFreedom { get; }

    /// <summary>
    /// [Outputs, Features]: the textbook OLS standard error of each weight, σ sqrt((XᵀX)⁻¹ⱼⱼ) with
    /// X centered when there is an intercept and σ² = RSS / <see cref="DegreesOfFreedom"/>. NaN for
    /// weights the data do not determine (see <see cref="Rank"/>) and when no degree of freedom is left.
    /// </summary>
    public double[] StandardErrors { get; }

    /// <summary>How many features were constant: they add nothing beside the intercept and get weight 0.</summary>
    public int ConstantFeatures { get; init; }

    /// <summary>Standard error of each intercept, σ sqrt(1/n + x̄ᵀ (XᵀX)⁻¹ x̄); 0 when fitted without one.</summary>
    public double[] BiasStandardErrors { get; }

    /// <summary>The weight that multiplies <paramref name="feature"/> for <paramref name="output"/>.</summary>
    public double Weight(int output, int feature) => Weights[output * Features + feature];

    /// <summary>ŷ = W x + b for each row of x (rows x Features, row-major) into y (rows x Outputs).</summary>
    public void Predict(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length % Features != 0)
            Errors.Shape($"x has {x.Length} values, not a whole number of rows of {Features} features: pass rows x {Features} values, row-major");
        int rows = x.Length / Features;
        if (y.Length != rows * Outputs)
            Errors.Shape($"y has {y.Length} values but {rows} rows x {Outputs} outputs need {rows * Outputs}");
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = x.Slice(i * Features, Features);
            for (int o = 0; o < Outputs; o++)
                y[i * Outputs + o] = Biases[o] + System.Numerics.Tensors.TensorPrimitives.Dot(row, Weights.AsSpan(o * Features, Features));
        }
    }
}
