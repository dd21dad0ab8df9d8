using System.Text.Json;
using Downhill.Models;
using Downhill.Optim;

namespace Downhill.Training;

/// <summary>
/// Everything needed to continue a fit exactly: the model (as a model file, so a checkpoint is
/// also usable by <c>predict</c>), the optimizer's state and the loop's own state.
/// </summary>
public sealed record Checkpoint(ModelFile Model, OptimizerState Optimizer, TrainerState Trainer)
{
    public const string FormatName = "downhill-checkpoint";
    public string Format { get; init; } = FormatName;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new DataException($"checkpoint {Path.GetFullPath(path)} does not exist.");
        try
        {
            var c = JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(path), Json);
            if (c is null || c.Format != FormatName)
                throw new DataException($"{path} is not a Downhill checkpoint (write one with 'downhill fit --checkpoint FILE').");
            return c;
        }
        catch (JsonException e)
        {
            throw new DataException($"{path} is a damaged checkpoint: {e.Message}");
        }
    }
}
