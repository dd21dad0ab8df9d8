using System.Globalization;
using System.Numerics;

namespace Downhill.Models;

/// <summary>Names a parameter (<c>b</c>) or one of its elements (<c>weight[0,1]</c>), as --freeze and --grid do.</summary>
internal static class ParameterElement
{
    /// <summary>The parameter, and the flat index of the element when one is named (null for the whole parameter).</summary>
    public static (NDArray<T> Parameter, int? Element) Resolve<T>(Model<T> model, string text, string option)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var spec = text.Trim();
        int bracket = spec.IndexOf('[');
        string name = bracket < 0 ? spec : spec[..bracket].Trim();
        var p = model.Parameter(name);
        if (bracket < 0) return (p, null);
        if (!spec.EndsWith(']'))
            Errors.Argument($"{option} \"{text}\": write one element as name[i,j], e.g. weight[0,1].");
        var index = spec[(bracket + 1)..^1].Split(',').Select(s =>
            int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i
                : throw new ArgumentException($"{option} \"{text}\": '{s.Trim()}' is not a whole-number index.")).ToArray();
        if (index.Length != p.Rank)
            Errors.Argument($"{option} \"{text}\": {p.Name} has shape {p.Shape}, so give {p.Rank} ind{(p.Rank == 1 ? "ex" : "ices")}.");
        int flat = 0;
        for (int d = 0; d < index.Length; d++)
        {
            if ((uint)index[d] >= (uint)p.Shape[d])
                Errors.Argument($"{option} \"{text}\": index {index[d]} is out of range for axis {d} of {p.Name} {p.Shape} (0..{p.Shape[d] - 1}).");
            flat = flat * p.Shape[d] + index[d];
        }
        return (p, flat);
    }

    /// <summary>A scalar parameter, or one named element: the single number a grid axis moves.</summary>
    public static (NDArray<T> Parameter, int Element) ResolveScalar<T>(Model<T> model, string text, string option)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (p, element) = Resolve(model, text, option);
        if (element is int e) return (p, e);
        if (p.Size != 1)
            Errors.Argument($"{option} \"{text}\": {p.Name} has shape {p.Shape}; name one element, e.g. {p.Name}[{string.Join(",", Enumerable.Repeat(0, p.Rank))}].");
        return (p, 0);
    }
}
