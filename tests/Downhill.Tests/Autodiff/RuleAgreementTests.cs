using Downhill.Formulas;
using Downhill.Nn;

namespace Downhill.Tests.Autodiff;

/// <summary>
/// Every derivative rule is written once (NDArray.Unary.cs, Selection in NDArray.Elementwise.cs);
/// the tape, the compiled formula gradient and the fused dense layer must therefore give the
/// same bits from the same input. Any NaN counts as equal to any NaN (its sign bit is not part of
/// the rule); zeros must agree in sign.
/// </summary>
public class RuleAgreementTests
{
    private static readonly double[] Inputs =
    [
        double.NaN, 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, -double.Epsilon,
        1e-300, -1e-300, 0.5, -0.5, 1, -1, 3.25, -3.25, 20, -20, 40, -40, 800, -800, 1e-9, -1e-9,
    ];

    private static readonly double[] Upstreams = [1.5, -0.75, 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN];

    public static TheoryData<Activation> Activations => new() { Activation.Relu, Activation.Sigmoid, Activation.Tanh };

    [Theory]
    [MemberData(nameof(Activations))]
    public void Tape_compiled_formula_and_fused_layer_agree_to_the_bit(Activation activation)
    {
        string name = activation.Name();
        var compiled = Formula.Parse($"y = {name}(a)").Right.CompileGradient(["a"], []);
        var ys = new List<double>();
        var gs = new List<double>();
        var dxs = new List<double>();
        foreach (double x in Inputs)
            foreach (double g in Upstreams)
            {
                string where = $"{name} at x = {x:R}, g = {g:R}";
                var (tapeY, tapeDx) = Tape(activation, x, g);

                var value = new double[1];
                compiled.Values([x], [], 1, value);
                var gradient = new double[1];
                compiled.Gradient([x], [], 1, [g], gradient);

                double[] fusedY = [x];
                Dense<double>.ApplyActivation(activation, fusedY);
                var fusedDx = new double[1];
                Dense<double>.ActivationGradient(activation, [g], fusedY, fusedDx);

                AssertSameBits(tapeY, value[0], $"compiled value of {where}");
                AssertSameBits(tapeY, fusedY[0], $"fused value of {where}");
                AssertSameBits(tapeDx, gradient[0], $"compiled gradient of {where}");
                AssertSameBits(tapeDx, fusedDx[0], $"fused gradient of {where}");
                ys.Add(tapeY);
                gs.Add(g);
                dxs.Add(tapeDx);
            }

        // The fused layer's vector lanes over the whole sweep at once: the one-value rule's bits.
        var lanes = new double[dxs.Count];
        Dense<double>.ActivationGradient(activation, gs.ToArray(), ys.ToArray(), lanes);
        for (int i = 0; i < lanes.Length; i++) AssertSameBits(dxs[i], lanes[i], $"{name}' in vector lanes at y = {ys[i]:R}, g = {gs[i]:R}");
    }

    /// <summary>Drifted before: FormulaFunctions.Relu was x &gt; 0 ? x : 0, so compiled predictions and folded constants turned NaN into 0 where the tape kept it.</summary>
    [Fact]
    public void Relu_of_NaN_is_NaN_on_every_path()
    {
        var tree = Formula.Parse("y = relu(a)").Right;
        Assert.True(double.IsNaN(Tape(Activation.Relu, double.NaN, 1).Value));
        Assert.True(double.IsNaN(tree.Compile(["a"])([double.NaN])));
        var rows = new double[1];
        tree.CompileRows(["a"], [])([double.NaN], [], rows);
        Assert.True(double.IsNaN(rows[0]));
        Assert.True(double.IsNaN(FormulaFunctions.Apply(FormulaFunction.Relu, double.NaN)));
        Assert.True(double.IsNaN(Formula.Parse("y = relu(0/0) + a").Right.Compile(["a"])([1.0]))); // folded constant
    }

