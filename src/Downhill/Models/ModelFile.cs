using System.Text.Json;
using System.Text.Json.Serialization;
using Downhill.Data;

namespace Downhill.Models;

/// <summary>One named parameter: its shape and values (stored as double, which holds every float exactly).</summary>
public sealed record ParameterRecord(string Name, int[] Shape, double[] Values);

/// <summary>Least-squares statistics stored with a fit (standard errors, RSS, degrees of freedom).</summary>
public sealed record FitStatisticsRecord(
    double Rss, double ResidualStandardDeviation, int DegreesOfFreedom,
    Dictionary<string, double> StandardErrors, double[][]? Correlation);

/// <summary>
/// A model file: everything needed to predict. JSON with these fields:
/// <c>format</c> ("downhill-model"), <c>version</c>, <c>task</c> (regression | classification),
/// <c>kind</c> (linear | logistic | softmax | mlp | formula | conv), <c>formula</c>, <c>hidden</c>
/// and <c>activation</c> (MLPs), <c>layers</c> and <c>image</c> (conv: the layer list and
/// [channels, height, width]; batch normalization's running statistics follow the parameters), <c>loss</c>, <c>precision</c> (float32 | float64),
/// <c>features</c> (input column names in order), <c>targets</c>, <c>classes</c> (class names
/// for classifiers), <c>scaler</c> (kind, featureOffset, featureScale, targetOffset,
/// targetScale: x' = (x - offset) / scale), <c>parameters</c> (name, shape, values; dense
/// weights are [inputs, outputs]), optional <c>statistics</c> and <c>metrics</c>, and optional
/// <c>missing</c> (policy, and fill: feature name to the value a missing cell takes; see <see cref="MissingFill"/>).
/// </summary>
public sealed partial record ModelFile
{
    /// <summary>The value of the "format" field that marks a Downhill model file.</summary>
    public const string FormatName = "downhill-model";
    /// <summary>The file version this library writes; files of versions 1 to this one are read, others refused naming the version found.</summary>
    public const int CurrentVersion = 1;

    /// <summary>"downhill-model" (<see cref="FormatName"/>); any other value means the file is not a model file.</summary>
    public string Format { get; init; } = FormatName;
    /// <summary>The version of the file layout (<see cref="CurrentVersion"/> when written by this library).</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>"regression" or "classification" (<see cref="TaskKind"/>).</summary>
    public required string Task { get; init; }
    /// <summary>"linear", "logistic", "softmax", "mlp" or "formula" (<see cref="ModelKind"/>).</summary>
    public required string Kind { get; init; }
    /// <summary>The formula text for a formula model, e.g. "y = m*x + b"; null for networks.</summary>
    public string? Formula { get; init; }
    /// <summary>Hidden layer sizes of an mlp, input side first; null for other kinds.</summary>
    public int[]? Hidden { get; init; }

    /// <summary>The layer list of a conv model, as the spec writes it: "conv:32x3x3,pool:2,dense:128".</summary>
    public string? Layers { get; init; }

    /// <summary>The image a conv model reads from each row: [channels, height, width].</summary>
    public int[]? Image { get; init; }

