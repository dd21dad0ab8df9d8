using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using Downhill.Nn;

namespace Downhill.Models;

/// <summary>
/// Dense layers in sequence: <c>linear</c> (one layer, any number of inputs and outputs),
/// <c>logistic</c> (one layer, one logit), <c>softmax</c> (one layer, one score per class) and
/// <c>mlp:H1,H2,...</c> (hidden layers with an activation, then a linear output layer).
/// </summary>
public sealed class Network<T> : Model<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Dense<T>[] layers;
    private readonly NDArray<T>[] parameters;

    /// <summary>A linear, logistic, softmax or mlp network from <paramref name="inputs"/> to <paramref name="outputs"/> with <paramref name="hidden"/> layer sizes (mlp only), starting weights drawn from <paramref name="seed"/>. Refused when training it would need more than <see cref="MaxTrainingBytes"/>.</summary>
    public Network(ModelKind kind, int inputs, int outputs, IReadOnlyList<int> hidden, Activation activation, int seed)
    {
        if (kind == ModelKind.Formula) Errors.Argument("Network: a formula model is a FormulaModel, not a network.");
        if (kind != ModelKind.Mlp && hidden.Count > 0) Errors.Argument($"Network: a {kind.ToString().ToLowerInvariant()} model has no hidden layers; use mlp:{string.Join(",", hidden)}.");
        foreach (var h in hidden)
            if (h < 1) Errors.Argument($"Network: hidden layer size {h} is invalid; every layer needs at least 1 neuron (e.g. mlp:16,16).");
        CheckMemory(kind, inputs, outputs, hidden);
        Kind = kind;
        Activation = activation;
        Hidden = hidden.ToArray();
        var rng = new Random(seed);
        var list = new List<Dense<T>>();
        int fanIn = inputs;
        for (int i = 0; i < Hidden.Length; i++)
        {
            list.Add(new Dense<T>(fanIn, Hidden[i], activation, rng, $"dense{i + 1}.weight", $"dense{i + 1}.bias"));
            fanIn = Hidden[i];
        }
        bool single = Hidden.Length == 0;
        list.Add(new Dense<T>(fanIn, outputs, Nn.Activation.Identity, rng,
            single ? "weight" : $"dense{Hidden.Length + 1}.weight", single ? "bias" : $"dense{Hidden.Length + 1}.bias"));
        layers = list.ToArray();
        parameters = layers.SelectMany(l => new[] { l.Weight, l.Bias }).ToArray();
    }

    /// <summary>
    /// The most memory a network may need to train (<see cref="TrainingCopies"/> copies of its
    /// parameters), refused up front: <c>mlp:40000,40000</c> is one typo away from
    /// <c>mlp:400,400</c> and needs about 24 GB, enough for the system to kill the process. 4 GiB is
    /// 1,000 times a large model for this CPU library (784-1024-1024-10 on Fashion-MNIST: 1.9M
    /// parameters, 30 MB in float32), holds 134M float64 parameters, whose every epoch would
    /// take hours here, and leaves room beside the data on an 8 GB laptop.
    /// </summary>
    public const long MaxTrainingBytes = 4L << 30;

    /// <summary>Copies of the parameters training holds: the values, their gradients and Adam's two moment buffers (the default optimizer).</summary>
    public const int TrainingCopies = 4;

    private static void CheckMemory(ModelKind kind, int inputs, int outputs, IReadOnlyList<int> hidden)
    {
        // In double: the count of an absurd network overflows a long, and the limit needs no exact figure.
        double count = 0;
        int fanIn = inputs;
        foreach (var h in hidden.Append(outputs))
        {
            count += ((double)fanIn + 1) * h;
            fanIn = h;
        }
        int size = Unsafe.SizeOf<T>();
        double bytes = count * size * TrainingCopies;
        if (bytes <= MaxTrainingBytes) return;
        string name = kind == ModelKind.Mlp ? "mlp:" + string.Join(",", hidden) : kind.ToString().ToLowerInvariant();
        Errors.Argument($"Network: {name} on {inputs} input{(inputs == 1 ? "" : "s")} and {outputs} output{(outputs == 1 ? "" : "s")} has {count.ToString("N0", CultureInfo.InvariantCulture)} parameters; " +
            $"training it needs about {(bytes / 1e9).ToString("N1", CultureInfo.InvariantCulture)} GB ({size} bytes per parameter in {(size == 4 ? "float32" : "float64")}, times {TrainingCopies}: " +
            $"the values, their gradients and the optimizer's two moment buffers), more than the {MaxTrainingBytes >> 30} GiB limit. " +
            "Use fewer hidden units, e.g. mlp:128 or mlp:256,128" + (kind == ModelKind.Mlp ? "." : ", or fewer input columns."));
    }

    /// <inheritdoc/>
    public override ModelKind Kind { get; }
    /// <summary>The activation of the hidden layers; the output layer is always linear (the loss applies sigmoid or softmax).</summary>
    public Activation Activation { get; }
    /// <summary>The sizes of the hidden layers, input side first; empty for linear, logistic and softmax.</summary>
    public int[] Hidden { get; }
    /// <summary>The dense layers, input side first; the last one is the output layer.</summary>
    public IReadOnlyList<Dense<T>> Layers => layers;
    /// <inheritdoc/>
    public override IReadOnlyList<NDArray<T>> Parameters => parameters;
    /// <inheritdoc/>
    public override int Inputs => layers[0].Inputs;
    /// <inheritdoc/>
    public override int Outputs => layers[^1].Outputs;

    /// <inheritdoc/>
    public override NDArray<T> Forward(NDArray<T> features)
    {
        var x = features;
        foreach (var layer in layers) x = layer.Forward(x);
        return x;
    }
}
