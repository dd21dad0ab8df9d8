using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>L2 regularization, PyTorch's weight_decay in SGD, Adagrad, RMSprop and Adam: d ← d + λ·θ.</summary>
internal sealed class AddDecayedWeights<T>(double weightDecay) : GradientTransform<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T lambda = T.CreateTruncating(weightDecay);
    private readonly Scratch<T> decayed = new();

    public override void Apply(ref ParameterUpdate<T> u)
    {
        var d = decayed.Span(u.Parameter.Length);
        TP.MultiplyAdd(u.Parameter, lambda, u.Direction, d);
        u.Direction = d;
    }
}

/// <summary>
/// Decoupled weight decay (Loshchilov and Hutter 2019), AdamW's: θ ← θ·(1 − γ·λ), apart from the
/// gradient, so that it is not rescaled by what follows.
/// </summary>
internal sealed class DecayWeights<T>(double weightDecay) : GradientTransform<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override void Apply(ref ParameterUpdate<T> u) =>
        TP.Multiply(u.Parameter, T.CreateTruncating(1 - u.LearningRate * weightDecay), u.Parameter);
}
