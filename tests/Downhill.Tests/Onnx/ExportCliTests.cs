using Downhill.Data;
using Downhill.Models;
using Downhill.Onnx;
using Downhill.Tests.Cli;
using Downhill.Training;

namespace Downhill.Tests.Onnx;

/// <summary><c>downhill export MODEL --onnx OUT</c> run as a process: the file it writes, and its refusals.</summary>
public sealed class ExportCliTests
{
    private static string SavedModel(string folder)
    {
        var x = Enumerable.Range(0, 10).Select(i => i * 0.5).ToArray();
        var data = Dataset.Regression(["x", "y"], [.. x.SelectMany(v => new[] { v, 2 * v + 1 + 0.1 * Math.Sin(v) })], [], []);
        var path = Path.Combine(folder, "model.json");
        Fitting.Fit(data, new FitSettings { Model = ModelSpec.Parse("y = a*x + b"), Optimizer = "lm" }).Model.Save(path);
        return path;
    }

    [Fact]
    public void Export_writes_the_library_bytes_and_says_what_the_file_takes_and_gives()
    {
        var dir = CliProcess.TempFolder();
        var model = SavedModel(dir);
        var (code, stdout, stderr) = CliProcess.Run(dir, "export", "model.json", "--onnx", "model.onnx");
        Assert.True(code == 0, stderr);
        Assert.Equal("", stdout);
        Assert.Equal(OnnxExport.ToBytes(ModelFile.Load(model)), File.ReadAllBytes(Path.Combine(dir, "model.onnx")));
        Assert.Equal("model.onnx written: input \"features\" [rows, 1] float64 (x); output \"prediction\" [rows, 1] (y).", stderr.Trim());
    }

    [Fact]
    public void Help_names_the_inputs_and_outputs()
    {
        var (code, stdout, _) = CliProcess.Run(CliProcess.TempFolder(), "export", "--help");
        Assert.Equal(0, code);
        foreach (var name in new[] { "--onnx <FILE.onnx>", "\"features\" [rows, features]", "\"prediction\" [rows, targets]", "\"probabilities\" [rows, classes]", "downhill export model.json --onnx model.onnx" })
            Assert.Contains(name, stdout);
    }

    [Fact]
    public void A_missing_model_file_is_named()
    {
        var dir = CliProcess.TempFolder();
        var (code, _, stderr) = CliProcess.Run(dir, "export", "nothing.json", "--onnx", "model.onnx");
        Assert.Equal(1, code);
        Assert.Equal($"error: model file {Path.Combine(dir, "nothing.json")} does not exist.", stderr.Trim());
        Assert.False(File.Exists(Path.Combine(dir, "model.onnx")));
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_refused_by_the_model_file_checks()
    {
        var dir = CliProcess.TempFolder();
        File.WriteAllText(Path.Combine(dir, "data.json"), "{\"format\": \"something-else\", \"version\": 1}");
        var (code, _, stderr) = CliProcess.Run(dir, "export", "data.json", "--onnx", "model.onnx");
        Assert.Equal(1, code);
        Assert.StartsWith("error: data.json is not a Downhill model file: its \"format\" is the string \"something-else\", not \"downhill-model\"", stderr.Trim());
    }

    [Fact]
    public void An_output_name_without_the_onnx_extension_is_refused_before_anything_is_written()
    {
        var dir = CliProcess.TempFolder();
        SavedModel(dir);
        var (code, _, stderr) = CliProcess.Run(dir, "export", "model.json", "--onnx", "model.json");
        Assert.Equal(1, code);
        Assert.Equal("error: --onnx model.json: '.json' is not the ONNX extension; end the name in .onnx (e.g. --onnx model.onnx).", stderr.Trim());
    }

    [Fact]
    public void Without_onnx_the_command_says_it_is_required()
    {
        var dir = CliProcess.TempFolder();
        SavedModel(dir);
        var (code, _, stderr) = CliProcess.Run(dir, "export", "model.json");
        Assert.Equal(1, code);
        Assert.Contains("--onnx", stderr);
    }
}
