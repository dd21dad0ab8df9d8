using System.Numerics;

namespace Downhill.Models;

/// <summary>What a model predicts: numbers, or one of several named classes.</summary>
public enum TaskKind
{
    Regression,
    Classification,
}

/// <summary>The model families Downhill fits.</summary>
public enum ModelKind
{
    Linear,
    Logistic,
    Softmax,
    Mlp,
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
    public abstract ModelKind Kind { get; }

    /// <summary>Every parameter, each with its name ("weight", "dense1.bias", "a").</summary>
    public abstract IReadOnlyList<Tensor<T>> Parameters { get; }

    /// <summary>Values the model keeps but does not train (batch normalization's running statistics), stored after the parameters.</summary>
    public virtual IReadOnlyList<Tensor<T>> State => [];

    private Tensor<T>[]? stored;

    /// <summary>What a model file and a snapshot hold: the parameters, then the state (a model's tensors are fixed once built).</summary>
    internal IReadOnlyList<Tensor<T>> Stored => stored ??= [.. Parameters, .. State];

    public abstract int Inputs { get; }

    public abstract int Outputs { get; }

    public abstract Tensor<T> Forward(Tensor<T> features);

    public int ParameterCount => Parameters.Sum(p => p.Size);

    /// <summary>The parameter called <paramref name="name"/>, or an error listing the names there are.</summary>
    public Tensor<T> Parameter(string name)
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

    public void Restore(T[][] snapshot)
    {
        int i = 0;
        foreach (var p in Stored) snapshot[i++].CopyTo(p.Data);
    }
}