    /// <summary><see cref="Image"/> as a shape; null when absent.</summary>
    internal ImageShape? StoredImage => Image is [int c, int h, int w] ? new ImageShape(c, h, w) : null;
    /// <summary>The hidden layers' activation of an mlp ("relu", "sigmoid", "tanh"); null for other kinds.</summary>
    public string? Activation { get; init; }
    /// <summary>The loss the model was trained with, e.g. "mse" or "cross-entropy"; it decides how outputs become predictions.</summary>
    public required string Loss { get; init; }
    /// <summary>"float32" or "float64": the number type the parameters were trained in.</summary>
    public required string Precision { get; init; }
    /// <summary>Input column names in the order the model reads them; data to predict on must have each.</summary>
    public required string[] Features { get; init; }
    /// <summary>Target column names: what the model predicts.</summary>
    public required string[] Targets { get; init; }
    /// <summary>Class names in label order for classifiers; null for regression.</summary>
    public string[]? Classes { get; init; }
    /// <summary>The scaling fitted on the training data, applied to new data before the model; null when none.</summary>
    public Scaler? Scaler { get; init; }
    /// <summary>Every trained parameter: name, shape and values (dense weights [inputs, outputs]).</summary>
    public required ParameterRecord[] Parameters { get; init; }
    /// <summary>Least-squares statistics of a formula fit (standard errors, RSS); null when not computed.</summary>
    public FitStatisticsRecord? Statistics { get; init; }
    /// <summary>The metrics measured when the model was saved, by name (rmse, mae, r2, accuracy); null when not recorded.</summary>
    public Dictionary<string, double>? Metrics { get; init; }
    /// <summary>How missing cells were handled in training, so predictions treat them alike; null when the data had none.</summary>
    public MissingFill? Missing { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Formulas read as typed ("a + b", not "a \u002B b"); the file is UTF-8 JSON, never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // NOTE: statistics hold NaN for parameters the data do not determine (and σ with no degrees of freedom); written as "NaN".
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// For single-layer models (linear, logistic, softmax): the weights [feature, output] and
    /// biases in the data's own units, the scaler folded in, so the seed's line reads m = 2,
    /// b = 30 although it was trained on standardized x. Null for other kinds.
    /// </summary>
    public (double[,] Weights, double[] Bias)? WeightsInDataUnits()
    {
        if (Kind is not ("linear" or "logistic" or "softmax")) return null;
        var w = Parameters.First(p => p.Name == "weight");
        var b = Parameters.First(p => p.Name == "bias");
        int features = w.Shape[0], outputs = w.Shape[1];
        var rowMajorByOutput = new double[outputs * features];
        for (int j = 0; j < features; j++)
            for (int k = 0; k < outputs; k++) rowMajorByOutput[k * features + j] = w.Values[j * outputs + k];
        var (weights, bias) = Scaler is null ? (rowMajorByOutput, b.Values) : Scaler.InverseLinear(rowMajorByOutput, b.Values);
        var result = new double[features, outputs];
        for (int j = 0; j < features; j++)
            for (int k = 0; k < outputs; k++) result[j, k] = weights[k * features + j];
        return (result, bias);
    }

    /// <summary>The file as indented JSON text, as <c>Save</c> writes it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// Writes to a temporary file beside <paramref name="path"/> and renames it over the target,
    /// so a crash or a full disk never leaves a half-written model in place of a good one.
    /// </summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>
    /// Reads and checks a model file: every field present with its type, the parameters'
    /// shapes backed by their values, and the architecture they declare agreeing with those
    /// shapes (<see cref="Validate(string)"/>). Any fault is a <see cref="DataFileException"/> naming the
    /// file, the field, the value and the fix, raised before anything is sized from the file.
    /// </summary>
    public static ModelFile Load(string path)
    {
        if (!File.Exists(path))
            throw new DataFileException($"model file {Path.GetFullPath(path)} does not exist.");
        using var doc = StoredJson.Parse(path, File.ReadAllText(path), "Downhill model file", Fix,
            dataFileHint: "the model comes first: downhill predict MODEL DATA");
        var root = doc.RootElement;
        if (StoredJson.Format(root) != FormatName)
            throw new DataFileException($"{path} is not a Downhill model file: " +
                (root.TryGetProperty("format", out var format) ? $"its \"format\" is {StoredJson.Describe(format)}, not \"{FormatName}\"" : $"it has no \"format\": \"{FormatName}\" field") +
                "; give a file written by ModelFile.Save.");
        int version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : -1;
        if (version > CurrentVersion)
            throw new DataFileException($"{path} has model format version {version}, newer than this Downhill reads (version {CurrentVersion}); upgrade Downhill to use it.");
        if (version < 1)
            throw new DataFileException($"{path} has no valid \"version\" field; it is not a model file this Downhill wrote.");
        StoredJson.CheckFields(root, typeof(ModelFile), path, Fix);
        var file = StoredJson.Deserialize<ModelFile>(doc, Json, path, "Downhill model file", Fix);
        file.Validate(path);
        return file;
    }
}

/// <summary>
/// Atomic writes: temp file in the same folder, then rename over the target. The temp file is
/// named <c>.NAME.PID.tmp</c> after the target and the writing process, so a process killed
/// mid-write leaves one recognizable file, which the next write of the same target removes.
/// </summary>
internal static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Write(path, s =>
    {
        using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
        w.Write(text);
    });

    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            throw new DataFileException($"cannot write {path}: folder {dir} does not exist (create it first).");
        RemoveStaleTemps(full);
        var temp = TempName(full, Environment.ProcessId);
        try
        {
            using (var s = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(s);
                s.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    internal static string TempName(string fullPath, int processId) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{processId}.tmp");

    /// <summary>
    /// Deletes the temp files of <paramref name="fullPath"/> that processes no longer running left
    /// behind (killed during a write). A live process's temp file is its write in progress: kept.
    /// </summary>
    private static void RemoveStaleTemps(string fullPath)
    {
        string name = Path.GetFileName(fullPath);
        string prefix = $".{name}.";
        // NOTE: the pattern's '*' also matches names of other targets (".a.json.x.5.tmp" for "a.json"), so the middle must be a bare number.
        foreach (var temp in Directory.EnumerateFiles(Path.GetDirectoryName(fullPath)!, $"{prefix}*.tmp"))
        {
            string middle = Path.GetFileName(temp)[prefix.Length..^".tmp".Length];
            if (!int.TryParse(middle, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try { File.Delete(temp); }
            catch (IOException) { } // another writer removed it first, or it is held open: leave it for the next write
            catch (UnauthorizedAccessException) { } // another user's leftover: not ours to remove, and no harm to this write
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
