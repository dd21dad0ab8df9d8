using System.Text.Encodings.Web;
using System.Text.Json;

namespace Downhill.Cli;

/// <summary>
/// What every verb's <c>--json</c> prints: objects written with <see cref="Utf8JsonWriter"/>, keys in
/// the order written. Numbers that are not finite (a diverged loss, an undetermined standard error)
/// are written as null: JSON has no NaN, and a reader that meets one rejects the whole document.
/// </summary>
internal static class JsonOut
{
    /// <summary>One JSON object whose members <paramref name="members"/> writes; indented, or on one line for JSON Lines.</summary>
    public static string Object(Action<Utf8JsonWriter> members, bool indented = true)
    {
        using var stream = new MemoryStream();
        // The relaxed encoder writes '>', '+' and accents as themselves, not \u003E: this JSON goes to
        // terminals and scripts, never into an HTML page, where those escapes would matter.
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A number, or null when it is NaN or infinite; <paramref name="name"/> null inside an array.</summary>
    public static void Number(Utf8JsonWriter w, string? name, double value)
    {
        if (name is not null) w.WritePropertyName(name);
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteNullValue();
    }

    public static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (double v in values) Number(w, null, v);
        w.WriteEndArray();
    }

    /// <summary>Name: value for each metric, in the order the library computed them; null when there are none (no validation rows).</summary>
    public static void Metrics(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, double>>? metrics)
    {
        if (metrics is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        foreach (var (k, v) in metrics) Number(w, k, v);
        w.WriteEndObject();
    }

    /// <summary>Name: value for each named value, e.g. the variables of a point.</summary>
    public static void Named(Utf8JsonWriter w, string name, IReadOnlyList<string> names, IReadOnlyList<double> values)
    {
        w.WriteStartObject(name);
        for (int i = 0; i < names.Count; i++) Number(w, names[i], values[i]);
        w.WriteEndObject();
    }

    /// <summary>An enum name as a JSON code: IterationLimit becomes iteration_limit.</summary>
    public static string SnakeCase(string pascal)
    {
        var sb = new StringBuilder();
        foreach (char c in pascal)
        {
            if (char.IsUpper(c) && sb.Length > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
