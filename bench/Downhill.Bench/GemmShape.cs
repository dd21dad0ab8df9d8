namespace Downhill.Bench;

/// <summary>One GEMM problem: C[M,N] = op(A)[M,K] * op(B)[K,N].</summary>
public sealed record GemmShape(string Name, int M, int K, int N, bool TransA = false, bool TransB = false)
{
    public double Flops => 2.0 * M * K * N;

    /// <summary>
    /// Square sizes, then the shapes of one Dense layer 784 -> 128 (MNIST) at batch 32 and 128
    /// with y = x W, W stored [784,128]: forward x W, backward dX = dY W^T (transB) and
    /// dW = x^T dY (transA), plus the 128 -> 10 output layer.
    /// </summary>
    public static IReadOnlyList<GemmShape> All { get; } =
    [
        new("square 128", 128, 128, 128),
        new("square 256", 256, 256, 256),
        new("square 512", 512, 512, 512),
        new("square 1024", 1024, 1024, 1024),
        new("fwd 32x784 * 784x128", 32, 784, 128),
        new("fwd 128x784 * 784x128", 128, 784, 128),
        new("fwd 32x128 * 128x10", 32, 128, 10),
        new("dX 32x128 * (784x128)^T", 32, 128, 784, TransB: true),
        new("dW (32x784)^T * 32x128", 784, 32, 128, TransA: true),
        new("dX 128x128 * (784x128)^T", 128, 128, 784, TransB: true),
        new("dW (128x784)^T * 128x128", 784, 128, 128, TransA: true),
    ];

    public override string ToString() => Name;
}
