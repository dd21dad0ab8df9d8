using CsCheck;
using Downhill;

namespace Downhill.Tests.Autodiff;

/// <summary>Every op's Backward() against central finite differences on random shapes (fixed seeds).</summary>
public class OpGradientTests
{
    // Central differences in double with h = 1e-6 are accurate to ~1e-9; 1e-6 leaves room for
    // ill-conditioned random draws while still catching any wrong derivative rule (those are off by O(1)).
    private const double Tolerance = 1e-6;

    private static readonly Gen<int[]> ShapeGen = Gen.Int[0, 4].SelectMany(rank => Gen.Int[1, 4].Array[rank]);

    /// <summary>A shape that broadcasts to <paramref name="full"/>: leading axes dropped, some sizes set to 1.</summary>
    private static Gen<int[]> BroadcastableTo(int[] full) =>
        Gen.Int[0, full.Length].SelectMany(drop => Gen.Bool.Array[full.Length - drop].Select(ones =>
            full.Skip(drop).Select((d, i) => ones[i] ? 1 : d).ToArray()));

    private static NDArray<double> Random(Random rng, int[] shape, double low, double high)
    {
        var t = NDArray<double>.Uniform(rng, low, high, shape);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Checks d/dx sum(w * f(x...)) for random weights w, so every output element matters differently.</summary>
    private static void Check(Func<NDArray<double>[], NDArray<double>> f, NDArray<double>[] inputs, Random rng)
    {
        NDArray<double> weights;
        using (Autograd.NoGrad()) weights = NDArray<double>.Uniform(rng, -1, 1, f(inputs).Shape.ToArray());
        var report = GradCheck.Run(() => (f(inputs) * weights).Sum(), inputs);
        Assert.True(report.Passes(Tolerance),
            string.Join("; ", report.Parameters.Select(p => $"{p.Name}: rel {p.WorstRelativeError:E2} at [{string.Join(",", p.WorstPosition)}] analytic {p.Analytic} numeric {p.Numeric}")));
    }

    public static TheoryData<string> UnaryOps => new()
    {
        "Neg", "Exp", "Log", "Log10", "Sqrt", "Abs", "Sin", "Cos", "Tan", "Atan", "Asin", "Acos", "Sinh", "Cosh",
        "Tanh", "Sigmoid", "Relu", "Softplus", "PowScalar", "PowScalarNegative", "Sum", "Mean", "Max",
        "SumAxis", "MeanAxisKeep", "MaxAxis", "Softmax", "LogSoftmax", "Reshape", "Transpose",
    };

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void UnaryOpMatchesFiniteDifferences(string op)
    {
        // Domains keep each op away from its kinks and poles (|x| >= 0.1 for abs/relu, (0.3,2) for log/sqrt).
        (double low, double high) = op switch
        {
            "Log" or "Log10" or "Sqrt" or "PowScalar" or "PowScalarNegative" => (0.3, 2.0),
            "Asin" or "Acos" => (-0.8, 0.8),
            "Tan" => (-1.2, 1.2),
            _ => (-2.0, 2.0),
        };
        Func<NDArray<double>, NDArray<double>> f = op switch
        {
            "Neg" => x => -x, "Exp" => x => x.Exp(), "Log" => x => x.Log(), "Log10" => x => x.Log10(),
            "Sqrt" => x => x.Sqrt(), "Abs" => x => x.Abs(), "Sin" => x => x.Sin(), "Cos" => x => x.Cos(),
            "Tan" => x => x.Tan(), "Atan" => x => x.Atan(), "Asin" => x => x.Asin(), "Acos" => x => x.Acos(),
            "Sinh" => x => x.Sinh(), "Cosh" => x => x.Cosh(), "Tanh" => x => x.Tanh(), "Sigmoid" => x => x.Sigmoid(),
            "Relu" => x => x.Relu(), "Softplus" => x => x.Softplus(), "PowScalar" => x => x.Pow(2.5),
            "PowScalarNegative" => x => x.Pow(-1.5), "Sum" => x => x.Sum(), "Mean" => x => x.Mean(), "Max" => x => x.Max(),
            "SumAxis" => x => x.Rank == 0 ? x : x.Sum(-1), "MeanAxisKeep" => x => x.Rank == 0 ? x : x.Mean(0, keepDim: true),
            "MaxAxis" => x => x.Rank == 0 ? x : x.Max(0), "Softmax" => x => x.Rank == 0 ? x : x.Softmax(),
            "LogSoftmax" => x => x.Rank == 0 ? x : x.LogSoftmax(), "Reshape" => x => x.Reshape(-1),
            "Transpose" => x => x.Rank < 2 ? x : x.Transpose(0, x.Rank - 1),
            _ => throw new ArgumentException(op),
        };
        ShapeGen.Select(Gen.Int).Sample(t =>
        {
            var (shape, seed) = t;
            var rng = new Random(seed);
            var x = Random(rng, shape, low, high);
            if (op is "Abs" or "Relu")
                for (int i = 0; i < x.Size; i++) if (Math.Abs(x.Data[i]) < 0.1) x.Data[i] += 0.2;
            Check(xs => f(xs[0]), [x], rng);
        }, iter: 40, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    public static TheoryData<string> BinaryOps => new() { "Add", "Sub", "Mul", "Div", "Pow", "Minimum", "Maximum" };

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryOpMatchesFiniteDifferencesWithBroadcasting(string op)
    {
        Func<NDArray<double>, NDArray<double>, NDArray<double>> f = op switch
        {
            "Add" => (a, b) => a + b, "Sub" => (a, b) => a - b, "Mul" => (a, b) => a * b, "Div" => (a, b) => a / b,
            "Pow" => (a, b) => a.Pow(b), "Minimum" => NDArray<double>.Minimum, "Maximum" => NDArray<double>.Maximum,
            _ => throw new ArgumentException(op),
        };
        ShapeGen.SelectMany(full => BroadcastableTo(full).Select(small => (full, small))).Select(Gen.Bool, Gen.Int).Sample(t =>
        {
            var ((full, small), swap, seed) = t;
            var rng = new Random(seed);
            var a = Random(rng, swap ? small : full, 0.5, 2.0);
            var b = Random(rng, swap ? full : small, 0.5, 2.0);
            Check(xs => f(xs[0], xs[1]), [a, b], rng);
        }, iter: 40, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void MatMulMatchesFiniteDifferences()
    {
        Gen.Int[1, 6].Array[4].Select(Gen.Int).Sample(t =>
        {
            var (d, seed) = t;
            var rng = new Random(seed);
            var a = Random(rng, [d[0], d[1]], -1, 1);
            var b = Random(rng, [d[1], d[2]], -1, 1);
            Check(xs => xs[0].MatMul(xs[1]), [a, b], rng);
            var batchedA = Random(rng, [d[3], d[0], d[1]], -1, 1);
            var batchedB = Random(rng, [d[3], d[1], d[2]], -1, 1);
            Check(xs => xs[0].MatMul(xs[1]), [batchedA, batchedB], rng);
            Check(xs => xs[0].MatMul(xs[1]), [batchedA, b], rng);
        }, iter: 30, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void StructuralOpsMatchFiniteDifferences()
    {
        var rng = new Random(7);
        var x = Random(rng, [5, 3], -1, 1);
        var y = Random(rng, [2, 3], -1, 1);
        Check(xs => xs[0].SliceRows(1, 3), [x], rng);
        Check(xs => xs[0].IndexRows([4, 0, 0, 2]), [x], rng);
        Check(xs => xs[0].PickPerRow([0, 2, 1, 1, 0]), [x], rng);
        Check(xs => NDArray<double>.Concat([xs[0], xs[1]], 0), [x, y], rng);
        var z = Random(rng, [5, 2], -1, 1);
        Check(xs => NDArray<double>.Concat([xs[0], xs[1]], 1), [x, z], rng);
        var r4 = Random(rng, [2, 3, 2, 2], -1, 1);
        Check(xs => xs[0].Transpose(1, 3), [r4], rng);
        Check(xs => xs[0].Sum(2, keepDim: true), [r4], rng);
        Check(xs => xs[0].Max(1), [r4], rng);
    }

    [Fact]
    public void SoftmaxCrossEntropyMatchesFiniteDifferences()
    {
        var rng = new Random(3);
        var logits = Random(rng, [6, 4], -3, 3);
        int[] labels = [0, 3, 2, 1, 1, 0];
        var report = GradCheck.Run(() => logits.SoftmaxCrossEntropy(labels), [logits]);
        Assert.True(report.Passes(Tolerance), $"worst {report.WorstRelativeError}");
    }
}
