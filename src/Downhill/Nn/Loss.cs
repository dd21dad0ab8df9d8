using System.Numerics;

namespace Downhill.Nn;

/// <summary>The cost: how far the model's outputs are from the targets, as one number.</summary>
public enum Loss
{
    /// <summary>Mean squared error, mean of (ŷ − y)²: the least-squares loss.</summary>
    Mse,
    /// <summary>Root of the mean squared error: the same minimum as MSE, in the target's units.</summary>
    Rmse,
    /// <summary>Mean absolute error, mean of |ŷ − y|: less pulled by outliers than MSE.</summary>
    Mae,
    /// <summary>Squared for errors up to 1 and linear beyond (δ = 1): MSE near the fit, MAE for outliers.</summary>
    Huber,
    /// <summary>Softmax cross-entropy on raw scores (logits) against class labels: classification with two or more classes.</summary>
    CrossEntropy,
    /// <summary>Sigmoid cross-entropy on one raw score per row against 0/1 labels: two-class classification.</summary>
    BinaryCrossEntropy,
}

/// <summary>The text names of <see cref="Loss"/> values and what kind of task each is for.</summary>
public static class Losses
{
    /// <summary>Reads mse, rmse, mae, huber, cross-entropy (crossentropy, ce) or binary-cross-entropy (bce), any case; anything else names them.</summary>
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

    /// <summary>The lower-case name <see cref="Parse"/> reads back, e.g. "cross-entropy".</summary>
    public static string Name(this Loss loss) => loss switch
    {
        Loss.CrossEntropy => "cross-entropy",
        Loss.BinaryCrossEntropy => "binary-cross-entropy",
        _ => loss.ToString().ToLowerInvariant(),
    };

    /// <summary>True for the cross-entropy losses, which take class labels instead of numeric targets.</summary>
    public static bool IsClassification(this Loss loss) => loss is Loss.CrossEntropy or Loss.BinaryCrossEntropy;

    /// <summary>
    /// The mean loss of <paramref name="output"/> [n, k]. Regression losses compare with
    /// <paramref name="targets"/> [n, k]; cross-entropy takes raw scores (logits) and class
    /// <paramref name="labels"/>; binary cross-entropy takes one logit per row and labels 0/1.
    /// </summary>
    public static NDArray<T> Compute<T>(Loss loss, NDArray<T> output, NDArray<T>? targets, int[]? labels)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (loss)
        {
            case Loss.CrossEntropy:
                return output.SoftmaxCrossEntropy(RequireLabels(loss, labels));
            case Loss.BinaryCrossEntropy:
                return output.SigmoidBinaryCrossEntropy(RequireLabels(loss, labels));
        }
        if (targets is null) Errors.Argument($"{loss.Name()}: regression losses need target values.");
        if (targets.Shape != output.Shape)
            Errors.Shape($"{loss.Name()}: outputs {output.Shape} and targets {targets.Shape} differ in shape.");
        var d = output - targets;
        // Each loss's term and derivative are written once, in Tensors/NDArray.Loss.cs.
        return loss switch
        {
            Loss.Mse => d.MeanLoss<MseLoss<T>>("Mse"),
            Loss.Rmse => d.MeanLoss<MseLoss<T>>("Mse").Sqrt(),
            Loss.Mae => d.MeanLoss<MaeLoss<T>>("Mae"),
            Loss.Huber => d.MeanLoss<HuberLoss<T>>("Huber"),
            _ => throw new ArgumentOutOfRangeException(nameof(loss)),
        };
    }

    private static int[] RequireLabels(Loss loss, int[]? labels)
    {
        if (labels is null) Errors.Argument($"{loss.Name()}: classification losses need class labels, not numeric targets.");
        return labels;
    }
}
