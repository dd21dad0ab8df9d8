namespace Downhill.Bench;

/// <summary>One GEMM problem: C[M,N] = op(A)[M,K] * op(B)[K,N].</summary>
public sealed record GemmShape(string Name, int M, int K, int N, bool TransA = false, bool TransB = false)
{
    public double Flops => 2.0 * M * K * N;

    /// <summary>
    /// Square sizes, then the shapes of one Dense layer 784 -> 128 (MNIST) at batch 32 and 128
    /// with y = x W, W stored [784,128]: forward x W, backward dX = dY W^T (transB, "tB") and
    /// dW = x^T dY (transA, "tA"), plus the 128 -> 10 output layer. Names are "m x k x n" and
    /// short enough that BenchmarkDotNet does not truncate them.
    /// </summary>
    public static IReadOnlyList<GemmShape> All { get; } =
    [
        new("128^3", 128, 128, 128),
        new("256^3", 256, 256, 256),
        new("512^3", 512, 512, 512),
        new("1024^3", 1024, 1024, 1024),
        new("fwd 32x784x128", 32, 784, 128),
        new("fwd 128x784x128", 128, 784, 128),
        new("fwd 32x128x10", 32, 128, 10),
        new("dX 32x128x784 tB", 32, 128, 784, TransB: true),
        new("dW 784x32x128 tA", 784, 32, 128, TransA: true),
        new("dX 128x128x784 tB", 128, 128, 784, TransB: true),
        new("dW 784x128x128 tA", 784, 128, 128, TransA: true),
        new("W1 fwd 32x784x16", 32, 784, 16),
        new("W1 dW 784x32x16 tA", 784, 32, 16, TransA: true),
        new("W1 fwd 32x16x10", 32, 16, 10),
        new("W5 fwd 32x20x1", 32, 20, 1),
        new("W5 dW 20x32x1 tA", 20, 32, 1, TransA: true),
    ];

    public override string ToString() => Name;
}
