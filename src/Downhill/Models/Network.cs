using System.Numerics;
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
    private readonly Tensor<T>[] parameters;

    public Network(ModelKind kind, int inputs, int outputs, IReadOnlyList<int> hidden, Activation activation, int seed)
    {
        if (kind == ModelKind.Formula) Errors.Argument("Network: a formula model is a FormulaModel, not a network.");
        if (kind != ModelKind.Mlp && hidden.Count > 0) Errors.Argument($"Network: a {kind.ToString().ToLowerInvariant()} model has no hidden layers; use mlp:{string.Join(",", hidden)}.");
        foreach (var h in hidden)
            if (h < 1) Errors.Argument($"Network: hidden layer size {h} is invalid; every layer needs at least 1 neuron (e.g. mlp:16,16).");
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

    public override ModelKind Kind { get; }
    public Activation Activation { get; }
    public int[] Hidden { get; }
    public IReadOnlyList<Dense<T>> Layers => layers;
    public override IReadOnlyList<Tensor<T>> Parameters => parameters;
    public override int Inputs => layers[0].Inputs;
    public override int Outputs => layers[^1].Outputs;

    public override Tensor<T> Forward(Tensor<T> features)
    {
        var x = features;
        foreach (var layer in layers) x = layer.Forward(x);
        return x;
    }
}
