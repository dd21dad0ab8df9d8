using System.Text.Json.Nodes;
using Downhill.Data;
using Downhill.Models;
using Downhill.Training;

namespace Downhill.Tests.Models;

/// <summary>
/// Model files of every kind and checkpoints, each written by the library itself from a short
/// fit of a six-row table, plus that table to predict and evaluate on. The damaged-file tests
/// start from these, so they damage what users really have on disk.
/// </summary>
internal static class StoredFiles
{
    /// <summary>x, z features; y a number; c two classes; k three classes.</summary>
    public const string Table = "x,z,y,c,k\n1,0.5,2,a,p\n2,0.1,4,b,q\n3,0.7,6,a,r\n4,0.2,8,b,p\n5,0.9,10,a,q\n6,0.3,12,b,r\n";

    public static readonly string Folder = CreateFolder();
    public static readonly string TablePath = Path.Combine(Folder, "table.csv");

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Texts = new(WriteAll);

    /// <summary>The kinds of model file: linear, logistic, softmax, mlp (regression), mlp-classes, formula.</summary>
    public static readonly string[] ModelNames = ["linear", "logistic", "softmax", "mlp", "mlp-classes", "formula"];

    /// <summary>Checkpoints: of the mlp regression fit and of the formula fit.</summary>
    public static readonly string[] CheckpointNames = ["mlp-checkpoint", "formula-checkpoint"];

    /// <summary>The JSON text of a stored model file or checkpoint, as the library wrote it.</summary>
    public static string Text(string name) => Texts.Value[name];

    /// <summary>The text parsed for editing.</summary>
    public static JsonObject Json(string name) => JsonNode.Parse(Text(name))!.AsObject();

    /// <summary>The settings the checkpoint of <paramref name="name"/> was written with, to resume it.</summary>
    public static (Dataset Data, FitSettings Settings) FitOf(string name) => name switch
    {
        "mlp-checkpoint" => (Load("y", TargetKind.Regression), new FitSettings { Model = ModelSpec.Parse("mlp:3,2"), Training = new() { Epochs = 2 } }),
        "formula-checkpoint" => (Load(null, TargetKind.Regression, ["x", "z", "y"]), new FitSettings { Model = ModelSpec.Parse("y = a*x + b*z"), Training = new() { Epochs = 2 } }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a checkpoint"),
    };

    /// <summary>Writes <paramref name="text"/> to a new file in the folder and returns its path.</summary>
    public static string Write(string text)
    {
        var path = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, text);
        return path;
    }

    private static string CreateFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "downhill-tests", "stored-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "table.csv"), Table);
        return dir;
    }

    private static Dataset Load(string? target, TargetKind kind, string[]? features = null) =>
        DataSource.Load(TablePath, new DataOptions { Targets = target is null ? null : [target], Features = features ?? ["x", "z"], TargetKind = kind });

    private static IReadOnlyDictionary<string, string> WriteAll()
    {
        var texts = new Dictionary<string, string>();
        string Fit(Dataset data, string model, string? checkpoint = null)
        {
            var path = checkpoint is null ? null : Path.Combine(Folder, checkpoint + ".json");
            var outcome = Fitting.Fit(data, new FitSettings { Model = ModelSpec.Parse(model), Training = new() { Epochs = 2 }, CheckpointPath = path });
            if (checkpoint is not null) texts[checkpoint] = File.ReadAllText(path!);
            return outcome.Model.ToJson();
        }
        texts["linear"] = Fit(Load("y", TargetKind.Regression), "linear");
        texts["logistic"] = Fit(Load("c", TargetKind.Classification), "logistic");
        texts["softmax"] = Fit(Load("k", TargetKind.Classification), "softmax");
        texts["mlp"] = Fit(Load("y", TargetKind.Regression), "mlp:3,2", "mlp-checkpoint");
        texts["mlp-classes"] = Fit(Load("k", TargetKind.Classification), "mlp:3");
        texts["formula"] = Fit(Load(null, TargetKind.Regression, ["x", "z", "y"]), "y = a*x + b*z", "formula-checkpoint");
        return texts;
    }
}
