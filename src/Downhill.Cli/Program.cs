using Downhill.Cli;
using Downhill.Cli.Commands;

var root = new RootCommand(
    "downhill: fit formulas and neural networks to data by gradient descent, and see the descent.\n" +
    "Start with 'downhill demo'. Data is a CSV file (header row) or a built-in set: " +
    string.Join(", ", Downhill.Data.DataSource.BuiltInNames) + ".")
{
    DemoCommand.Create(),
    FitCommand.Create(),
    PredictCommand.Create(),
    EvaluateCommand.Create(),
    MinimizeCommand.Create(),
    SolveCommand.Create(),
    SurfaceCommand.Create(),
    SweepCommand.Create(),
    GradCheckCommand.Create(),
    ExportCommand.Create(),
    LabCommand.Create(),
};
return Cli.Run(root, args);
