using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Downhill.Models;

/// <summary>
/// Reads the JSON files the library writes (model files, checkpoints) so that a damaged or
/// hand-edited file fails with one <see cref="DataFileException"/> naming the file, the field, the
/// value found and what belongs there, instead of whatever the deserializer or a later
/// <c>null</c> happens to throw. The check walks the record types themselves, so a field added
/// to a record is checked without a second list to keep in step.
/// </summary>
internal static class StoredJson
{
    /// <summary>
    /// The document in <paramref name="text"/>, which must be one JSON object (its fields are
    /// checked by <see cref="CheckFields"/>). <paramref name="fix"/> ends every message;
    /// <paramref name="dataFileHint"/> ends the one for a CSV file given in the wrong place.
    /// </summary>
    public static JsonDocument Parse(string path, string text, string what, string fix, string dataFileHint)
    {
        if (string.IsNullOrWhiteSpace(text)) Errors.Data($"{path} is empty, not a {what}; {fix}.");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e)
        {
            string start = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
            string first = start.Split('\n', 2)[0];
            if (!start.StartsWith('{') && !start.StartsWith('[') && (first.Contains(',') || first.Contains(';') || first.Contains('\t')))
                Errors.Data($"{path} looks like a data file, not a {what}; {dataFileHint}.");
            Errors.Data($"{path} is not a {what}: it is not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1} " +
                $"(a truncated or damaged file; NaN and Infinity must be written in quotes); {fix}.");
            throw; // unreachable: Errors.Data throws
        }
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            string found = Describe(doc.RootElement);
            doc.Dispose();
            Errors.Data($"{path} is not a {what}: it holds {found} where one JSON object {{ ... }} belongs; {fix}.");
        }
        return doc;
    }

    /// <summary>The root's <c>format</c> field when it is a string; null otherwise.</summary>
    public static string? Format(JsonElement root) =>
        root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;

    /// <summary>
    /// Checks <paramref name="element"/> against the properties of <paramref name="type"/>,
    /// recursively: every non-nullable property present, no key twice, each value of its
    /// property's JSON type (whole numbers that fit an int, enum names that exist).
    /// </summary>
    public static void CheckFields(JsonElement element, Type type, string path, string fix) =>
        new Walker(path, fix).Object(element, type, "");

    /// <summary>Deserializes a document <see cref="CheckFields"/> accepted; what the types cannot say (a scale of 0) still fails cleanly.</summary>
    public static T Deserialize<T>(JsonDocument doc, JsonSerializerOptions options, string path, string what, string fix)
    {
        try
        {
            return doc.Deserialize<T>(options) ?? throw new DataFileException($"{path} is not a {what}: it holds null; {fix}.");
        }
        catch (JsonException e)
        {
            throw new DataFileException($"{path}: field \"{Field(e.Path)}\" cannot be read ({Short(e.Message)}); {fix}.");
        }
        catch (ArgumentException e)
        {
            // A constructor that checks its arguments (Scaler: a scale of 0 or NaN) rejected the values.
            throw new DataFileException($"{path}: {e.Message.TrimEnd('.')}; {fix}.");
        }
    }

    private static string Field(string? jsonPath) => string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "(top level)" : jsonPath.TrimStart('$', '.');

    private static string Short(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd('.');
    }

    /// <summary>A value as a message shows it: short values as written, long ones by kind and size.</summary>
    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => e.GetArrayLength() switch { 0 => "an empty list []", 1 => "a list of 1 item", int n => $"a list of {n} items" },
        JsonValueKind.String => e.GetString()!.Length <= 40 ? $"the string \"{e.GetString()}\"" : $"a string of {e.GetString()!.Length} characters",
        JsonValueKind.Null => "null",
        _ => e.GetRawText().Length <= 40 ? e.GetRawText() : e.GetRawText()[..40] + "...",
    };

    private sealed class Walker(string path, string fix)
    {
        // NOTE: NullabilityInfoContext is not thread-safe; one per walk.
        private readonly NullabilityInfoContext nullability = new();

        public void Object(JsonElement e, Type type, string field)
        {
            if (e.ValueKind != JsonValueKind.Object) Fail(field, e, "an object { ... }");
            NoDuplicateKeys(e, field);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (!property.CanRead || property.GetIndexParameters().Length > 0 || property.IsDefined(typeof(JsonIgnoreAttribute))) continue;
                string name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                string inner = field.Length == 0 ? name : $"{field}.{name}";
                var info = nullability.Create(property);
                if (e.TryGetProperty(name, out var value)) Value(value, property.PropertyType, info, inner);
                else if (!IsNullable(property.PropertyType, info))
                    Errors.Data($"{path}: field \"{inner}\" is missing; expected {Expected(property.PropertyType, info)}; {fix}.");
            }
        }

        private void Value(JsonElement e, Type type, NullabilityInfo? info, string field)
        {
            if (e.ValueKind == JsonValueKind.Null)
            {
                if (!IsNullable(type, info)) Fail(field, e, Expected(type, info));
                return;
            }
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(string)) Require(e.ValueKind == JsonValueKind.String, field, e, type, info);
            else if (type == typeof(int)) Require(e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _), field, e, type, info);
            else if (type == typeof(long)) Require(e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out _), field, e, type, info);
            else if (type == typeof(double)) Require(IsDouble(e), field, e, type, info);
            else if (type == typeof(bool)) Require(e.ValueKind is JsonValueKind.True or JsonValueKind.False, field, e, type, info);
            else if (type.IsEnum) Require(IsEnum(e, type), field, e, type, info);
            else if (type.IsArray)
            {
                Require(e.ValueKind == JsonValueKind.Array, field, e, type, info);
                int i = 0;
                foreach (var item in e.EnumerateArray())
                    Value(item, type.GetElementType()!, info?.ElementType, $"{field}[{i++}]");
            }
            else if (DictionaryValueType(type) is { } valueType)
            {
                Require(e.ValueKind == JsonValueKind.Object, field, e, type, info);
                NoDuplicateKeys(e, field);
                var valueInfo = info?.GenericTypeArguments is { Length: 2 } args ? args[1] : null;
                foreach (var p in e.EnumerateObject()) Value(p.Value, valueType, valueInfo, $"{field}.{p.Name}");
            }
            else Object(e, type, field);
        }

        private void NoDuplicateKeys(JsonElement e, string field)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in e.EnumerateObject())
                if (!seen.Add(p.Name))
                    Errors.Data($"{path}: field \"{(field.Length == 0 ? p.Name : $"{field}.{p.Name}")}\" appears twice; keep one of the two; {fix}.");
        }

        private void Require(bool ok, string field, JsonElement e, Type type, NullabilityInfo? info)
        {
            if (!ok) Fail(field, e, Expected(type, info));
        }

        private void Fail(string field, JsonElement e, string expected) =>
            Errors.Data($"{path}: field \"{(field.Length == 0 ? "(top level)" : field)}\" is {Describe(e)}; expected {expected}; {fix}.");
    }

    // Numbers, and the named literals the files are written with (AllowNamedFloatingPointLiterals).
    private static bool IsDouble(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number ? e.TryGetDouble(out _)
        : e.ValueKind == JsonValueKind.String && e.GetString() is "NaN" or "Infinity" or "-Infinity";

    // The enum converter reads names in any case; without it (checkpoints) the number is stored.
    private static bool IsEnum(JsonElement e, Type type) =>
        e.ValueKind == JsonValueKind.String
            ? Enum.GetNames(type).Any(n => string.Equals(n, e.GetString(), StringComparison.OrdinalIgnoreCase))
            : e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) && Enum.IsDefined(type, v);

    private static bool IsNullable(Type type, NullabilityInfo? info) =>
        Nullable.GetUnderlyingType(type) is not null || (!type.IsValueType && info?.ReadState != NullabilityState.NotNull);

    private static Type? DictionaryValueType(Type type)
    {
        foreach (var i in type.IsInterface ? type.GetInterfaces().Append(type) : type.GetInterfaces())
            if (i.IsGenericType && i.GetGenericTypeDefinition() is var d
                && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)) && i.GetGenericArguments()[0] == typeof(string))
                return i.GetGenericArguments()[1];
        return null;
    }

    /// <summary>What belongs in a field of <paramref name="type"/>, in words.</summary>
    private static string Expected(Type type, NullabilityInfo? info, bool plural = false)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        string text =
            type == typeof(string) ? (plural ? "strings" : "a string in quotes")
            : type == typeof(int) || type == typeof(long) ? (plural ? "whole numbers" : "a whole number")
            : type == typeof(double) ? (plural ? "numbers" : "a number (or \"NaN\", \"Infinity\" in quotes)")
            : type == typeof(bool) ? "true or false"
            : type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName))
            : type.IsArray ? (plural ? "lists of " : "a list of ") + Expected(type.GetElementType()!, info?.ElementType, plural: true)
            : DictionaryValueType(type) is { } v ? (plural ? "objects" : "an object") + " of named " + Expected(v, null, plural: true)
            : typeof(IEnumerable).IsAssignableFrom(type) ? (plural ? "lists" : "a list")
            : plural ? "objects { ... }" : "an object { ... }";
        return text;
    }
}
