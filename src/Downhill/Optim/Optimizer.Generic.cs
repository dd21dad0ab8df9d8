using System.Numerics;

namespace Downhill.Optim;

/// <summary>
/// The common surface of Downhill's optimizers over parameters of element type
/// <typeparamref name="T"/>. A first-order optimizer is a recipe: a chain of small
/// transforms (<see cref="GradientTransform{T}"/>) that each parameter's gradient goes through,
/// the last of which moves the parameter; each transform keeps its own typed state per
/// parameter. This class walks the parameters, skips frozen ones, honours element masks and
/// maps the transforms' state to checkpoints.
/// </summary>
public abstract class Optimizer<T> : Optimizer where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NDArray<T>[] parameters;
    private readonly bool[]?[] frozenMasks;
    private readonly int[]?[] frozenIndices; // the true positions of each mask: what Step saves and restores
    private readonly long[] parameterSteps;
    private GradientTransform<T>[] chain = [];

    private protected Optimizer(string name, IEnumerable<NDArray<T>> parameters, double learningRate)
        : base(name, learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        this.parameters = [.. parameters];
        if (this.parameters.Length == 0)
            Errors.Argument($"{name}: the parameter list is empty; pass the tensors to optimize (e.g. model.Parameters).");
        for (int i = 0; i < this.parameters.Length; i++)
        {
            if (this.parameters[i] is null)
                Errors.Argument($"{name}: parameter {i} is null.");
            for (int j = 0; j < i; j++)
                if (ReferenceEquals(this.parameters[i], this.parameters[j]))
                    Errors.Argument($"{name}: parameter {i} ({this.parameters[i].Describe()}) is the same tensor as parameter {j}; list each parameter once.");
        }
        frozenMasks = new bool[]?[this.parameters.Length];
        frozenIndices = new int[]?[this.parameters.Length];
        parameterSteps = new long[this.parameters.Length];
    }

    /// <summary>The tensors this optimizer updates, in the order given at construction (the order of checkpoint state).</summary>
    public IReadOnlyList<NDArray<T>> Parameters => parameters;

    /// <summary>
    /// Freezes single elements of parameter <paramref name="parameterIndex"/>: where
    /// <paramref name="mask"/> is true, Step leaves the value and the optimizer's state for that
    /// element untouched (weight decay included). Null unfreezes all elements.
    /// </summary>
    public void SetFrozenMask(int parameterIndex, bool[]? mask)
    {
        if ((uint)parameterIndex >= (uint)parameters.Length)
            Errors.Argument($"{Name}: parameter index {parameterIndex} is out of range (0..{parameters.Length - 1}).");
        if (mask is not null && mask.Length != parameters[parameterIndex].Size)
            Errors.Argument($"{Name}: the frozen mask for {parameters[parameterIndex].Describe()} has {mask.Length} elements; expected {parameters[parameterIndex].Size}.");
        frozenMasks[parameterIndex] = mask is null ? null : (bool[])mask.Clone();
        frozenIndices[parameterIndex] = mask is null ? null : [.. Enumerable.Range(0, mask.Length).Where(j => mask[j])];
    }

    /// <summary>A copy of the element mask of parameter <paramref name="parameterIndex"/>; null when no element is frozen.</summary>
    public bool[]? FrozenMask(int parameterIndex) => (bool[]?)frozenMasks[parameterIndex]?.Clone();

    /// <summary>The frozen element positions of a parameter, or null.</summary>
    private protected int[]? FrozenElements(int parameterIndex) => frozenIndices[parameterIndex];

    /// <inheritdoc/>
    public override void ZeroGrad()
    {
        foreach (var p in parameters) p.ZeroGrad();
    }

    /// <inheritdoc/>
    public override void Step()
    {
        StepCount++;
        for (int i = 0; i < parameters.Length; i++)
        {
            var p = parameters[i];
            if (!p.RequiresGrad || p.Grad is null) continue;
            if (p.Grad.Size != p.Size)
                Errors.Shape($"{Name}: the gradient of {p.Describe()} has shape {p.Grad.Shape}; it must match the parameter.");
            parameterSteps[i]++;
            var frozen = frozenIndices[i];
            if (frozen is null)
            {
                Update(i, p.Data, p.Grad.Data);
                continue;
            }
            // Simplest exact way to skip elements inside vectorized updates: run the update on
            // every element, then put back the frozen elements' values and state. The driver
            // does this rather than a transform in the chain: it must undo every transform's
            // state and the parameter itself (PyTorch semantics: a frozen element does not even
            // decay), which no single step of the chain sees.
            var saved = SaveFrozen(i, frozen);
            Update(i, p.Data, p.Grad.Data);
            RestoreFrozen(i, frozen, saved);
        }
    }

    /// <summary>
    /// Sets the recipe: the transforms each parameter's gradient goes through, in order; the last
    /// one moves the parameter. Null entries (a step the options switch off) are left out.
    /// </summary>
    private protected void Chain(params GradientTransform<T>?[] transforms) => chain = [.. transforms.OfType<GradientTransform<T>>()];

    private void Update(int index, Span<T> p, ReadOnlySpan<T> g)
    {
        var u = new ParameterUpdate<T>(index, p, g, parameterSteps[index], LearningRate);
        foreach (var transform in chain) transform.Apply(ref u);
    }

    /// <summary>Visits every buffer of parameter <paramref name="index"/>'s state, transform by transform.</summary>
    private void VisitState(int index, BufferVisitor<T> visit)
    {
        foreach (var transform in chain) transform.StateOf(index)?.Visit(visit);
    }

    /// <summary>
    /// Calls <paramref name="closure"/> (which zeroes the gradients, recomputes the loss and runs
    /// Backward) and takes one step; returns the loss the closure computed. L-BFGS needs this
    /// form because it evaluates the loss several times per step.
    /// </summary>
    public virtual T Step(Func<T> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        T loss = closure();
        Step();
        return loss;
    }

    private (T[] Values, Dictionary<string, T[]> State) SaveFrozen(int index, int[] frozen)
    {
        var savedState = new Dictionary<string, T[]>(StringComparer.Ordinal);
        VisitState(index, (string name, ref T[] buffer, T _) => savedState[name] = Pick(buffer, frozen));
        return (Pick(parameters[index].Data, frozen), savedState);
    }

    private void RestoreFrozen(int index, int[] frozen, (T[] Values, Dictionary<string, T[]> State) saved)
    {
        Put(parameters[index].Data, frozen, saved.Values);
        VisitState(index, (string name, ref T[] buffer, T initial) =>
        {
            if (saved.State.TryGetValue(name, out var old)) Put(buffer, frozen, old);
            else // created by this very update: its frozen elements get the buffer's initial value
                foreach (int j in frozen) buffer[j] = initial;
        });
    }

    private static T[] Pick(Span<T> values, int[] frozen)
    {
        var copy = new T[frozen.Length];
        for (int k = 0; k < frozen.Length; k++) copy[k] = values[frozen[k]];
        return copy;
    }

    private static void Put(Span<T> values, int[] frozen, T[] saved)
    {
        for (int k = 0; k < frozen.Length; k++) values[frozen[k]] = saved[k];
    }

    // ---- Checkpoints ---------------------------------------------------------------------

    /// <inheritdoc/>
    public override OptimizerState ExportState()
    {
        var buffers = new Dictionary<string, double[]>(StringComparer.Ordinal)
        {
            ["step"] = Array.ConvertAll(parameterSteps, s => (double)s),
        };
        for (int i = 0; i < parameters.Length; i++)
        {
            int index = i;
            VisitState(i, (string name, ref T[] buffer, T _) => buffers[$"{name}.{index}"] = ToDoubles(buffer));
        }
        ExportExtra(buffers);
        return new OptimizerState(Name, StepCount, LearningRate, buffers);
    }

    /// <inheritdoc/>
    public override void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Optimizer != Name)
            Errors.Argument($"{Name}: the checkpoint holds the state of {state.Optimizer}; resume with the same optimizer.");
        if (!state.Buffers.TryGetValue("step", out var steps) || steps.Length != parameters.Length)
            Errors.Argument($"{Name}: the checkpoint's state is for {steps?.Length ?? 0} parameters; this optimizer has {parameters.Length}.");
        var restored = new Dictionary<string, T[]>[parameters.Length];
        for (int i = 0; i < restored.Length; i++) restored[i] = new Dictionary<string, T[]>(StringComparer.Ordinal);
        foreach (var (key, values) in state.Buffers)
        {
            int dot = key.LastIndexOf('.');
            if (key == "step" || dot < 0 || !int.TryParse(key.AsSpan(dot + 1), out int i)) continue;
            if ((uint)i >= (uint)parameters.Length || values.Length != parameters[i].Size)
                Errors.Argument($"{Name}: checkpoint buffer \"{key}\" has {values.Length} values and does not fit the parameters (is it from another model?).");
            restored[i][key[..dot]] = FromDoubles(values);
        }
        ImportExtra(state.Buffers);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameterSteps[i] = (long)steps[i];
            // Buffers no transform asks for (vMax in a checkpoint of Adam with amsgrad, resumed without) are left out.
            foreach (var transform in chain) transform.Restore(i, parameters[i].Size, restored[i]);
        }
        StepCount = state.StepCount;
        LearningRate = state.LearningRate;
    }

    /// <summary>State that is not per parameter (L-BFGS's history); keys must not contain a dot, which marks per-parameter buffers.</summary>
    private protected virtual void ExportExtra(Dictionary<string, double[]> buffers) { }

    private protected virtual void ImportExtra(IReadOnlyDictionary<string, double[]> buffers) { }

    private protected static double[] ToDoubles(ReadOnlySpan<T> values)
    {
        var r = new double[values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = double.CreateTruncating(values[i]);
        return r;
    }

    private protected static T[] FromDoubles(double[] values)
    {
        var r = new T[values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = T.CreateTruncating(values[i]);
        return r;
    }
}
