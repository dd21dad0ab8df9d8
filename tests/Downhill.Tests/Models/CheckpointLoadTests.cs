using System.Text.Json.Nodes;
using Downhill.Data;
using Downhill.Training;

namespace Downhill.Tests.Models;

/// <summary>
/// Damaged checkpoints: a missing <c>model</c> or <c>trainer</c> was a NullReferenceException
/// deep in the resumed fit; now loading fails with a <see cref="DataFileException"/> naming the field.
/// </summary>
public class CheckpointLoadTests
{
    /// <summary>Loads the checkpoint and resumes the fit it came from for one more epoch.</summary>
    internal static void LoadAndResume(string path, string name)
    {
        var checkpoint = Checkpoint.Load(path);
        var (data, settings) = StoredFiles.FitOf(name);
        Fitting.Fit(data, settings with { Resume = checkpoint, Training = settings.Training with { Epochs = 3 } });
    }

    private static string Fails(string name, Action<JsonObject> edit)
    {
        var json = StoredFiles.Json(name);
        edit(json);
        var path = StoredFiles.Write(json.ToJsonString());
        var e = Assert.Throws<DataFileException>(() => LoadAndResume(path, name));
        Assert.StartsWith(path, e.Message);
        Assert.EndsWith("use an earlier copy of the checkpoint, or start the fit again without FitSettings.Resume.", e.Message);
        return e.Message;
    }

    [Fact]
    public void The_stored_checkpoints_resume()
    {
        foreach (var name in StoredFiles.CheckpointNames) LoadAndResume(StoredFiles.Write(StoredFiles.Text(name)), name);
    }

    [Theory]
    [InlineData("model", "an object { ... }")]
    [InlineData("trainer", "an object { ... }")]
    [InlineData("optimizer", "an object { ... }")]
    public void A_checkpoint_without_a_part_names_it(string field, string expected)
    {
        Assert.Contains($"field \"{field}\" is missing; expected {expected}", Fails("mlp-checkpoint", c => c.Remove(field)));
    }

    [Theory]
    [InlineData("trainer", "history", "5", "field \"trainer.history\" is 5; expected a list of objects { ... }")]
    [InlineData("trainer", "history", "[{\"epoch\": 1}]", "field \"trainer.history[0].trainLoss\" is missing; expected a number")]
    [InlineData("trainer", "nextEpoch", "\"3\"", "field \"trainer.nextEpoch\" is the string \"3\"; expected a whole number")]
    [InlineData("trainer", "bestWeights", "[[1, 2]]", "field \"trainer.bestWeights\" is a list of 1; expected one list per model parameter (6)")]
    [InlineData("trainer", "nextEpoch", "0", "field \"trainer.nextEpoch\" is 0; expected the epoch to continue at, 1 or more")]
    [InlineData("optimizer", "buffers", "{\"step\": \"many\"}", "field \"optimizer.buffers.step\" is the string \"many\"; expected a list of numbers")]
    [InlineData("optimizer", "learningRate", "\"NaN\"", "field \"optimizer.learningRate\" is NaN; expected a finite learning rate")]
    [InlineData("optimizer", "stepCount", "-1", "field \"optimizer.stepCount\" is -1; expected a count of steps")]
    public void A_field_of_the_wrong_type_or_value_is_named(string part, string field, string value, string expected)
    {
        Assert.Contains(expected, Fails("mlp-checkpoint", c => c[part]![field] = JsonNode.Parse(value)));
    }

    [Fact]
    public void A_duplicate_buffer_is_named()
    {
        var json = StoredFiles.Text("mlp-checkpoint").Replace("\"m.0\":", "\"v.0\": [1], \"m.0\":");
        var path = StoredFiles.Write(json);
        Assert.Contains("field \"optimizer.buffers.v.0\" appears twice", Assert.Throws<DataFileException>(() => Checkpoint.Load(path)).Message);
    }

    [Fact]
    public void The_model_inside_is_checked_as_a_model_file_is()
    {
        var message = Fails("mlp-checkpoint", c => c["model"]!["parameters"]![1]!["shape"] = new JsonArray());
        Assert.Contains(", its \"model\": parameter \"dense1.bias\" has \"shape\": [], which holds 1 value, but 3 values are stored", message);
    }

    [Fact]
    public void A_formula_checkpoint_whose_formula_uses_an_unknown_name_is_refused()
    {
        Assert.Contains("uses \"w\", which is neither a parameter", Fails("formula-checkpoint", c => c["model"]!["formula"] = "y = a*x + b*z + w"));
    }
}
