namespace Downhill;

/// <summary>The dimensions of a dense, row-major tensor. Rank 0 is a scalar.</summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[]? dims;

    public Shape(params int[] dimensions)
    {
        foreach (var d in dimensions)
            if (d < 0) Errors.Shape($"Shape: dimension {d} in {Format(dimensions)} is negative; sizes must be >= 0.");
        dims = (int[])dimensions.Clone();
    }

    internal static Shape Wrap(int[] dimensions) => new(dimensions, wrap: true);

    private Shape(int[] dimensions, bool wrap) => dims = dimensions;

    public static Shape Scalar => new([], wrap: true);

    public int Rank => dims?.Length ?? 0;

    public ReadOnlySpan<int> Dimensions => dims;

    public int this[int axis] => dims![axis < 0 ? axis + Rank : axis];

    /// <summary>Number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Size
    {
        get
        {
            long n = 1;
            foreach (var d in Dimensions) n *= d;
            if (n > Array.MaxLength) Errors.Shape($"Shape {this} has {n} elements, more than one array can hold ({Array.MaxLength}).");
            return (int)n;
        }
    }

    /// <summary>Row-major strides: the distance in elements between neighbours along each axis.</summary>
    public int[] Strides()
    {
        var s = new int[Rank];
        int step = 1;
        for (int i = Rank - 1; i >= 0; i--) { s[i] = step; step *= dims![i]; }
        return s;
    }

    /// <summary>Turns a possibly negative axis into 0..Rank-1, or throws naming the op.</summary>
    public int NormalizeAxis(int axis, string op)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank)
            Errors.Shape($"{op}: axis {axis} is out of range for shape {this} (rank {Rank}); use 0..{Rank - 1} or -1 for the last axis.");
        return a;
    }

    public int[] ToArray() => Dimensions.ToArray();

    public bool Equals(Shape other) => Dimensions.SequenceEqual(other.Dimensions);
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dimensions) h.Add(d);
        return h.ToHashCode();
    }
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    public override string ToString() => Format(Dimensions);

    internal static string Format(ReadOnlySpan<int> d) => "[" + string.Join(",", d.ToArray()) + "]";
}
