using Downhill.Analysis;
using Downhill.Data;
using Downhill.Models;
using Downhill.Training;

namespace Downhill.Experiments;

/// <summary>
/// Gradient checking of a whole model as <c>fit</c> would build it: the model in double
/// precision on its first few samples, Backward() against central finite differences for
/// every element of every parameter.
/// </summary>
public static class ModelGradCheck
{
    /// <summary>Checks Backward() on the model <paramref name="settings"/> build, in double precision on the first <paramref name="samples"/> rows of <paramref name="data"/>, against central differences with step <paramref name="step"/>.</summary>
    public static GradCheckReport Run(Dataset data, FitSettings settings, int samples, double step = 1e-6)
    {
        if (samples < 1) Errors.OutOfRange("samples", samples, "at least 1 sample");
        // The first rows; at least two, because preparing a fit (scaling) needs two.
        int rows = Math.Min(data.Count, Math.Max(samples, 2));
        var subset = rows == data.Count ? data : data.Subset(Enumerable.Range(0, rows).ToArray());
        var prepared = Fitting.Prepare<double>(subset, settings with { ValidationFraction = 0, Precision = Precision.Float64 });
        var model = prepared.Model;
        var train = prepared.Train;
        // A conv network is checked in its evaluation pass on both sides: GradCheck's numeric passes
        // run under NoGrad, which a plain Forward takes for evaluation, and dropout would draw a new
        // mask on every training pass.
        NDArray<double> Output() => model is ConvNet<double> conv ? conv.Forward(train.Features, training: false) : model.Forward(train.Features);
        return GradCheck.Run(() => Nn.Losses.Compute(prepared.Loss, Output(), train.Targets, train.Labels),
            model.Parameters.Where(p => p.RequiresGrad).ToList(), step);
    }
}
