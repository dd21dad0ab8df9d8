using BenchmarkDotNet.Attributes;
using Downhill.Analysis;

namespace Downhill.Bench;

/// <summary>
/// The closed-form fit on 1,000,000 rows x 20 features (scikit-learn's LinearRegression needs
/// about 1 s for this), and Levenberg-Marquardt on a 3-parameter curve over 10,000 points.
/// Results are recorded in bench/README.lm.md.
/// </summary>
[MemoryDiagnoser]
public class LeastSquaresBenchmarks
{
    private const int Features = 20;
    private const int CurvePoints = 10_000;

    private double[] x = [];
    private double[] y = [];
    private double[] curveX = [];
    private double[] curveY = [];

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        x = new double[Rows * Features];
        y = new double[Rows];
        for (int i = 0; i < Rows; i++)
        {
            double v = 3;
            for (int j = 0; j < Features; j++)
            {
                x[i * Features + j] = random.NextDouble();
                v += (j + 1) * x[i * Features + j];
            }
            y[i] = v + random.NextDouble() - 0.5;
        }

        curveX = new double[CurvePoints];
        curveY = new double[CurvePoints];
        for (int i = 0; i < CurvePoints; i++)
        {
            curveX[i] = 5.0 * i / CurvePoints;
            curveY[i] = 2.5 * Math.Exp(-0.8 * curveX[i]) + 1.5 + 0.01 * (random.NextDouble() - 0.5);
        }
    }

    [Benchmark]
    public LinearLeastSquaresResult LinearFit() => LinearLeastSquares.Fit(x, Features, y);

    [Benchmark]
    public LevenbergMarquardtResult ExponentialCurveFit() =>
        LevenbergMarquardt.Minimize(ExponentialResiduals, CurvePoints, [1, -0.1, 0]);

    /// <summary>r = a*exp(b*x) + c - y with its hand-written Jacobian.</summary>
    private void ExponentialResiduals(ReadOnlySpan<double> t, Span<double> r, Span<double> jacobian)
    {
        for (int i = 0; i < curveX.Length; i++)
        {
            double e = Math.Exp(t[1] * curveX[i]);
            r[i] = t[0] * e + t[2] - curveY[i];
            if (jacobian.IsEmpty) continue;
            jacobian[3 * i] = e;
            jacobian[3 * i + 1] = t[0] * curveX[i] * e;
            jacobian[3 * i + 2] = 1;
        }
    }
}
