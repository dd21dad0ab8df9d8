using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Downhill.Tests.Models;

namespace Downhill.Tests.Fuzz;

/// <summary>
/// Model files of every kind and checkpoints, written by the library, then damaged at random:
/// fields deleted, values of another type, numbers made huge, negative, zero or NaN, bytes cut
/// off or changed, keys doubled, lists shortened or lengthened, sizes and counts off by one. Loading, predicting, evaluating
/// (and for checkpoints resuming) must give a result or a <see cref="DataFileException"/>, never
/// another exception, and allocate a bounded amount while doing so.
/// </summary>
public partial class StoredFileFuzzTests
{
    /// <summary>Cases per test in <c>dotnet test</c> (about a second each); DOWNHILL_FUZZ_ITERATIONS asks for more.</summary>
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("DOWNHILL_FUZZ_ITERATIONS"), out long n) ? n : 1500;

    /// <summary>
    /// The most one case may allocate. The stored files are a few KB and the table six rows, so a
    /// correct run allocates well under 1 MB; 32 MB would mean something was sized from a damaged number.
    /// </summary>
    private const long MaxBytesPerCase = 32 << 20;

    /// <summary>One damage: which kind, and two numbers that pick where and what.</summary>
    public readonly record struct Damage(int Kind, int Where, int What);

    private static readonly Gen<Damage> OneDamage = Gen.Select(Gen.Int[0, 8], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], (k, w, v) => new Damage(k, w, v));

    [Fact]
    public void Damaged_model_files_load_and_predict_or_fail_cleanly()
    {
        Gen.Select(Gen.Int[0, StoredFiles.ModelNames.Length - 1], OneDamage.Array[1, 3])
            .Sample((file, damages) =>
            {
                string name = StoredFiles.ModelNames[file];
                Run(Damaged(StoredFiles.Text(name), damages), ModelFileLoadTests.LoadPredictEvaluate);
            }, iter: Iterations, print: t => $"{StoredFiles.ModelNames[t.Item1]}: {string.Join(", ", t.Item2)}");
    }

    [Fact]
    public void Damaged_checkpoints_load_and_resume_or_fail_cleanly()
    {
        Gen.Select(Gen.Int[0, StoredFiles.CheckpointNames.Length - 1], OneDamage.Array[1, 3])
            .Sample((file, damages) =>
            {
                string name = StoredFiles.CheckpointNames[file];
                Run(Damaged(StoredFiles.Text(name), damages), path =>
                {
                    try { CheckpointLoadTests.LoadAndResume(path, name); }
                    // A sound checkpoint of another model or optimizer than the fit asks for: the
                    // fit refuses it as an argument ("resume with the same --model").
                    catch (ArgumentException e) when (e.Message.Contains("checkpoint", StringComparison.Ordinal)) { }
                });
            }, iter: Iterations / 3, print: t => $"{StoredFiles.CheckpointNames[t.Item1]}: {string.Join(", ", t.Item2)}");
    }

    private static void Run(string text, Action<string> use)
    {
        var path = StoredFiles.Write(text);
        long before = GC.GetAllocatedBytesForCurrentThread();
        try { use(path); }
        catch (DataFileException) { }
        finally { File.Delete(path); }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < MaxBytesPerCase, $"one case allocated {allocated:N0} bytes");
    }

    /// <summary>The text with each damage applied in turn.</summary>
    internal static string Damaged(string text, IEnumerable<Damage> damages)
    {
        foreach (var d in damages) text = Apply(text, d);
        return text;
    }

    private static readonly string[] Replacements =
        ["\"text\"", "7", "-1", "0", "true", "null", "[]", "{}", "1e300", "\"NaN\"", "[1, 2]", "{\"a\": 1}", "\"\""];

    private static readonly string[] Numbers =
        ["46000", "2147483647", "-3", "0", "\"NaN\"", "\"Infinity\"", "1.5", "1e300", "-2147483648", "1"];

    private static readonly string[] Words =
        ["mlp", "linear", "logistic", "softmax", "formula", "float32", "float64", "cross-entropy", "binary-cross-entropy",
         "mse", "classification", "regression", "x", "z", "y", "a", "weight", "bias", "dense1.weight", "", "y = a*x + q", "Adam", "Sgd"];

    private static readonly char[] Bytes = ['{', '}', '[', ']', '"', ',', ':', '0', '9', '-', 'e', 'n', ' ', '\\', '.'];

    private static string Apply(string text, Damage d)
    {
        if (d.Kind == 3) return text[..(d.Where % (text.Length + 1))];
        if (d.Kind == 4)
        {
            if (text.Length == 0) return text;
            var b = new StringBuilder(text);
            b[d.Where % text.Length] = Bytes[d.What % Bytes.Length];
            return b.ToString();
        }
        if (d.Kind == 5)
        {
            // A key again, just before itself: the same object now holds it twice.
            var keys = Key().Matches(text);
            if (keys.Count == 0) return text;
            var key = keys[d.Where % keys.Count];
            return text[..key.Index] + $"{key.Value} {Numbers[d.What % Numbers.Length]}, " + text[key.Index..];
        }
        JsonNode? root;
        var nodes = new List<JsonNode>();
        try
        {
            root = JsonNode.Parse(text);
            if (root is null) return text;
            Collect(root, nodes);
        }
        // Already not JSON, or holding a key twice (JsonObject refuses those when first read): the text damages still apply.
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException) { return text; }
        switch (d.Kind)
        {
            case 0: // delete a field
                var fields = nodes.OfType<JsonObject>().SelectMany(o => o.Select(p => (o, p.Key))).ToList();
                if (fields.Count > 0) { var (o, k) = fields[d.Where % fields.Count]; o.Remove(k); }
                break;
            case 1: // a value of another type
                Replace(root, nodes, d.Where, Replacements[d.What % Replacements.Length]);
                break;
            case 2: // a number made huge, negative, zero, fractional or NaN
                var numbers = nodes.Where(n => n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number).ToList();
                if (numbers.Count > 0) Replace(root, numbers, d.Where, Numbers[d.What % Numbers.Length]);
                break;
            case 6: // a list one shorter, or one longer
                var lists = nodes.OfType<JsonArray>().ToList();
                if (lists.Count == 0) break;
                var list = lists[d.Where % lists.Count];
                if (d.What % 2 == 0 && list.Count > 0) list.RemoveAt(d.What / 2 % list.Count);
                else list.Add(list.Count > 0 ? list[d.What / 2 % list.Count]?.DeepClone() : JsonValue.Create(1));
                break;
            case 8: // a number one more or one less, as a hand edit of a size or a count would be
                var counts = nodes.Where(n => n is JsonValue v && v.TryGetValue(out int _)).ToList();
                if (counts.Count > 0)
                {
                    var count = counts[d.Where % counts.Count];
                    Replace(root, counts, d.Where, (count.GetValue<int>() + (d.What % 2 == 0 ? 1 : -1)).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                break;
            case 7: // a string replaced by another name the files use
                var strings = nodes.Where(n => n is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String).ToList();
                if (strings.Count > 0) Replace(root, strings, d.Where, "\"" + Words[d.What % Words.Length] + "\"");
                break;
        }
        return root.ToJsonString();
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        if (node is JsonObject o) foreach (var (_, v) in o) { if (v is not null) Collect(v, into); }
        else if (node is JsonArray a) foreach (var v in a) { if (v is not null) Collect(v, into); }
    }

    /// <summary>Puts <paramref name="json"/> where one of <paramref name="candidates"/> (never the root) is.</summary>
    private static void Replace(JsonNode root, List<JsonNode> candidates, int where, string json)
    {
        var target = candidates[where % candidates.Count];
        if (target == root || target.Parent is null) return;
        var value = JsonNode.Parse(json);
        if (target.Parent is JsonObject o) o[target.GetPropertyName()] = value;
        else if (target.Parent is JsonArray a) a[target.GetElementIndex()] = value;
    }

    [GeneratedRegex("\"[A-Za-z0-9_.]+\":")]
    private static partial Regex Key();
}
