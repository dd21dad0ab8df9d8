using Downhill.Analysis;
using Downhill.Models;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>
/// Fitting.Fit honours its CancellationToken on the Levenberg-Marquardt path: it stops after the
/// iteration under way and keeps the last accepted parameters.
/// </summary>
public sealed class LeastSquaresCancelTests
{
    private static readonly FitSettings Settings = new()
    {
        Model = ModelSpec.Parse("y = a*exp(b*x) + c"),
        Optimizer = "lm",
        Init = new Dictionary<string, double> { ["a"] = 1, ["b"] = -0.1, ["c"] = 0 },
    };

    private static readonly Downhill.Data.Dataset Data =
        LeastSquaresFitTests.Data(LeastSquaresFitTests.Grid(40, 0, 5), x => 3.5 * Math.Exp(-0.8 * x) + 1.25);

    [Fact]
    public void Cancelling_from_the_progress_callback_stops_after_that_iteration()
    {
        using var cancel = new CancellationTokenSource();
        var callbacks = new TrainingCallbacks { Epoch = e => { if (e.Epoch == 2) cancel.Cancel(); } };
        var cancelled = Fitting.Fit(Data, Settings, callbacks, cancel.Token);

        Assert.Equal(StopReason.Cancelled, cancelled.Result.StoppedBecause);
        Assert.Equal(LeastSquaresStop.Cancelled, cancelled.LeastSquares!.Solver!.StoppedBecause);
        Assert.Equal([1, 2], cancelled.Result.History.Select(e => e.Epoch));

        // The same two iterations ended by the iteration limit instead (each of the first two
        // accepts its step): the model must hold exactly their parameters.
        var twoIterations = Fitting.Fit(Data, Settings with { MaxIterations = 2 });
        Assert.Equal(2, twoIterations.Result.History.Count);
        for (int j = 0; j < cancelled.Model.Parameters.Length; j++)
            Assert.Equal(twoIterations.Model.Parameters[j].Values, cancelled.Model.Parameters[j].Values);
        Assert.Equal(cancelled.Result.History[^1].TrainLoss, cancelled.TrainMetrics["loss"], 1e-12);

        // And the full run goes further: the cancel did stop it early.
        var full = Fitting.Fit(Data, Settings);
        Assert.Equal(StopReason.Completed, full.Result.StoppedBecause);
        Assert.True(full.Result.History.Count > 3, $"the full run took only {full.Result.History.Count} iterations");
    }
}
