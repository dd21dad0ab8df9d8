using System.Numerics;

namespace Downhill;

public sealed partial class NDArray<T>
{
    /// <summary>Same elements, new shape; one dimension may be -1 (inferred). Shares storage.</summary>
    public NDArray<T> Reshape(params int[] shape)
    {
        var dims = (int[])shape.Clone();
        int infer = -1, known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (infer >= 0) Errors.Shape($"Reshape: {Shape.Format(shape)} has more than one -1; only one size can be inferred.");
                infer = i;
            }
            else known *= dims[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Size % known != 0)
                Errors.Shape($"Reshape: cannot reshape {Describe()} ({Size} elements) to {Shape.Format(shape)}: {Size} is not a multiple of {known}.");
            dims[infer] = Size / known;
        }
        var s = new Shape(dims);
        if (s.Size != Size)
            Errors.Shape($"Reshape: cannot reshape {Describe()} ({Size} elements) to {s} ({s.Size} elements).");
        var x = this;
        return Record(new NDArray<T>(s, Buffer), "Reshape", g => x.AccumulateGrad(new NDArray<T>(x.Shape, g.Buffer)), x);
    }

    /// <summary>Transpose of a matrix ([m,n] to [n,m]).</summary>
    public NDArray<T> Transpose()
    {
        if (Rank != 2) Errors.Shape($"Transpose: {Describe()} has rank {Rank}; Transpose() without axes needs a matrix. Use Transpose(axis0, axis1).");
        return Transpose(0, 1);
    }

    /// <summary>Swaps two axes (copies).</summary>
    public NDArray<T> Transpose(int axis0, int axis1)
    {
        int a0 = Shape.NormalizeAxis(axis0, "Transpose"), a1 = Shape.NormalizeAxis(axis1, "Transpose");
        var x = this;
        var r = new NDArray<T>(Shape.Wrap(SwappedDims(Shape, a0, a1)), SwapAxes(Buffer, Shape, a0, a1));
        return Record(r, "Transpose", g => x.AccumulateGrad(new NDArray<T>(x.Shape, SwapAxes(g.Buffer, g.Shape, a0, a1))), x);
    }

    private static int[] SwappedDims(Shape s, int a0, int a1)
    {
        var d = s.ToArray();
        (d[a0], d[a1]) = (d[a1], d[a0]);
        return d;
    }

    private static T[] SwapAxes(T[] src, Shape shape, int a0, int a1)
    {
        if (shape.Rank == 2 && a0 != a1) return Gemm.Transposed<T>(src, shape[0], shape[1]);
        var dst = new T[src.Length];
        if (src.Length == 0) return dst;
        var outDims = SwappedDims(shape, a0, a1);
        var inStrides = shape.Strides();
        var srcStrideForOut = inStrides.ToArray();
        (srcStrideForOut[a0], srcStrideForOut[a1]) = (srcStrideForOut[a1], srcStrideForOut[a0]);
        var idx = new int[shape.Rank];
        for (int o = 0; o < dst.Length; o++)
        {
            int off = 0;
            for (int d = 0; d < idx.Length; d++) off += idx[d] * srcStrideForOut[d];
            dst[o] = src[off];
            for (int d = idx.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < outDims[d]) break;
                idx[d] = 0;
            }
        }
        return dst;
    }

    /// <summary>Rows start..start+count-1 along axis 0 (a mini-batch), copied.</summary>
    public NDArray<T> SliceRows(int start, int count)
    {
        if (Rank == 0) Errors.Shape("SliceRows: a scalar has no rows.");
        int rows = Shape[0];
        if (start < 0 || count < 0 || start + count > rows)
            Errors.Shape($"SliceRows: rows {start}..{start + count - 1} are out of range for {Describe()} (rows 0..{rows - 1}).");
        int rowSize = rows == 0 ? 0 : Size / rows;
        var dims = Shape.ToArray(); dims[0] = count;
        var r = new NDArray<T>(Shape.Wrap(dims));
        Buffer.AsSpan(start * rowSize, count * rowSize).CopyTo(r.Buffer);
        var x = this;
        return Record(r, "SliceRows", g =>
        {
            var gx = new NDArray<T>(x.Shape);
            g.Buffer.CopyTo(gx.Buffer.AsSpan(start * rowSize, count * rowSize));
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>The rows named by <paramref name="rows"/> along axis 0, in that order (repeats allowed).</summary>
    public NDArray<T> IndexRows(int[] rows)
    {
        if (Rank == 0) Errors.Shape("IndexRows: a scalar has no rows.");
        int n = Shape[0];
        int rowSize = n == 0 ? 0 : Size / n;
        var dims = Shape.ToArray(); dims[0] = rows.Length;
        var r = new NDArray<T>(Shape.Wrap(dims));
        for (int i = 0; i < rows.Length; i++)
        {
            if ((uint)rows[i] >= (uint)n) Errors.Shape($"IndexRows: row {rows[i]} (position {i}) is out of range for {Describe()} (rows 0..{n - 1}).");
            Buffer.AsSpan(rows[i] * rowSize, rowSize).CopyTo(r.Buffer.AsSpan(i * rowSize, rowSize));
        }
        var x = this;
        return Record(r, "IndexRows", g =>
        {
            var gx = new NDArray<T>(x.Shape);
            for (int i = 0; i < rows.Length; i++)
            {
                var dst = gx.Buffer.AsSpan(rows[i] * rowSize, rowSize);
                System.Numerics.Tensors.TensorPrimitives.Add<T>(dst, g.Buffer.AsSpan(i * rowSize, rowSize), dst);
            }
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>For a matrix [n,c]: element [i, columns[i]] of each row, as a vector [n] (gathering class scores).</summary>
    public NDArray<T> PickPerRow(int[] columns)
    {
        if (Rank != 2) Errors.Shape($"PickPerRow: {Describe()} must be a matrix [rows, columns].");
        int n = Shape[0], c = Shape[1];
        if (columns.Length != n) Errors.Shape($"PickPerRow: {columns.Length} column indices for {n} rows of {Describe()}; give one per row.");
        var r = new NDArray<T>(new Shape(n));
        for (int i = 0; i < n; i++)
        {
            if ((uint)columns[i] >= (uint)c) Errors.Shape($"PickPerRow: column {columns[i]} at row {i} is out of range for {Describe()} (0..{c - 1}).");
            r.Buffer[i] = Buffer[i * c + columns[i]];
        }
        var x = this;
        return Record(r, "PickPerRow", g =>
        {
            var gx = new NDArray<T>(x.Shape);
            for (int i = 0; i < n; i++) gx.Buffer[i * c + columns[i]] = g.Buffer[i];
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must agree.</summary>
    public static NDArray<T> Concat(IReadOnlyList<NDArray<T>> parts, int axis = 0)
    {
        if (parts.Count == 0) Errors.Argument("Concat: no tensors given; pass at least one.");
        var first = parts[0];
        int ax = first.Shape.NormalizeAxis(axis, "Concat");
        var dims = first.Shape.ToArray();
        int total = 0;
        foreach (var p in parts)
        {
            bool fits = p.Rank == first.Rank;
            for (int d = 0; fits && d < p.Rank; d++) fits = d == ax || p.Shape[d] == first.Shape[d];
            if (!fits) Errors.Shape($"Concat: shapes {first.Shape} and {p.Shape} do not fit along axis {axis} (every other dimension must be equal).");
            total += p.Shape[ax];
        }
        dims[ax] = total;
        var r = new NDArray<T>(Shape.Wrap(dims));
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= dims[d];
        for (int d = ax + 1; d < dims.Length; d++) inner *= dims[d];
        int offset = 0;
        var offsets = new int[parts.Count];
        for (int k = 0; k < parts.Count; k++)
        {
            var p = parts[k];
            int run = p.Shape[ax] * inner;
            offsets[k] = offset;
            for (int o = 0; o < outer; o++)
                p.Buffer.AsSpan(o * run, run).CopyTo(r.Buffer.AsSpan(o * total * inner + offset, run));
            offset += run;
        }
        return Record(r, "Concat", g =>
        {
            for (int k = 0; k < parts.Count; k++)
            {
                var p = parts[k];
                if (!p.NeedsGrad) continue;
                int run = p.Shape[ax] * inner;
                var gp = new NDArray<T>(p.Shape);
                for (int o = 0; o < outer; o++)
                    g.Buffer.AsSpan(o * total * inner + offsets[k], run).CopyTo(gp.Buffer.AsSpan(o * run, run));
                p.AccumulateGrad(gp);
            }
        }, parts.ToArray());
    }

    /// <summary>Rows of the identity: [labels.Length, classes] with a 1 at each label.</summary>
    public static NDArray<T> OneHot(int[] labels, int classes)
    {
        if (classes < 1) Errors.OutOfRange(nameof(classes), classes, "at least 1");
        var r = new NDArray<T>(new Shape(labels.Length, classes));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes) Errors.Shape($"OneHot: label {labels[i]} at position {i} is out of range for {classes} classes (0..{classes - 1}).");
            r.Buffer[i * classes + labels[i]] = T.One;
        }
        return r;
    }
}
