using System.Numerics;

namespace Downhill.Models;

/// <summary>What a model predicts: numbers, or one of several named classes.</summary>
public enum TaskKind
{
    /// <summary>Numeric targets, one or more per row.</summary>
    Regression,
    /// <summary>One class per row, out of a fixed set of named classes.</summary>
    Classification,
}

/// <summary>The model families Downhill fits.</summary>
public enum ModelKind
{
    /// <summary>y = x W + b: regression with no hidden layer.</summary>
    Linear,
    /// <summary>One raw score per row, x w + b, through a sigmoid: two classes.</summary>
    Logistic,
    /// <summary>One raw score per class, x W + b, through a softmax: two or more classes.</summary>
    Softmax,
    /// <summary>A multi-layer perceptron: dense hidden layers with an activation, then a linear, logistic or softmax output.</summary>
    Mlp,
    /// <summary>A formula typed by the user, <c>y = a*exp(b*x) + c</c>, its named constants the parameters (<see cref="FormulaModel"/>).</summary>
    Formula,
    /// <summary>A list of layers (convolution, pooling, dropout, batch normalization, dense): <see cref="ConvNet{T}"/>.</summary>
    Conv,
}

/// <summary>
/// A function with trainable parameters: features [rows, inputs] in, outputs [rows, outputs]
/// out (raw scores for classifiers: the loss applies softmax or sigmoid). Two implementations:
/// <see cref="Network{T}"/> (layers) and <see cref="FormulaModel"/> (a typed formula).
/// </summary>
public abstract class Model<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The family of the model, as its model file records it.</summary>
    public abstract ModelKind Kind { get; }

    /// <summary>Every parameter, each with its name ("weight", "dense1.bias", "a").</summary>
    public abstract IReadOnlyList<NDArray<T>> Parameters { get; }

    /// <summary>Values the model keeps but does not train (batch normalization's running statistics), stored after the parameters.</summary>
    public virtual IReadOnlyList<NDArray<T>> State => [];

    private NDArray<T>[]? stored;

    /// <summary>What a model file and a snapshot hold: the parameters, then the state (a model's tensors are fixed once built).</summary>
    internal IReadOnlyList<NDArray<T>> Stored => stored ??= [.. Parameters, .. State];

    /// <summary>Features each input row must have.</summary>
    public abstract int Inputs { get; }

    /// <summary>Values per output row: targets for regression, class scores for classification (1 for logistic).</summary>
    public abstract int Outputs { get; }

    /// <summary>The outputs [rows, Outputs] for <paramref name="features"/> [rows, Inputs], recorded on the tape unless grad mode is off.</summary>
    public abstract NDArray<T> Forward(NDArray<T> features);

    /// <summary>The number of trainable numbers, summed over every parameter tensor.</summary>
    public int ParameterCount => Parameters.Sum(p => p.Size);

    /// <summary>The parameter called <paramref name="name"/>, or an error listing the names there are.</summary>
    public NDArray<T> Parameter(string name)
    {
        foreach (var p in Parameters)
            if (p.Name == name) return p;
        throw new ArgumentException($"model has no parameter '{name}'; its parameters are: {string.Join(", ", Parameters.Select(p => p.Name))}.");
    }

    /// <summary>The loss over all of <paramref name="data"/> at the current parameters, computed without a tape.</summary>
    public double LossOn(Data.TrainingData<T> data, Nn.Loss loss)
    {
        using var _ = Autograd.NoGrad();
        return double.CreateTruncating(Nn.Losses.Compute(loss, Forward(data.Features), data.Targets, data.Labels).Item());
    }

    /// <summary>Copies of all parameter and state values, for restoring (early stopping, divergence).</summary>
    public T[][] Snapshot() => Stored.Select(p => p.ToArray()).ToArray();

    /// <summary>Puts back the values <see cref="Snapshot"/> copied, in place (the tensors the optimizer holds stay the same).</summary>
    public void Restore(T[][] snapshot)
    {
        int i = 0;
        foreach (var p in Stored) snapshot[i++].CopyTo(p.Data);
    }
}
