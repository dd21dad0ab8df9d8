using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>
/// The last step of every recipe: θ ← θ − γ̃·d, with γ̃ the step size the chain arrived at.
/// The one place where the sign flips (<see cref="AdamStep{T}"/> takes its factor from here).
/// </summary>
internal sealed class Descend<T> : GradientTransform<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>−γ̃ in the element type (float rounds to nearest).</summary>
    public static T Factor(double stepSize) => T.CreateTruncating(-stepSize);

    // MultiplyAdd rounds d·(−γ̃) before adding θ (no fused multiply-add): the rounding the PyTorch traces agree with to the bit.
    public override void Apply(ref ParameterUpdate<T> u) =>
        TP.MultiplyAdd(u.Direction, Factor(u.StepSize), u.Parameter, u.Parameter);
}
