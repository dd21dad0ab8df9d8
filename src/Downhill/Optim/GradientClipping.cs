using System.Numerics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Downhill.Optim;

/// <summary>Limits gradients before an optimizer step, as <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c> do.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so that their global p-norm (over every element of every
    /// parameter, p = <paramref name="normType"/>, 2 by default, ∞ for the largest magnitude)
    /// is at most <paramref name="maxNorm"/>:
    /// <code>
    /// total ← ‖(‖g₁‖, ‖g₂‖, …)‖        the norm of the per-parameter norms
    /// g ← g · min(1, maxNorm / (total + 1e-6))
    /// </code>
    /// Returns the total norm before clipping (to log it). Parameters without a gradient are skipped.
    /// </summary>
    public static double ByNorm<T>(IEnumerable<NDArray<T>> parameters, double maxNorm, double normType = 2)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Check.AtLeast("GradientClipping.ByNorm", "maxNorm", maxNorm, 0);
        if (!(normType > 0))
            Check.Invalid("GradientClipping.ByNorm", "normType", normType, "a number > 0 (2 for the Euclidean norm, infinity for the largest magnitude)");
        var grads = parameters.Select(p => p.Grad).OfType<NDArray<T>>().ToList();
        if (grads.Count == 0) return 0;

        double total = 0;
        foreach (var g in grads)
        {
            double norm = Norm(g.Data, normType);
            total = double.IsPositiveInfinity(normType) ? Math.Max(total, norm) : total + Math.Pow(norm, normType);
        }
        if (!double.IsPositiveInfinity(normType)) total = Math.Pow(total, 1 / normType);

        // NOTE: like PyTorch, the 1e-6 keeps a zero norm from dividing by zero, and the factor
        // is applied even when it is 1 (a no-op) so both branches cost the same.
        double factor = Math.Min(1.0, maxNorm / (total + 1e-6));
        foreach (var g in grads) TP.Multiply(g.Data, T.CreateTruncating(factor), g.Data);
        return total;
    }

    /// <summary>Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>].</summary>
    public static void ByValue<T>(IEnumerable<NDArray<T>> parameters, double clipValue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Check.AtLeast("GradientClipping.ByValue", "clipValue", clipValue, 0);
        T hi = T.CreateTruncating(clipValue), lo = -hi;
        foreach (var p in parameters)
        {
            if (p.Grad is null) continue;
            var g = p.Grad.Data;
            TP.Min(g, hi, g);
            TP.Max(g, lo, g);
        }
    }

    private static double Norm<T>(ReadOnlySpan<T> g, double p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.IsEmpty) return 0;
        if (double.IsPositiveInfinity(p)) return Math.Abs(double.CreateTruncating(TP.MaxMagnitude(g)));
        if (p == 2) return double.CreateTruncating(TP.Norm(g));
        double sum = 0;
        foreach (var x in g) sum += Math.Pow(Math.Abs(double.CreateTruncating(x)), p);
        return Math.Pow(sum, 1 / p);
    }
}
