using System.Numerics;

namespace Downhill;

/// <summary>
/// The tape: how an op records itself (<see cref="Record"/>), how gradients accumulate, and
/// <see cref="Backward"/>, which runs the recorded closures in reverse topological order. Each
/// op's own backward rule sits beside its forward in the Tensors folder (micrograd's layout).
/// </summary>
public sealed partial class NDArray<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // TopologicalOrder's marks: a node carries the stamp of the last pass that visited it.
    private int visitStamp;
    private static int visitCounter;

    /// <summary>
    /// Attaches <paramref name="backward"/> to <paramref name="result"/> when grad mode is on and
    /// some input needs a gradient. The closure receives the output's gradient and adds into the
    /// inputs' gradients through <see cref="AccumulateGrad"/>.
    /// </summary>
    internal static NDArray<T> Record(NDArray<T> result, string op, Action<NDArray<T>> backward, params NDArray<T>[] inputs)
    {
        if (!Autograd.IsEnabled) return result;
        bool any = false;
        foreach (var x in inputs) any |= x.NeedsGrad;
        if (!any) return result;
        result.Creator = new Node<T>(op, inputs, backward);
        result.requiresGrad = true;
        return result;
    }

    /// <summary>Like <see cref="AccumulateGrad"/> for a gradient of this tensor's shape that nobody else holds: it is kept without a copy.</summary>
    internal void AccumulateOwnedGrad(NDArray<T> g)
    {
        System.Diagnostics.Debug.Assert(g.Shape == Shape && g.Creator is null);
        if (!NeedsGrad) return;
        if (Grad is null) Grad = g;
        else System.Numerics.Tensors.TensorPrimitives.Add<T>(Grad.Buffer, g.Buffer, Grad.Buffer);
    }

    /// <summary>Adds <paramref name="g"/> (summed down to this tensor's shape if it was broadcast) into Grad.</summary>
    internal void AccumulateGrad(NDArray<T> g)
    {
        if (!NeedsGrad) return;
        var reduced = g.Shape == Shape ? g : g.SumTo(Shape);
        if (Grad is null)
            Grad = ReferenceEquals(reduced, g) ? g.Detach() : reduced;
        else
            System.Numerics.Tensors.TensorPrimitives.Add<T>(Grad.Buffer, reduced.Buffer, Grad.Buffer);
    }

    /// <summary>
    /// Reverse-mode autodiff from this scalar: seeds its gradient with 1, runs every recorded
    /// op's backward closure in reverse topological order, and leaves the result in the
    /// <see cref="Grad"/> of every leaf that requires it. Gradients accumulate across calls
    /// until <see cref="ZeroGrad"/>.
    /// </summary>
    public void Backward()
    {
        if (Size != 1)
            Errors.Shape($"Backward: {Describe()} has {Size} elements; Backward() starts from a scalar loss (reduce first, e.g. loss.Mean().Backward()).");
        if (!NeedsGrad)
            Errors.Operation($"Backward: {Describe()} does not depend on any tensor that requires a gradient (were the parameters frozen, or was it computed under Autograd.NoGrad()?).");
        if (!T.IsFinite(Buffer[0]))
            Errors.Operation($"Backward: the loss is {Buffer[0]}; a NaN or infinite loss has no useful gradient. Check the inputs for NaN/inf values, or lower the learning rate if training diverged.");

        var seed = Ones(Shape.ToArray());
        // Backward closures are built from the same ops; they must not record (no higher-order grads).
        using var scope = Autograd.NoGrad();
        // A leaf is its own loss (PyTorch: x.backward() on a scalar leaf sets x.grad = 1); it has no ops to sort.
        if (Creator is null) { AccumulateGrad(seed); return; }
        var order = TopologicalOrder();
        Grad = seed;
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            var node = t.Creator!;
            var g = t.Grad;
            if (g is null) continue;
            node.Backward(g);
            t.Grad = null; // intermediate gradients are freed; only leaves keep theirs
        }
    }

    private List<NDArray<T>> TopologicalOrder()
    {
        // Iterative DFS so long chains (thousands of ops) do not overflow the stack.
        // Visited nodes carry this pass's stamp instead of sitting in a HashSet: the set's
        // allocation and hashing are a sizeable share of a tiny formula's step.
        int stamp = Interlocked.Increment(ref visitCounter);
        var order = new List<NDArray<T>>();
        var stack = new Stack<(NDArray<T> t, int next)>();
        stack.Push((this, 0));
        visitStamp = stamp;
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.Creator!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var x = inputs[next];
                if (x.Creator is not null && x.visitStamp != stamp)
                {
                    x.visitStamp = stamp;
                    stack.Push((x, 0));
                }
            }
            else order.Add(t);
        }
        return order;
    }
}

/// <summary>One recorded op: its inputs and the closure that sends the output's gradient back to them.</summary>
internal sealed class Node<T>(string op, NDArray<T>[] inputs, Action<NDArray<T>> backward)
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public string Op { get; } = op;
    public NDArray<T>[] Inputs { get; } = inputs;
    public Action<NDArray<T>> Backward { get; } = backward;
}
