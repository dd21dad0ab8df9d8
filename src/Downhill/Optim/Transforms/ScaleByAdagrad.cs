using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>Adagrad's scaling: sum ← sum + d², d ← d / (√sum + ε), with sum starting at <paramref name="initialAccumulatorValue"/>.</summary>
internal sealed class ScaleByAdagrad<T>(int parameterCount, double initialAccumulatorValue, double eps)
    : StatefulTransform<T, AdagradState<T>>(parameterCount) where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T initial = T.CreateTruncating(initialAccumulatorValue), epsilon = T.CreateTruncating(eps);
    private readonly Scratch<T> scaled = new();

    protected override AdagradState<T> Create(int size) => new(size, initial);

    public override void Apply(ref ParameterUpdate<T> u)
    {
        var sum = State(u.Index, u.Parameter.Length).Sum;
        var g = u.Direction;
        var std = scaled.Span(g.Length);
        TP.Multiply(g, g, std);
        TP.Add(sum, std, sum);
        TP.Sqrt(sum, std);
        TP.Add(std, epsilon, std);
        TP.Divide(g, std, std);
        u.Direction = std;
    }
}

/// <summary>Adagrad's state for one parameter.</summary>
internal sealed class AdagradState<T> : TransformState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T initial;

    public AdagradState(int size, T initial)
    {
        this.initial = initial;
        Sum = new T[size];
        if (initial != T.Zero) Array.Fill(Sum, initial);
    }

    /// <summary>sum: the running sum of d².</summary>
    public T[] Sum;

    public override void Visit(BufferVisitor<T> visit) => visit("sum", ref Sum, initial);
}

/// <summary>Adagrad's learning-rate decay by update count: γ̃ ← γ̃ / (1 + (t − 1)·η).</summary>
internal sealed class InverseTimeDecay<T>(double lrDecay) : GradientTransform<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override void Apply(ref ParameterUpdate<T> u) => u.StepSize /= 1 + (u.Step - 1) * lrDecay;
}
