namespace Downhill;

/// <summary>The dimensions of a dense, row-major tensor. Rank 0 is a scalar.</summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[]? dims;

    /// <summary>A shape of <paramref name="dimensions"/>, each at least 0; the array is copied.</summary>
    public Shape(params int[] dimensions)
    {
        foreach (var d in dimensions)
            if (d < 0) Errors.Shape($"Shape: dimension {d} in {Format(dimensions)} is negative; sizes must be >= 0.");
        dims = (int[])dimensions.Clone();
    }

    internal static Shape Wrap(int[] dimensions) => new(dimensions, wrap: true);

    private Shape(int[] dimensions, bool wrap) => dims = dimensions;

    /// <summary>The shape of a scalar: rank 0, one element.</summary>
    public static Shape Scalar => new([], wrap: true);

    /// <summary>The number of axes (0 for a scalar).</summary>
    public int Rank => dims?.Length ?? 0;

    /// <summary>The size of each axis, outermost first.</summary>
    public ReadOnlySpan<int> Dimensions => dims;

    /// <summary>The size of <paramref name="axis"/>; a negative axis counts from the end (-1 is the last).</summary>
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

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => Dimensions.ToArray();

    /// <summary>True when both have the same dimensions in the same order.</summary>
    public bool Equals(Shape other) => Dimensions.SequenceEqual(other.Dimensions);
    /// <summary>True when <paramref name="obj"/> is a shape with the same dimensions.</summary>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);
    /// <summary>A hash of the dimensions, consistent with equality.</summary>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in Dimensions) h.Add(d);
        return h.ToHashCode();
    }
    /// <summary>True when both shapes have the same dimensions.</summary>
    public static bool operator ==(Shape a, Shape b) => a.Equals(b);
    /// <summary>True when the shapes differ in rank or in any dimension.</summary>
    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    /// <summary>The dimensions as "[2,3]", the form messages use.</summary>
    public override string ToString() => Format(Dimensions);

    internal static string Format(ReadOnlySpan<int> d) => "[" + string.Join(",", d.ToArray()) + "]";
}
