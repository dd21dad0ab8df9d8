using Downhill.Analysis.LinearAlgebra;

namespace Downhill.Analysis;

/// <summary>
/// Nonlinear least squares: minimizes S(θ) = Σ r_i(θ)² by the Levenberg-Marquardt method as
/// designed for MINPACK's lmder (Moré 1978, "The Levenberg-Marquardt algorithm:
/// implementation and theory").
/// </summary>
/// <remarks>
/// <para>
/// Each iteration linearizes r(θ + s) ≈ r + J s and takes the step s minimizing ||r + J s||
/// subject to ||D s|| &lt;= Δ, which is s = -(JᵀJ + λ DᵀD)⁻¹ Jᵀr for the λ &gt;= 0 that
/// makes the step fit the trust region. Far from the minimum Δ is small, λ is large and the
/// step is a short step of gradient descent (-Jᵀr scaled by D⁻²); near the minimum the full
/// Gauss-Newton step fits, λ = 0 and convergence becomes (nearly) quadratic.
/// </para>
/// <para>
/// The parts, each as in the paper: J P = Q R by Householder with column pivoting; λ from a
/// safeguarded Newton iteration on the secular equation ||D s(λ)|| = Δ; D from the column norms
/// of J, each kept at the largest value seen; Δ grown or shrunk by the ratio of the actual to
/// the predicted reduction of S; a step is accepted when that ratio is at least 1e-4.
/// </para>
/// </remarks>
public static class LevenbergMarquardt
{
    /// <summary>Minimizes Σ r_i(θ)² over θ from <paramref name="start"/>, where <paramref name="residuals"/> fills <paramref name="residualCount"/> residuals (and the Jacobian when asked); <paramref name="progress"/> hears each accepted step and <paramref name="cancel"/> stops after the iteration under way.</summary>
    public static LevenbergMarquardtResult Minimize(
        ResidualFunction residuals, int residualCount, ReadOnlySpan<double> start,
        LevenbergMarquardtOptions? options = null, Action<LevenbergMarquardtProgress>? progress = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(residuals);
        LevenbergMarquardtOptions o = options ?? new LevenbergMarquardtOptions();
        o.Validate();
        int p = start.Length;
        int n = residualCount;
        if (p == 0)
            Errors.Argument("start is empty: give one start value per parameter to fit.", nameof(start));
        if (n < p)
            Errors.OutOfRange(nameof(residualCount), n,
                $"at least the number of parameters ({p}); with fewer data points than parameters the fit is not determined, so add data or fix some parameters");
        for (int j = 0; j < p; j++)
            if (!double.IsFinite(start[j]))
                Errors.Argument($"start[{j}] = {start[j]} is not a finite number: start from finite values.", nameof(start));

        return new Solver(residuals, n, p, o, progress, cancel).Run(start);
    }

