namespace Downhill;

/// <summary>NumPy broadcasting: shapes align from the right; a dimension of 1 stretches.</summary>
internal static class Broadcast
{
    public static Shape Shapes(Shape a, Shape b, string op)
    {
        if (a == b) return a;
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
                Errors.Shape($"{op}: shapes {a} and {b} do not broadcast (sizes {da} and {db} differ at axis {i} of the result, and neither is 1).");
            dims[i] = da == 1 ? db : da;
        }
        return Shape.Wrap(dims);
    }

    /// <summary>Strides of <paramref name="s"/> seen through the broadcast <paramref name="result"/> shape: 0 where it stretches.</summary>
    public static int[] Strides(Shape s, Shape result)
    {
        var st = new int[result.Rank];
        var own = s.Strides();
        int off = result.Rank - s.Rank;
        for (int i = 0; i < s.Rank; i++)
            st[i + off] = s[i] == 1 && result[i + off] != 1 ? 0 : own[i];
        return st;
    }
}
