using System.Globalization;

namespace Downhill.Models;

/// <summary>
/// A model as the user names it: <c>linear</c>, <c>logistic</c>, <c>softmax</c>,
/// <c>mlp:16,16</c>, a list of layers such as <c>conv:32x3x3,pool:2,dense:128</c>, or a formula
/// such as <c>y = a*exp(b*x) + c</c>. Parsed once, at the edge.
/// </summary>
public sealed record ModelSpec(ModelKind Kind, IReadOnlyList<int> Hidden, string? Formula)
{
    /// <summary>The layers of a <see cref="ModelKind.Conv"/> model, in order; empty for the other kinds.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; init; } = [];

    /// <summary>The shape of one input image for a conv model; null to infer a square one-channel image from the column count.</summary>
    public ImageShape? Image { get; init; }

    /// <summary>Reads linear, logistic, softmax, mlp:H1,H2,... or a formula (text with = or an operator); anything else names the forms.</summary>
    public static ModelSpec Parse(string text)
    {
        var t = text.Trim();
        var lower = t.ToLowerInvariant();
        switch (lower)
        {
            case "linear": return new(ModelKind.Linear, [], null);
            case "logistic": return new(ModelKind.Logistic, [], null);
            case "softmax": return new(ModelKind.Softmax, [], null);
        }
        if (lower.StartsWith("mlp", StringComparison.Ordinal) && !t.Contains('='))
        {
            var rest = t[3..];
            if (!rest.StartsWith(':') || rest.Length == 1)
                throw new ArgumentException($"model '{text}': give the hidden layer sizes after a colon, e.g. mlp:16,16 or mlp:128.");
            var hidden = new List<int>();
            foreach (var part in rest[1..].Split(','))
            {
                if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int h) || h < 1)
                    throw new ArgumentException($"model '{text}': hidden layer size '{part}' is not a positive whole number (e.g. mlp:16,16).");
                hidden.Add(h);
            }
            return new(ModelKind.Mlp, hidden, null);
        }
        int colon = lower.IndexOfAny([':', ',']);
        if (!t.Contains('=') && LayerSpec.Words.Contains(colon < 0 ? lower : lower[..colon].Trim()))
            return new(ModelKind.Conv, [], null) { Layers = LayerSpec.ParseList(t) };
        if (t.Contains('=') || t.IndexOfAny(['*', '+', '-', '/', '^', '(']) >= 0)
            return new(ModelKind.Formula, [], t);
        throw new ArgumentException($"model '{text}' is unknown; use linear, logistic, softmax, mlp:H1,H2,..., layers such as conv:32x3x3,pool:2,dense:128 or a formula such as \"y = m*x + b\".");
    }

    /// <summary>The text <see cref="Parse"/> reads back, e.g. "mlp:16,16".</summary>
    public override string ToString() => Kind switch
    {
        ModelKind.Mlp => "mlp:" + string.Join(",", Hidden),
        ModelKind.Formula => Formula!,
        ModelKind.Conv => string.Join(",", Layers),
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
