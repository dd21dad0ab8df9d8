using System.Numerics;

namespace Downhill.Optim;

/// <summary>
/// One parameter's update on its way through an optimizer's recipe: each transform reads and
/// may replace <see cref="Direction"/> (which starts as the gradient) and <see cref="StepSize"/>
/// (which starts as the learning rate); the last one moves <see cref="Parameter"/>.
/// </summary>
internal ref struct ParameterUpdate<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public ParameterUpdate(int index, Span<T> parameter, ReadOnlySpan<T> gradient, long step, double learningRate)
    {
        Index = index;
        Parameter = parameter;
        Direction = gradient;
        Step = step;
        LearningRate = learningRate;
        StepSize = learningRate;
    }

    /// <summary>Which of the optimizer's parameters this is: the index into each transform's state.</summary>
    public readonly int Index;

    /// <summary>θ, changed in place by the last transform (and by decoupled weight decay).</summary>
    public readonly Span<T> Parameter;

    /// <summary>d: the gradient at first, then what each transform made of it.</summary>
    public ReadOnlySpan<T> Direction;

    /// <summary>t: this parameter's updates, this one included (PyTorch's state["step"]).</summary>
    public readonly long Step;

    /// <summary>γ, as the schedule set it.</summary>
    public readonly double LearningRate;

    /// <summary>γ̃: how far the last transform moves along <see cref="Direction"/>; γ unless a transform rescales it (Adam's bias correction, Adagrad's decay).</summary>
    public double StepSize;
}

/// <summary>
/// One small step of an optimizer's recipe (in the spirit of optax): an L2 term, momentum,
/// Adam's moments, the descent. A transform that keeps state derives from
/// <see cref="StatefulTransform{T, TState}"/>, which holds it typed, per parameter.
/// </summary>
internal abstract class GradientTransform<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public abstract void Apply(ref ParameterUpdate<T> u);

    /// <summary>The state kept for parameter <paramref name="index"/>; null before its first update and for transforms without state.</summary>
    public virtual TransformState<T>? StateOf(int index) => null;

    /// <summary>
    /// Replaces the state of parameter <paramref name="index"/> by the checkpoint's buffers
    /// (by their names, without the ".index" suffix); with none of them, the parameter starts
    /// afresh as before its first update.
    /// </summary>
    public virtual void Restore(int index, int size, IReadOnlyDictionary<string, T[]> buffers) { }
}

/// <summary>Reads or replaces one buffer of a transform's state under its checkpoint name; <paramref name="initial"/> is the value its elements start at.</summary>
internal delegate void BufferVisitor<T>(string name, ref T[] buffer, T initial);

/// <summary>
/// A transform's state for one parameter: typed fields for the update, and <see cref="Visit"/>,
/// the one place where those fields meet the names that checkpoints use ("m", "v", ...).
/// </summary>
internal abstract class TransformState<T>
{
    public abstract void Visit(BufferVisitor<T> visit);
}

/// <summary>A transform with typed per-parameter state, created on a parameter's first update (as in PyTorch).</summary>
internal abstract class StatefulTransform<T, TState>(int parameterCount) : GradientTransform<T>
    where T : unmanaged, IFloatingPointIeee754<T> where TState : TransformState<T>
{
    private readonly TState?[] states = new TState?[parameterCount];

    /// <summary>The state of a parameter of <paramref name="size"/> elements before its first update.</summary>
    protected abstract TState Create(int size);

    /// <summary>The state of parameter <paramref name="index"/>, created on first use.</summary>
    protected TState State(int index, int size) => states[index] ??= Create(size);

    public override TransformState<T>? StateOf(int index) => states[index];

    public override void Restore(int index, int size, IReadOnlyDictionary<string, T[]> buffers)
    {
        var state = Create(size);
        bool found = false;
        state.Visit((string name, ref T[] buffer, T initial) =>
        {
            if (!buffers.TryGetValue(name, out var saved)) return;
            buffer = saved;
            found = true;
        });
        states[index] = found ? state : null;
    }
}

/// <summary>A transform's scratch vector, grown to the largest parameter and then reused, so that steps allocate nothing.</summary>
internal sealed class Scratch<T>
{
    private T[] buffer = [];

    public Span<T> Span(int length)
    {
        if (buffer.Length < length) buffer = new T[length];
        return buffer.AsSpan(0, length);
    }
}
