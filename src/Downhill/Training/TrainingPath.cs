namespace Downhill.Training;

/// <summary>
/// How a fit computed its gradients: the one fact that decides its speed. Chosen once, in
/// <see cref="Trainer{T}"/> (<c>ChoosePath</c>), and reported in <see cref="TrainingResult.Path"/>
/// so that a slow fall-back is never silent.
/// </summary>
public enum TrainingPath
{
    /// <summary>Reverse-mode autodiff on the tape: every model, every loss; the reference the fast paths are tested against.</summary>
    Tape,

    /// <summary>A network's forward and backward pass fused in reused buffers (<c>NetworkStep</c>).</summary>
    FusedNetwork,

    /// <summary>A formula's loss and gradient through its compiled expression (<c>FormulaStep</c>).</summary>
    CompiledFormula,

    /// <summary>Finite differences of the loss (<c>--gradient forward|central</c>): one forward pass per parameter element.</summary>
    NumericalGradient,

    /// <summary>Levenberg-Marquardt least squares on a formula's residuals (no gradient optimizer).</summary>
    LeastSquares,
}

/// <summary>How <see cref="TrainingPath"/> values are written in results, JSON and messages.</summary>
public static class TrainingPaths
{
    /// <summary>The lower-case, hyphenated name, e.g. "fused-network", as results, JSON and messages write it.</summary>
    public static string Name(this TrainingPath path) => path switch
    {
        TrainingPath.Tape => "tape",
        TrainingPath.FusedNetwork => "fused-network",
        TrainingPath.CompiledFormula => "compiled-formula",
        TrainingPath.NumericalGradient => "numerical-gradient",
        TrainingPath.LeastSquares => "least-squares",
        _ => path.ToString(),
    };
}
