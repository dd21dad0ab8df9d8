using System.Numerics;
using System.Text;

namespace Downhill;

/// <summary>
/// A dense, row-major tensor of <c>float</c> (the default, for speed) or <c>double</c> (for
/// gradient checks and formula fitting). Operations on tensors that need gradients record
/// themselves on a dynamic tape (see <see cref="Backward"/>); there is one autodiff engine for
/// both element types.
/// </summary>
public sealed partial class NDArray<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Exactly Shape.Size long: kernels may hand out Data without slicing.
    internal readonly T[] Buffer;
    private bool requiresGrad;

    internal NDArray(Shape shape, T[] buffer)
    {
        System.Diagnostics.Debug.Assert(buffer.Length == shape.Size);
        Shape = shape;
        Buffer = buffer;
    }

    internal NDArray(Shape shape) : this(shape, new T[shape.Size]) { }

    /// <summary>The size of each axis; fixed for the tensor's life.</summary>
    public Shape Shape { get; }
    /// <summary>The number of axes (0 for a scalar).</summary>
    public int Rank => Shape.Rank;
    /// <summary>The number of elements: the product of the dimensions.</summary>
    public int Size => Buffer.Length;

    /// <summary>The elements in row-major order. Writing here bypasses the tape.</summary>
    public Span<T> Data => Buffer;

    /// <summary>A name for messages and reports (parameters get theirs from their layer).</summary>
    public string? Name { get; set; }

    /// <summary>The gradient accumulated by <see cref="Backward"/>; null until the first backward pass.</summary>
    public NDArray<T>? Grad { get; set; }

    /// <summary>
    /// Whether the tape tracks this tensor. Set it on leaves (parameters); a parameter with
    /// false is frozen and gets no gradient. Results of recorded ops report true.
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (Creator is not null && !value)
                Errors.Operation($"RequiresGrad: {Describe()} is the result of {Creator.Op}; only leaves can be frozen. Use Detach() for a copy without history.");
            requiresGrad = value;
        }
    }

    /// <summary>The op that produced this tensor on the tape; null for leaves.</summary>
    internal Node<T>? Creator { get; private set; }

    /// <summary>True for a tensor no recorded op produced: data and parameters, where Backward stops.</summary>
    public bool IsLeaf => Creator is null;

    /// <summary>The single value of a one-element tensor.</summary>
    public T Item()
    {
        if (Size != 1) Errors.Shape($"Item: {Describe()} has {Size} elements; Item() needs exactly one.");
        return Buffer[0];
    }

    /// <summary>The element at <paramref name="index"/>, one index per axis; reading or writing here bypasses the tape.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public T this[params int[] index]
    {
        get => Buffer[Offset(index)];
        set => Buffer[Offset(index)] = value;
    }

    private int Offset(int[] index)
    {
        if (index.Length != Rank)
            Errors.Shape($"Index: {index.Length} indices given for shape {Shape} (rank {Rank}).");
        int offset = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int d = Shape[i];
            if ((uint)index[i] >= (uint)d)
                Errors.Shape($"Index: index {index[i]} on axis {i} is out of range for shape {Shape} (0..{d - 1}).");
            offset = offset * d + index[i];
        }
        return offset;
    }

    /// <summary>A copy of the elements in row-major order.</summary>
    public T[] ToArray() => (T[])Buffer.Clone();

    /// <summary>A copy with the same values and no history or gradient.</summary>
    public NDArray<T> Detach() => new(Shape, (T[])Buffer.Clone()) { Name = Name };

    /// <summary>Same values, new storage, no history. Alias of <see cref="Detach"/> for readability.</summary>
    public NDArray<T> Clone() => Detach();

    /// <summary>Drops the accumulated gradient, so the next Backward starts from zero (gradients add up otherwise).</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>"weight [784,16]" or "tensor [3]": how messages refer to this tensor.</summary>
    internal string Describe() => $"{Name ?? "tensor"} {Shape}";

    // ---- Factories -------------------------------------------------------------------------

    /// <summary>A tensor of <paramref name="shape"/> filled with 0.</summary>
    public static NDArray<T> Zeros(params int[] shape) => new(new Shape(shape));

    /// <summary>A tensor of <paramref name="shape"/> filled with 1.</summary>
    public static NDArray<T> Ones(params int[] shape) => Full(T.One, shape);

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static NDArray<T> Full(T value, params int[] shape)
    {
        var t = new NDArray<T>(new Shape(shape));
        Array.Fill(t.Buffer, value);
        return t;
    }

    /// <summary>A rank-0 tensor holding <paramref name="value"/>; it broadcasts against any shape.</summary>
    public static NDArray<T> Scalar(T value) => new(Shape.Scalar, [value]);

    /// <summary>Copies <paramref name="data"/> into a tensor of the given shape (a vector if none given).</summary>
    public static NDArray<T> FromArray(T[] data, params int[] shape)
    {
        var s = shape.Length == 0 ? new Shape(data.Length) : new Shape(shape);
        if (s.Size != data.Length)
            Errors.Shape($"FromArray: {data.Length} values do not fill shape {s} ({s.Size} elements).");
        return new NDArray<T>(s, (T[])data.Clone());
    }

    /// <summary>Uses <paramref name="data"/> as storage without copying; the caller gives up ownership.</summary>
    public static NDArray<T> Wrap(T[] data, params int[] shape)
    {
        var s = new Shape(shape);
        if (s.Size != data.Length)
            Errors.Shape($"Wrap: {data.Length} values do not fill shape {s} ({s.Size} elements).");
        return new NDArray<T>(s, data);
    }

    /// <summary>Normal(mean, std) samples from a seeded generator (Box-Muller), reproducible bit for bit.</summary>
    public static NDArray<T> Normal(Random rng, double mean, double std, params int[] shape)
    {
        var t = new NDArray<T>(new Shape(shape));
        var b = t.Buffer;
        for (int i = 0; i < b.Length; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            b[i] = T.CreateChecked(mean + std * r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < b.Length) b[i + 1] = T.CreateChecked(mean + std * r * Math.Sin(2 * Math.PI * u2));
        }
        return t;
    }

    /// <summary>Uniform samples in [low, high) from a seeded generator.</summary>
    public static NDArray<T> Uniform(Random rng, double low, double high, params int[] shape)
    {
        var t = new NDArray<T>(new Shape(shape));
        for (int i = 0; i < t.Buffer.Length; i++) t.Buffer[i] = T.CreateChecked(low + (high - low) * rng.NextDouble());
        return t;
    }

    /// <summary>0, 1, ..., n-1.</summary>
    public static NDArray<T> Arange(int n)
    {
        var t = new NDArray<T>(new Shape(n));
        for (int i = 0; i < n; i++) t.Buffer[i] = T.CreateChecked(i);
        return t;
    }

    /// <summary>Converts to the other precision (no history: a conversion is a new leaf).</summary>
    public NDArray<TOut> Cast<TOut>() where TOut : unmanaged, IFloatingPointIeee754<TOut>
    {
        var r = new NDArray<TOut>(Shape);
        for (int i = 0; i < Buffer.Length; i++) r.Buffer[i] = TOut.CreateTruncating(Buffer[i]);
        return r;
    }

    /// <summary>Throws naming <paramref name="what"/> and the first bad position if any value is NaN or infinite.</summary>
    public void CheckFinite(string what)
    {
        for (int i = 0; i < Buffer.Length; i++)
            if (!T.IsFinite(Buffer[i]))
                Errors.Argument($"{what}: element {i} of {Describe()} is {Buffer[i]}; every value must be a finite number.");
    }

    /// <summary>The element type, shape and up to 20 values, for debugging: <c>NDArray&lt;Double&gt;[3] [1, 2, 3]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("NDArray<").Append(typeof(T).Name).Append('>').Append(Shape).Append(' ');
        int limit = 20;
        if (Rank == 0) sb.Append(Buffer[0]);
        else
        {
            sb.Append('[');
            for (int i = 0; i < Math.Min(limit, Size); i++)
            {
                if (i > 0) sb.Append(", ");
                sb.Append(Buffer[i].ToString(null, System.Globalization.CultureInfo.InvariantCulture));
            }
            if (Size > limit) sb.Append(", ...");
            sb.Append(']');
        }
        if (RequiresGrad) sb.Append(Creator is null ? " (requires grad)" : $" (from {Creator.Op})");
        return sb.ToString();
    }

    // ---- Tape ------------------------------------------------------------------------------

    /// <summary>True if a gradient must flow into this tensor: a trainable leaf or a recorded result.</summary>
    internal bool NeedsGrad => requiresGrad;
}

/// <summary>Convenience factories that infer the element type from the array.</summary>
public static class NDArray
{
    /// <inheritdoc cref="NDArray{T}.FromArray(T[], int[])"/>
    public static NDArray<T> FromArray<T>(T[] data, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T> =>
        NDArray<T>.FromArray(data, shape);

    /// <inheritdoc cref="NDArray{T}.Scalar(T)"/>
    public static NDArray<T> Scalar<T>(T value) where T : unmanaged, IFloatingPointIeee754<T> => NDArray<T>.Scalar(value);

    /// <summary>A trainable leaf: a copy of <paramref name="data"/> with RequiresGrad set.</summary>
    public static NDArray<T> Parameter<T>(T[] data, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = NDArray<T>.FromArray(data, shape);
        t.RequiresGrad = true;
        return t;
    }
}
