using System.Globalization;

namespace Downhill.Models;

/// <summary>
/// A model as the user names it: <c>linear</c>, <c>logistic</c>, <c>softmax</c>,
/// <c>mlp:16,16</c>, or a formula such as <c>y = a*exp(b*x) + c</c>. Parsed once, at the edge.
/// </summary>
public sealed record ModelSpec(ModelKind Kind, IReadOnlyList<int> Hidden, string? Formula)
{
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
        if (t.Contains('=') || t.IndexOfAny(['*', '+', '-', '/', '^', '(']) >= 0)
            return new(ModelKind.Formula, [], t);
        throw new ArgumentException($"model '{text}' is unknown; use linear, logistic, softmax, mlp:H1,H2,... or a formula such as \"y = m*x + b\".");
    }

    /// <summary>The text <see cref="Parse"/> reads back, e.g. "mlp:16,16".</summary>
    public override string ToString() => Kind switch
    {
        ModelKind.Mlp => "mlp:" + string.Join(",", Hidden),
        ModelKind.Formula => Formula!,
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