    /// <summary>The state of one run; the fields carry MINPACK's names where one exists.</summary>
    private sealed class Solver(ResidualFunction function, int n, int p, LevenbergMarquardtOptions options,
        Action<LevenbergMarquardtProgress>? progress, CancellationToken cancel)
    {
        private readonly double[] x = new double[p];
        private readonly double[] fvec = new double[n];
        private readonly double[] jacobian = new double[n * p];
        private readonly double[] scratchResiduals = new double[n];
        private readonly HouseholderQr qr = new(n, p);
        private readonly double[] r = new double[p * p];
        private readonly double[] diag = new double[p];
        private readonly double[] qtf = new double[n];
        private readonly double[] step = new double[p];
        private readonly double[] trial = new double[p];
        private readonly double[] trialResiduals = new double[n];
        private readonly double[] sDiagonal = new double[p];
        private readonly double[] work1 = new double[p];
        private readonly double[] work2 = new double[p];
        private readonly double[] work3 = new double[p];
        private int evaluations;
        private int jacobianEvaluations;

        public LevenbergMarquardtResult Run(ReadOnlySpan<double> start)
        {
            start.CopyTo(x);
            Evaluate(x, fvec);
            double fnorm = VectorNorm.Euclidean(fvec);
            if (!double.IsFinite(fnorm))
                return Finish(fnorm, 0, LeastSquaresStop.NonFiniteResiduals, jacobianAtX: false, evaluateJacobian: false);
            progress?.Invoke(new(0, fnorm * fnorm, (double[])x.Clone(), 0, 0));

            double damping = 0, delta = 0, xnorm = 0;
            int iterations = 0;
            const double eps = Precision.MachineEpsilon;
            while (true)
            {
                // Checked between iterations only, so x is always an accepted point (a progress
                // callback that cancels sees the parameters the result will hold).
                if (cancel.IsCancellationRequested)
                    return Finish(fnorm, iterations, LeastSquaresStop.Cancelled, jacobianAtX: false);

                // Outer iteration: Jacobian at x, its QR, the gradient test, the scaling.
                function(x, scratchResiduals, jacobian);
                jacobianEvaluations++;
                if (!AllFinite(jacobian))
                    return Finish(fnorm, iterations, LeastSquaresStop.NonFiniteJacobian, jacobianAtX: true, evaluateJacobian: false);
                qr.Factor(jacobian, pivot: true);
                ReadOnlySpan<double> columnNorms = qr.ColumnNorms;
                ReadOnlySpan<int> permutation = qr.Permutation;

                if (jacobianEvaluations == 1)
                {
                    for (int j = 0; j < p; j++)
                        diag[j] = options.ScaleParameters && columnNorms[j] != 0 ? columnNorms[j] : 1;
                    xnorm = ScaledNorm(x);
                    delta = options.InitialStepBound * xnorm;
                    if (delta == 0) delta = options.InitialStepBound;
                }

                fvec.CopyTo(qtf, 0);
                qr.ApplyQTranspose(qtf);
                qr.CopyR(r);

                // Largest cosine between r and a column of J, |J_j · r| / (||J_j|| ||r||), with Jᵀr = P Rᵀ Qᵀr.
                double gnorm = 0;
                if (fnorm != 0)
                {
                    for (int j = 0; j < p; j++)
                    {
                        int l = permutation[j];
                        if (columnNorms[l] == 0) continue;
                        double sum = 0;
                        for (int i = 0; i <= j; i++) sum += r[i * p + j] * (qtf[i] / fnorm);
                        gnorm = Math.Max(gnorm, Math.Abs(sum / columnNorms[l]));
                    }
                }
                if (gnorm <= options.GradientTolerance)
                    return Finish(fnorm, iterations, LeastSquaresStop.SmallGradient, jacobianAtX: true);

                if (options.ScaleParameters)
                    for (int j = 0; j < p; j++) diag[j] = Math.Max(diag[j], columnNorms[j]);

                // Inner loop: shrink the trust region until a step is accepted.
                double ratio;
                do
                {
                    damping = TrustRegionStep.FindDamping(r, p, permutation, diag, qtf, delta, damping,
                        step, sDiagonal, work1, work2);
                    for (int j = 0; j < p; j++)
                    {
                        step[j] = -step[j];
                        trial[j] = x[j] + step[j];
                        work3[j] = diag[j] * step[j];
                    }
                    double pnorm = VectorNorm.Euclidean(work3);
                    if (jacobianEvaluations == 1) delta = Math.Min(delta, pnorm);

                    Evaluate(trial, trialResiduals);
                    double fnorm1 = VectorNorm.Euclidean(trialResiduals);
                    // NOTE: a trial point outside the model's domain counts as an infinitely bad step.
                    if (!double.IsFinite(fnorm1)) fnorm1 = double.PositiveInfinity;

                    double actualReduction = 0.1 * fnorm1 < fnorm ? 1 - Square(fnorm1 / fnorm) : -1;

                    // Predicted reduction from the linear model: ||J s||² and λ||D s||², relative to ||r||².
                    for (int j = 0; j < p; j++)
                    {
                        work3[j] = 0;
                        double sj = step[permutation[j]];
                        for (int i = 0; i <= j; i++) work3[i] += r[i * p + j] * sj;
                    }
                    double temp1 = VectorNorm.Euclidean(work3) / fnorm;
                    double temp2 = Math.Sqrt(damping) * pnorm / fnorm;
                    double predictedReduction = temp1 * temp1 + temp2 * temp2 / 0.5;
                    double directionalDerivative = -(temp1 * temp1 + temp2 * temp2);
                    ratio = predictedReduction != 0 ? actualReduction / predictedReduction : 0;
                    double stepDamping = damping;

                    if (ratio <= 0.25)
                    {
                        // Poor agreement: shrink Δ, by the minimizer of a quadratic through the
                        // actual reduction when S increased, but at least tenfold if badly.
                        double shrink = actualReduction >= 0 ? 0.5
                            : 0.5 * directionalDerivative / (directionalDerivative + 0.5 * actualReduction);
                        if (0.1 * fnorm1 >= fnorm || shrink < 0.1) shrink = 0.1;
                        delta = shrink * Math.Min(delta, pnorm / 0.1);
                        damping /= shrink;
                    }
                    else if (damping == 0 || ratio >= 0.75)
                    {
                        delta = pnorm / 0.5;
                        damping *= 0.5;
                    }

                    if (ratio >= 1e-4)
                    {
                        trial.CopyTo(x, 0);
                        trialResiduals.CopyTo(fvec, 0);
                        xnorm = ScaledNorm(x);
                        fnorm = fnorm1;
                        iterations++;
                        progress?.Invoke(new(iterations, fnorm * fnorm, (double[])x.Clone(), stepDamping, delta));
                    }
                    bool atX = ratio < 1e-4;

                    bool smallReduction = Math.Abs(actualReduction) <= options.FunctionTolerance
                        && predictedReduction <= options.FunctionTolerance && 0.5 * ratio <= 1;
                    bool smallStep = delta <= options.StepTolerance * xnorm;
                    if (smallReduction && smallStep) return Finish(fnorm, iterations, LeastSquaresStop.SmallReductionAndStep, atX);
                    if (smallReduction) return Finish(fnorm, iterations, LeastSquaresStop.SmallReduction, atX);
                    if (smallStep) return Finish(fnorm, iterations, LeastSquaresStop.SmallStep, atX);
                    if (evaluations >= options.MaxEvaluations)
                        return Finish(fnorm, iterations, LeastSquaresStop.EvaluationLimit, atX);
                    if ((Math.Abs(actualReduction) <= eps && predictedReduction <= eps && 0.5 * ratio <= 1)
                        || delta <= eps * xnorm || gnorm <= eps)
                        return Finish(fnorm, iterations, LeastSquaresStop.MachinePrecision, atX);
                }
                while (ratio < 1e-4);

                if (jacobianEvaluations >= options.MaxIterations)
                    return Finish(fnorm, iterations, LeastSquaresStop.IterationLimit, jacobianAtX: false);
            }
        }

        private void Evaluate(ReadOnlySpan<double> parameters, Span<double> residuals)
        {
            function(parameters, residuals, Span<double>.Empty);
            evaluations++;
        }

        private double ScaledNorm(ReadOnlySpan<double> v)
        {
            for (int j = 0; j < p; j++) work3[j] = diag[j] * v[j];
            return VectorNorm.Euclidean(work3);
        }

        /// <summary>Packs the result; the Jacobian is re-evaluated when the last one was not at x.</summary>
        private LevenbergMarquardtResult Finish(double fnorm, int iterations, LeastSquaresStop stop,
            bool jacobianAtX, bool evaluateJacobian = true)
        {
            double[] finalJacobian = [];
            if (evaluateJacobian)
            {
                if (!jacobianAtX)
                {
                    function(x, scratchResiduals, jacobian);
                    jacobianEvaluations++;
                }
                finalJacobian = (double[])jacobian.Clone();
            }
            return new LevenbergMarquardtResult((double[])x.Clone(), (double[])fvec.Clone(), finalJacobian,
                fnorm * fnorm, iterations, evaluations, jacobianEvaluations, stop);
        }

        private static bool AllFinite(ReadOnlySpan<double> values)
        {
            foreach (double v in values)
                if (!double.IsFinite(v)) return false;
            return true;
        }

        private static double Square(double v) => v * v;
    }
}
