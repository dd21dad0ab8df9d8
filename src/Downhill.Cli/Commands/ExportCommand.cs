using Downhill.Onnx;

namespace Downhill.Cli.Commands;

/// <summary><c>downhill export model.json --onnx model.onnx</c>.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var modelPath = new Argument<string>("MODEL") { Description = "A model file written by 'downhill fit' or 'downhill solve'." };
        var onnx = new Option<string>("--onnx")
        {
            Description = "Write the model here as ONNX (opset 17), for ONNX Runtime and other ONNX tools. The name ends in .onnx.",
            Required = true,
            HelpName = "FILE.onnx",
        };
        var command = new Command("export", "Write a saved model in another format, to predict without Downhill. Every kind exports: linear, logistic, softmax, mlp, conv, formula.\n" +
            $"ONNX: input \"{OnnxExport.InputName}\" [rows, features] in the model's precision (float32, or float64 for formulas), in the data's own units " +
            "(the stored scaler is in the graph; a conv model reshapes each row to its image). Regression and formula models output " +
            $"\"{OnnxExport.PredictionName}\" [rows, targets]; classifiers output \"{OnnxExport.ProbabilitiesName}\" [rows, classes], " +
            $"\"{OnnxExport.LabelName}\" [rows] (int64 class index) and \"{OnnxExport.ClassName}\" [rows] (class name). " +
            "Feature, target and class names are in the file's metadata.\n" +
            "Example: downhill export model.json --onnx model.onnx")
        { modelPath, onnx };
        command.SetAction(r =>
        {
            string input = r.GetValue(modelPath)!, output = r.GetValue(onnx)!;
            if (!Path.GetExtension(output).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"--onnx {output}: '{Path.GetExtension(output)}' is not the ONNX extension; end the name in .onnx (e.g. --onnx model.onnx).");
            Cli.CheckOutputPath(output, "--onnx", input);
            var model = ModelFile.Load(input);
            OnnxExport.Save(model, output);
            var outputs = model.Classes is null
                ? $"\"{OnnxExport.PredictionName}\" [rows, {model.Targets.Length}] ({string.Join(", ", model.Targets)})"
                : $"\"{OnnxExport.ProbabilitiesName}\" [rows, {model.Classes.Length}] ({string.Join(", ", model.Classes)}), \"{OnnxExport.LabelName}\" [rows], \"{OnnxExport.ClassName}\" [rows]";
            Console.Error.WriteLine($"{output} written: input \"{OnnxExport.InputName}\" [rows, {model.Features.Length}] {model.Precision} " +
                $"({string.Join(", ", model.Features)}); output {outputs}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
