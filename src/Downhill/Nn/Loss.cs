using System.Numerics;

namespace Downhill.Nn;

/// <summary>The cost: how far the model's outputs are from the targets, as one number.</summary>
public enum Loss
{
    Mse,
    Rmse,
    Mae,
    Huber,
    CrossEntropy,
    BinaryCrossEntropy,
}

public static class Losses
{
    public static Loss Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "mse" => Loss.Mse,
        "rmse" => Loss.Rmse,
        "mae" => Loss.Mae,
        "huber" => Loss.Huber,
        "cross-entropy" or "crossentropy" or "ce" => Loss.CrossEntropy,
        "binary-cross-entropy" or "bce" => Loss.BinaryCrossEntropy,
        _ => throw new ArgumentException($"loss '{text}' is unknown; use mse, rmse, mae, huber, cross-entropy or binary-cross-entropy."),
    };

    public static string Name(this Loss loss) => loss switch
    {
        Loss.CrossEntropy => "cross-entropy",
        Loss.BinaryCrossEntropy => "binary-cross-entropy",
        _ => loss.ToString().ToLowerInvariant(),
    };

    public static bool IsClassification(this Loss loss) => loss is Loss.CrossEntropy or Loss.BinaryCrossEntropy;

    /// <summary>
    /// The mean loss of <paramref name="output"/> [n, k]. Regression losses compare with
    /// <paramref name="targets"/> [n, k]; cross-entropy takes raw scores (logits) and class
    /// <paramref name="labels"/>; binary cross-entropy takes one logit per row and labels 0/1.
    /// </summary>
    public static Tensor<T> Compute<T>(Loss loss, Tensor<T> output, Tensor<T>? targets, int[]? labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (loss)
        {
            case Loss.CrossEntropy:
                return output.SoftmaxCrossEntropy(RequireLabels(loss, labels));
            case Loss.BinaryCrossEntropy:
            {
                var l = RequireLabels(loss, labels);
                if (output.Rank != 2 || output.Shape[1] != 1)
                    Errors.Shape($"binary-cross-entropy: outputs {output.Shape} must be one logit per row [rows,1].");
                var y = Tensor<T>.Zeros(l.Length, 1);
                for (int i = 0; i < l.Length; i++)
                {
                    if (l[i] is not (0 or 1)) Errors.Argument($"binary-cross-entropy: label {l[i]} at row {i} is not 0 or 1; a binary task has exactly two classes.");
                    y.Data[i] = T.CreateTruncating(l[i]);
                }
                // With logits z: -[y log s(z) + (1-y) log(1-s(z))] = softplus(z) - y z, stable for any z.
                return (output.Softplus() - output * y).Mean();
            }
        }
        if (targets is null) Errors.Argument($"{loss.Name()}: regression losses need target values.");
        if (targets.Shape != output.Shape)
            Errors.Shape($"{loss.Name()}: outputs {output.Shape} and targets {targets.Shape} differ in shape.");
        var d = output - targets;
        return loss switch
        {
            Loss.Mse => d.Pow(T.CreateTruncating(2)).Mean(),
            Loss.Rmse => d.Pow(T.CreateTruncating(2)).Mean().Sqrt(),
            Loss.Mae => d.Abs().Mean(),
            // Huber with delta 1 (PyTorch's default): 0.5 d^2 inside |d| < 1, |d| - 0.5 outside,
            // written as 0.5 q^2 + (|d| - q) with q = min(|d|, 1).
            Loss.Huber => Huber(d),
            _ => throw new ArgumentOutOfRangeException(nameof(loss)),
        };
    }

    private static Tensor<T> Huber<T>(Tensor<T> d) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = d.Abs();
        var q = Tensor<T>.Minimum(a, Tensor<T>.Scalar(T.One));
        return (q.Pow(T.CreateTruncating(2)) * T.CreateTruncating(0.5) + (a - q)).Mean();
    }

    private static int[] RequireLabels(Loss loss, int[]? labels)
    {
        if (labels is null) Errors.Argument($"{loss.Name()}: classification losses need class labels, not numeric targets.");
        return labels;
    }
}
