using System.Numerics;

namespace Downhill.Formulas;

public sealed partial class Formula
{
    /// <summary>
    /// Evaluates the right side (or the objective) on tensors, recording its ops on the autodiff
    /// tape. <paramref name="variable"/> gives the tensor for each name, called once per name:
    /// a scalar parameter (<c>NDArray.Parameter</c>) or a whole data column of shape [n]; ops
    /// broadcast, so <c>m*x + b</c> over a column gives [n]. <c>Backward()</c> on a loss built
    /// from the result fills the parameters' gradients.
    /// </summary>
    public NDArray<T> Evaluate<T>(Func<string, NDArray<T>> variable) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(variable);
        return TensorEvaluator<T>.Run(Right, variable, Text);
    }

    /// <summary><see cref="Evaluate{T}(Func{string, NDArray{T}})"/> with the tensors given by name.</summary>
    public NDArray<T> Evaluate<T>(IReadOnlyDictionary<string, NDArray<T>> variables) where T : unmanaged, IFloatingPointIeee754<T> =>
        Evaluate(Lookup(variables, nameof(Evaluate)));

    /// <summary>The left side of an equation on tensors (usually data only, so nothing to record).</summary>
    public NDArray<T> EvaluateTarget<T>(Func<string, NDArray<T>> variable) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(variable);
        return TensorEvaluator<T>.Run(RequireTarget(nameof(EvaluateTarget)), variable, Text);
    }

    /// <summary><see cref="EvaluateTarget{T}(Func{string, NDArray{T}})"/> with the tensors given by name.</summary>
    public NDArray<T> EvaluateTarget<T>(IReadOnlyDictionary<string, NDArray<T>> variables) where T : unmanaged, IFloatingPointIeee754<T> =>
        EvaluateTarget(Lookup(variables, nameof(EvaluateTarget)));

    private Func<string, NDArray<T>> Lookup<T>(IReadOnlyDictionary<string, NDArray<T>> variables, string operation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(variables);
        return name =>
        {
            if (!variables.TryGetValue(name, out var t))
                Errors.Argument($"{operation}: formula '{Text}' uses '{name}' but no tensor was given for it; given: {(variables.Count == 0 ? "none" : string.Join(", ", variables.Keys))}.");
            return t;
        };
    }
}
