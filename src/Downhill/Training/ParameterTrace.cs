using System.Globalization;
using System.Numerics;
using System.Text;
using Downhill.Models;

namespace Downhill.Training;

/// <summary>One row of a <see cref="ParameterTrace"/>: every parameter value after <paramref name="Step"/> updates.</summary>
public sealed record TracePoint(long Step, double Loss, double[] Values);

/// <summary>
/// Every parameter value after every update: the route gradient descent took, for pictures and
/// for <c>downhill surface --path</c>. Row 0 holds the start values with the full training loss
/// there; row k holds the values after update k with the loss of the batch that update used,
/// measured before it (the loss the optimizer saw). Values are the ones the model stores: for a
/// linear or softmax model fitted on scaled features, weights in scaled-feature units.
/// </summary>
public sealed class ParameterTrace
{
    /// <summary>Above this many parameter values a trace grows too wide to read or draw.</summary>
    public const int DefaultMaxParameters = 1000;

    private readonly Func<double[]> read;
    private readonly List<TracePoint> points = [];

    private ParameterTrace(string[] names, Func<double[]> read)
    {
        Names = names;
        this.read = read;
    }

    /// <summary>Column names: a scalar parameter keeps its name (<c>m</c>); tensor elements are <c>weight[0,1]</c>, as --grid and --freeze write them.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The recorded points in the order they were taken, the start first.</summary>
    public IReadOnlyList<TracePoint> Points => points;

    /// <summary>A trace of <paramref name="model"/>'s parameters, empty until <see cref="Record"/> is called.</summary>
    public static ParameterTrace Of<T>(Model<T> model, int maxParameters = DefaultMaxParameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.ParameterCount > maxParameters)
            Errors.Argument($"a parameter trace records every value after every update; this model has {model.ParameterCount:N0} parameters, " +
                $"more than the {maxParameters:N0} a trace allows. Trace a formula or a small linear model, or keep TrainingResult.History (per-epoch losses) instead.");
        var parameters = model.Parameters;
        var names = parameters.SelectMany(ElementNames).ToArray();
        return new ParameterTrace(names, () =>
        {
            var values = new double[names.Length];
            int k = 0;
            foreach (var p in parameters)
                foreach (var v in p.Data) values[k++] = double.CreateTruncating(v);
            return values;
        });
    }

    /// <summary>Reads the model's current values into a new row.</summary>
    public void Record(long step, double loss) => points.Add(new TracePoint(step, loss, read()));

    /// <summary>Forgets every point (a session that was reset records its path again).</summary>
    public void Clear() => points.Clear();

    /// <summary>Hooks that record a row after every update, then call <paramref name="inner"/>'s hooks.</summary>
    public TrainingCallbacks Around(TrainingCallbacks? inner) => new()
    {
        Batch = inner?.Batch,
        Epoch = inner?.Epoch,
        EpochEnd = inner?.EpochEnd,
        Step = step =>
        {
            Record(step.Step, step.Loss);
            inner?.Step?.Invoke(step);
        },
    };

    /// <summary>The values of one column, row by row.</summary>
    public double[] Column(string name)
    {
        int k = -1;
        for (int i = 0; i < Names.Count; i++)
            if (Names[i] == name) k = i;
        if (k < 0) Errors.Argument($"the trace has no parameter '{name}'; it has: {string.Join(", ", Names)}.");
        return points.Select(p => p.Values[k]).ToArray();
    }

    /// <summary>CSV with header <c>step,loss,&lt;names&gt;</c>, numbers in round-trip precision.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("step,loss");
        foreach (var name in Names) sb.Append(',').Append(Quote(name));
        sb.Append('\n');
        foreach (var p in points)
        {
            sb.Append(p.Step.ToString(CultureInfo.InvariantCulture)).Append(',').Append(R(p.Loss));
            foreach (var v in p.Values) sb.Append(',').Append(R(v));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToCsv());

    private static IEnumerable<string> ElementNames<T>(NDArray<T> p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p.Size == 1 && p.Rank <= 1) return [p.Name!];
        var shape = p.Shape.ToArray();
        var names = new string[p.Size];
        var index = new int[shape.Length];
        for (int flat = 0; flat < names.Length; flat++)
        {
            names[flat] = $"{p.Name}[{string.Join(",", index)}]";
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        return names;
    }

    // NOTE: element names such as weight[0,1] hold a comma, so they are quoted; readers that split on
    // every comma (surface --path) match the scalar names m, b, which never need quotes.
    private static string Quote(string name) => name.Contains(',') ? $"\"{name}\"" : name;

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