    /// <summary>
    /// Drifted before: the tape's relu backward was g·[x &gt; 0], so an infinite g below 0 gave
    /// inf·0 = NaN and a negative g gave -0, where the fused layer's select gave +0.
    /// </summary>
    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(-0.75)]
    public void Relu_passes_no_gradient_below_zero_even_an_infinite_or_negative_one(double g)
    {
        Assert.Equal(0L, BitConverter.DoubleToInt64Bits(Tape(Activation.Relu, -2, g).Gradient));
        var compiled = Formula.Parse("y = relu(a)").Right.CompileGradient(["a"], []);
        var gradient = new double[1];
        compiled.Gradient([-2.0], [], 1, [g], gradient);
        Assert.Equal(0L, BitConverter.DoubleToInt64Bits(gradient[0]));
    }

    /// <summary>
    /// Drifted before: min(+0, -0) is -0 (IEEE 754-2019, TensorPrimitives.Min, Math.Min), but
    /// expression trees calling Math.Min with a constant -0 got +0, so 1/min(0*x, -0) was +inf in
    /// compiled code and -inf on the tape.
    /// </summary>
    [Theory]
    [InlineData("y = 1/min(0*x, -0)", double.NegativeInfinity)]
    [InlineData("y = 1/min(-0, 0*x)", double.NegativeInfinity)]
    [InlineData("y = 1/min(a*x, -0)", double.NegativeInfinity)]
    [InlineData("y = 1/max(0*x, -0)", double.PositiveInfinity)]
    [InlineData("y = 1/max(-0, a*x)", double.PositiveInfinity)]
    public void Min_and_max_of_signed_zeros_agree_on_every_path(string text, double expected)
    {
        var tree = Formula.Parse(text).Right;
        const double a = 0, x = 1;
        var tape = TensorEvaluator<double>.Run(tree, n => n == "a" ? NDArray<double>.Scalar(a) : NDArray<double>.FromArray([x]), text);
        Assert.Equal(expected, tape.Data[0]);
        var values = new double[1];
        tree.CompileGradient(["a"], ["x"]).Values([a], [[x]], 1, values);
        Assert.Equal(expected, values[0]);
        tree.CompileRows(["a"], ["x"])([a], [[x]], values);
        Assert.Equal(expected, values[0]);
        Assert.Equal(expected, tree.Compile(["a", "x"])([a, x]));
    }

    /// <summary>A tie between the operands of min: each gets half of g on the tape and in compiled code, +0 against -0 included.</summary>
    [Fact]
    public void A_tie_in_min_shares_the_gradient_on_every_path()
    {
        foreach (var (a, b) in new[] { (1.0, 1.0), (0.0, -0.0), (-0.0, 0.0) }) TieOf(a, b);
    }

    private static void TieOf(double a, double b)
    {
        var pa = NDArray<double>.FromArray([a]); pa.RequiresGrad = true;
        var pb = NDArray<double>.FromArray([b]); pb.RequiresGrad = true;
        (NDArray<double>.Minimum(pa, pb) * 3.0).Sum().Backward();
        var compiled = Formula.Parse("y = min(a, b)").Right.CompileGradient(["a", "b"], []);
        var gradient = new double[2];
        compiled.Gradient([a, b], [], 1, [3.0], gradient);
        Assert.Equal([1.5, 1.5], [pa.Grad!.Data[0], pb.Grad!.Data[0]]);
        Assert.Equal([1.5, 1.5], gradient);
    }

    /// <summary>The written-out min and max against Math's (called from C#, where the JIT keeps IEEE 754-2019 semantics) on every pair of the sweep.</summary>
    [Fact]
    public void Selection_is_ieee_minimum_and_maximum()
    {
        foreach (double a in Inputs)
            foreach (double b in Inputs)
            {
                AssertSameBits(Math.Min(a, b), Selection<double>.Min(a, b), $"min({a:R}, {b:R})");
                AssertSameBits(Math.Max(a, b), Selection<double>.Max(a, b), $"max({a:R}, {b:R})");
            }
    }

    /// <summary>log10's rule writes ln 10 as a literal so that compiled code folds it: the literal is Log(10) to the bit in both precisions.</summary>
    [Fact]
    public void The_ln10_literal_is_the_logarithm_of_ten()
    {
        Assert.Equal(1 / Math.Log(10), Log10Op<double>.Backward(1, 1, 1));
        Assert.Equal(1 / MathF.Log(10f), Log10Op<float>.Backward(1, 1, 1));
    }

    /// <summary>The activation on the tape for one value x, and dL/dx for dL/dy = g.</summary>
    private static (double Value, double Gradient) Tape(Activation activation, double x, double g)
    {
        var p = NDArray<double>.FromArray([x]);
        p.RequiresGrad = true;
        var y = activation switch
        {
            Activation.Relu => p.Relu(),
            Activation.Sigmoid => p.Sigmoid(),
            Activation.Tanh => p.Tanh(),
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        };
        var loss = (y * NDArray<double>.FromArray([g])).Sum();
        // Backward refuses a NaN or infinite loss; no backward closure reads the loss's own value.
        loss.Data[0] = 0;
        loss.Backward();
        return (y.Data[0], p.Grad!.Data[0]);
    }

    /// <summary>
    /// The power rule (PowRule) on the tape and in compiled code: a^b with both operands
    /// parameters, and a^c for the constant exponents the tape special-cases (0, 2) and others,
    /// at bases where ln a is -inf or NaN (the zero limit) and where the derivative overflows.
    /// (Backward refuses a result that is not finite, so those points are left out.)
    /// </summary>
    [Fact]
    public void Powers_agree_to_the_bit_on_the_tape_and_in_compiled_code()
    {
        double[] bases = [0.0, -0.0, 0.5, 2, -2, 3.25, 1e-300, 1e200];
        double[] exponents = [0, 1, 2, 3, 0.5, -1.5, -1];
        var both = Formula.Parse("y = a^b").Right.CompileGradient(["a", "b"], []);
        foreach (double a in bases)
            foreach (double b in exponents)
                foreach (double g in new[] { 1.5, -0.75 })
                {
                    if (!double.IsFinite(Math.Pow(a, b))) continue;
                    string where = $"a = {a:R}, b = {b:R}, g = {g:R}";
                    var pa = NDArray<double>.FromArray([a]); pa.RequiresGrad = true;
                    var pb = NDArray<double>.FromArray([b]); pb.RequiresGrad = true;
                    (pa.Pow(pb) * g).Sum().Backward();
                    var gradient = new double[2];
                    both.Gradient([a, b], [], 1, [g], gradient);
                    AssertSameBits(pa.Grad!.Data[0], gradient[0], $"d(a^b)/da at {where}");
                    AssertSameBits(pb.Grad!.Data[0], gradient[1], $"d(a^b)/db at {where}");

                    var pc = NDArray<double>.FromArray([a]); pc.RequiresGrad = true;
                    (pc.Pow(b) * g).Sum().Backward();
                    var constant = Formula.Parse($"y = a^{b.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}").Right.CompileGradient(["a"], []);
                    var dc = new double[1];
                    constant.Gradient([a], [], 1, [g], dc);
                    AssertSameBits(pc.Grad?.Data[0] ?? 0.0, dc[0], $"d(a^c)/da at {where}");
                }
    }

    private static void AssertSameBits(double expected, double actual, string what) =>
        Assert.True((double.IsNaN(expected) && double.IsNaN(actual)) || BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual),
            $"{what}: expected {expected:R}, got {actual:R}");
}
