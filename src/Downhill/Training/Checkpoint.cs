using System.Globalization;
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
    /// <summary>The value of the "format" field that marks a Downhill checkpoint file.</summary>
    public const string FormatName = "downhill-checkpoint";
    /// <summary>"downhill-checkpoint" (<see cref="FormatName"/>); any other value means the file is not a checkpoint.</summary>
    public string Format { get; init; } = FormatName;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the checkpoint as JSON to <paramref name="path"/>, atomically: a crash mid-write leaves the previous file whole.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    private const string Fix = "use an earlier copy of the checkpoint, or start the fit again without FitSettings.Resume";

    /// <summary>
    /// Reads and checks a checkpoint: every field present with its type (a checkpoint without
    /// <c>trainer</c> would otherwise fail much later with a NullReferenceException), the model checked as
    /// a model file is (<see cref="ModelFile.Validate(string)"/>), and the loop's state fitting it.
    /// </summary>
    /// <exception cref="DataFileException">The first fault found, naming the file, the field, the value and the fix.</exception>
    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new DataFileException($"checkpoint {Path.GetFullPath(path)} does not exist.");
        using var doc = StoredJson.Parse(path, File.ReadAllText(path), "Downhill checkpoint", Fix,
            dataFileHint: "give FitSettings.Resume the file that FitSettings.CheckpointPath wrote");
        if (StoredJson.Format(doc.RootElement) != FormatName)
            throw new DataFileException($"{path} is not a Downhill checkpoint (no \"format\": \"{FormatName}\" field); write one by fitting with FitSettings.CheckpointPath.");
        StoredJson.CheckFields(doc.RootElement, typeof(Checkpoint), path, Fix);
        var c = StoredJson.Deserialize<Checkpoint>(doc, Json, path, "Downhill checkpoint", Fix);
        c.Model.Validate(new ModelFile.Where($"{path}, its \"model\"", Fix));
        c.Validate(path);
        return c;
    }

    /// <summary>The optimizer's and the loop's state: counts that can be counts, and best weights shaped as the model's parameters.</summary>
    private void Validate(string path)
    {
        void Fail(string field, string value, string expected) =>
            Errors.Data($"{path}: field \"{field}\" is {value}; expected {expected}; {Fix}.");
        if (Optimizer.Optimizer.Length == 0) Fail("optimizer.optimizer", "empty", "the optimizer's name, e.g. \"Adam\"");
        if (Optimizer.StepCount < 0) Fail("optimizer.stepCount", Optimizer.StepCount.ToString(CultureInfo.InvariantCulture), "a count of steps, 0 or more");
        if (!(double.IsFinite(Optimizer.LearningRate) && Optimizer.LearningRate >= 0))
            Fail("optimizer.learningRate", Optimizer.LearningRate.ToString("R", CultureInfo.InvariantCulture), "a finite learning rate, 0 or more");
        if (Trainer.NextEpoch < 1) Fail("trainer.nextEpoch", Trainer.NextEpoch.ToString(CultureInfo.InvariantCulture), "the epoch to continue at, 1 or more");
        if (Trainer.EpochsWithoutImprovement < 0)
            Fail("trainer.epochsWithoutImprovement", Trainer.EpochsWithoutImprovement.ToString(CultureInfo.InvariantCulture), "a count of epochs, 0 or more");
        if (Trainer.BestWeights is { } best)
        {
            var parameters = Model.Parameters;
            if (best.Length != parameters.Length)
                Fail("trainer.bestWeights", $"a list of {best.Length}", $"one list per model parameter ({parameters.Length})");
            for (int i = 0; i < best.Length; i++)
                if (best[i].Length != parameters[i].Values.Length)
                    Fail($"trainer.bestWeights[{i}]", $"a list of {best[i].Length}", $"{parameters[i].Values.Length} values, as parameter \"{parameters[i].Name}\" holds");
        }
    }
}
