using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Nn;

/// <summary>
/// A fully connected layer y = act(x W + b) with W stored [inputs, outputs] (so the forward
/// pass is a plain row-major product) and one bias per output: outputs * (inputs + 1)
/// parameters. Forward records ONE fused node on the tape: matmul, bias and activation
/// forward, and in backward dZ = g * act'(y), dW = x^T dZ, db = column sums of dZ,
/// dx = dZ W^T, each a single GEMM or vector pass instead of four recorded ops.
/// </summary>
public sealed class Dense<T> : Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A layer from <paramref name="inputs"/> to <paramref name="outputs"/> with weights drawn from <paramref name="rng"/> (He for relu, Xavier otherwise) and zero biases.</summary>
    public Dense(int inputs, int outputs, Activation activation, Random rng, string weightName = "weight", string biasName = "bias")
    {
        if (inputs < 1) Errors.OutOfRange(nameof(inputs), inputs, "at least 1 input");
        if (outputs < 1) Errors.OutOfRange(nameof(outputs), outputs, "at least 1 output");
        Inputs = inputs;
        Outputs = outputs;
        Activation = activation;
        Weight = Initializers.For<T>(activation, inputs, outputs, rng);
        Weight.Name = weightName;
        Weight.RequiresGrad = true;
        Bias = NDArray<T>.Zeros(outputs);
        Bias.Name = biasName;
        Bias.RequiresGrad = true;
    }

    /// <summary>Features in each input row.</summary>
    public int Inputs { get; }
    /// <summary>Values in each output row: the units of the layer.</summary>
    public int Outputs { get; }
    /// <summary>The non-linearity applied after x W + b.</summary>
    public Activation Activation { get; }
    /// <summary>W, [inputs, outputs], trained.</summary>
    public NDArray<T> Weight { get; }
    /// <summary>b, one per output, trained.</summary>
    public NDArray<T> Bias { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<NDArray<T>> Parameters => [Weight, Bias];

    /// <inheritdoc/>
    public override NDArray<T> Forward(NDArray<T> x, bool training) => Forward(x);

    /// <summary>act(x W + b) for <paramref name="x"/> of shape [rows, inputs], recorded on the tape as one node.</summary>
    public NDArray<T> Forward(NDArray<T> x)
    {
        if (x.Rank != 2 || x.Shape[1] != Inputs)
            Errors.Shape($"Dense: input {x.Shape} does not fit layer {Weight.Name} [{Inputs},{Outputs}] (expected [rows,{Inputs}]).");
        int n = x.Shape[0];
        var w = Weight; var b = Bias; var act = Activation;
        var y = NDArray<T>.Zeros(n, Outputs);
        var yb = y.Data;
        for (int i = 0; i < n; i++) b.Data.CopyTo(yb.Slice(i * Outputs, Outputs));
        Gemm.Multiply<T>(x.Data, w.Data, yb, n, Inputs, Outputs, false, false, accumulate: true);
        ApplyActivation(act, yb);
        return NDArray<T>.Record(y, "Dense", g =>
        {
            var dz = new T[g.Size];
            ActivationGradient(act, g.Data, y.Data, dz);
            if (w.NeedsGrad)
            {
                var gw = NDArray<T>.Zeros(Inputs, Outputs);
                Gemm.Multiply<T>(x.Data, dz, gw.Data, Inputs, n, Outputs, true, false, false);
                w.AccumulateGrad(gw);
            }
            if (b.NeedsGrad)
            {
                var gb = NDArray<T>.Zeros(Outputs);
                for (int i = 0; i < n; i++) TP.Add<T>(gb.Data, dz.AsSpan(i * Outputs, Outputs), gb.Data);
                b.AccumulateGrad(gb);
            }
            if (x.NeedsGrad)
            {
                var gx = NDArray<T>.Zeros(n, Inputs);
                Gemm.Multiply<T>(dz, w.Data, gx.Data, n, Outputs, Inputs, false, true, false);
                x.AccumulateGrad(gx);
            }
        }, x, w, b);
    }

    /// <summary>y = act(y) in place: the activation's forward from the tape's op table (NDArray.Unary.cs).</summary>
    internal static void ApplyActivation(Activation act, Span<T> y)
    {
        switch (act)
        {
            case Activation.Relu: ReluOp<T>.Forward(y, y); break;
            case Activation.Sigmoid: SigmoidOp<T>.Forward(y, y); break;
            case Activation.Tanh: TanhOp<T>.Forward(y, y); break;
        }
    }

    /// <summary>
    /// dz = act'(z)·g through the output y, by the tape's rules (NDArray.Unary.cs) in one vector
    /// pass. For relu the pass is a select: a branch per element on the sign of each output,
    /// which ReLU layers make unpredictable, costs many times the vector select (figures in
    /// bench/README.md, "Measured gains").
    /// </summary>
    internal static void ActivationGradient(Activation act, ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dz)
    {
        switch (act)
        {
            case Activation.Identity: g.CopyTo(dz); break;
            case Activation.Relu: ActivationBackward<T>.Run<ReluOp<T>>(y, g, dz); break;
            case Activation.Sigmoid: ActivationBackward<T>.Run<SigmoidOp<T>>(y, g, dz); break;
            case Activation.Tanh: ActivationBackward<T>.Run<TanhOp<T>>(y, g, dz); break;
        }
    }
}
