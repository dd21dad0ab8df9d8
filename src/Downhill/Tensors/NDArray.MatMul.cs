using System.Numerics;

namespace Downhill;

public sealed partial class NDArray<T>
{
    /// <summary>
    /// Matrix product. [m,k] x [k,n] gives [m,n]; batched operands [..., m, k] x [..., k, n]
    /// need equal batch dimensions, and a batched left side times a matrix shares the matrix
    /// across the batch (the layer case).
    /// </summary>
    public NDArray<T> MatMul(NDArray<T> other)
    {
        var a = this; var b = other;
        if (a.Rank < 2 || b.Rank < 2)
            Errors.Shape($"MatMul: shapes {a.Shape} and {b.Shape} do not fit (both operands need rank >= 2; reshape a vector to [1,k] or [k,1]).");
        int m = a.Shape[-2], k = a.Shape[-1], kb = b.Shape[-2], n = b.Shape[-1];
        if (k != kb)
            Errors.Shape($"MatMul: shapes {a.Shape} and {b.Shape} do not fit (inner sizes {k} and {kb} differ)");

        if (b.Rank == 2)
        {
            // A batch of left matrices times one right matrix is one tall product: [(batch*m), k] x [k, n].
            int rows = Product(a.Shape.Dimensions[..^1]);
            var dims = a.Shape.ToArray(); dims[^1] = n;
            var r = new NDArray<T>(Shape.Wrap(dims));
            Gemm.Multiply<T>(a.Buffer, b.Buffer, r.Buffer, rows, k, n, false, false, false);
            return Record(r, "MatMul", g =>
            {
                if (a.NeedsGrad)
                {
                    var ga = new NDArray<T>(a.Shape);
                    Gemm.Multiply<T>(g.Buffer, b.Buffer, ga.Buffer, rows, n, k, false, true, false);
                    a.AccumulateGrad(ga);
                }
                if (b.NeedsGrad)
                {
                    var gb = new NDArray<T>(b.Shape);
                    Gemm.Multiply<T>(a.Buffer, g.Buffer, gb.Buffer, k, rows, n, true, false, false);
                    b.AccumulateGrad(gb);
                }
            }, a, b);
        }

        if (a.Rank != b.Rank || !a.Shape.Dimensions[..^2].SequenceEqual(b.Shape.Dimensions[..^2]))
            Errors.Shape($"MatMul: shapes {a.Shape} and {b.Shape} do not fit (batch dimensions {Shape.Format(a.Shape.Dimensions[..^2])} and {Shape.Format(b.Shape.Dimensions[..^2])} differ).");
        int batch = Product(a.Shape.Dimensions[..^2]);
        var outDims = a.Shape.ToArray(); outDims[^1] = n;
        var res = new NDArray<T>(Shape.Wrap(outDims));
        for (int i = 0; i < batch; i++)
            Gemm.Multiply<T>(a.Buffer.AsSpan(i * m * k, m * k), b.Buffer.AsSpan(i * k * n, k * n), res.Buffer.AsSpan(i * m * n, m * n), m, k, n, false, false, false);
        return Record(res, "MatMul", g =>
        {
            var ga = a.NeedsGrad ? new NDArray<T>(a.Shape) : null;
            var gb = b.NeedsGrad ? new NDArray<T>(b.Shape) : null;
            for (int i = 0; i < batch; i++)
            {
                var gi = g.Buffer.AsSpan(i * m * n, m * n);
                if (ga is not null) Gemm.Multiply<T>(gi, b.Buffer.AsSpan(i * k * n, k * n), ga.Buffer.AsSpan(i * m * k, m * k), m, n, k, false, true, false);
                if (gb is not null) Gemm.Multiply<T>(a.Buffer.AsSpan(i * m * k, m * k), gi, gb.Buffer.AsSpan(i * k * n, k * n), k, m, n, true, false, false);
            }
            if (ga is not null) a.AccumulateGrad(ga);
            if (gb is not null) b.AccumulateGrad(gb);
        }, a, b);
    }

    private static int Product(ReadOnlySpan<int> dims)
    {
        int p = 1;
        foreach (var d in dims) p *= d;
        return p;
    }
}
