using System.Numerics;

namespace Downhill.Nn;

/// <summary>
/// One step of a layered network (<c>Models.ConvNet</c>): a forward pass that knows whether it
/// trains (dropout draws a mask, batch normalization uses and updates the batch statistics) or
/// evaluates, the parameters it trains, and the state it keeps but does not train (batch
/// normalization's running statistics), which a model file must store as well.
/// </summary>
public abstract class Layer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The layer's output for <paramref name="x"/>, recorded on the tape when grad mode is on.</summary>
    public abstract NDArray<T> Forward(NDArray<T> x, bool training);

    /// <summary>The trained parameters, named for messages and model files ("conv1.weight").</summary>
    public virtual IReadOnlyList<NDArray<T>> Parameters => [];

    /// <summary>Values the layer keeps between batches without training them, saved beside the parameters.</summary>
    public virtual IReadOnlyList<NDArray<T>> State => [];

    /// <summary><paramref name="t"/> named and marked trainable (or kept, with <paramref name="train"/> false): how a layer makes its tensors.</summary>
    protected static NDArray<T> Named(NDArray<T> t, string name, bool train = true)
    {
        t.Name = name;
        t.RequiresGrad = train;
        return t;
    }
}
