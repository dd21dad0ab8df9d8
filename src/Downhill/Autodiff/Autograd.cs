namespace Downhill;

/// <summary>Grad mode for the current thread: on by default, off inside <see cref="NoGrad"/>.</summary>
public static class Autograd
{
    [ThreadStatic] private static int noGradDepth;

    /// <summary>True when operations on this thread record themselves for <see cref="NDArray{T}.Backward"/>; false inside a <see cref="NoGrad"/> scope.</summary>
    public static bool IsEnabled => noGradDepth == 0;

    /// <summary>
    /// Within the returned scope ops record nothing: use it for inference and for optimizer
    /// updates. Scopes nest; dispose restores the previous mode.
    /// </summary>
    public static NoGradScope NoGrad()
    {
        noGradDepth++;
        return new NoGradScope();
    }

    /// <summary>The scope <see cref="NoGrad"/> returns; disposing it turns recording back on (when no outer scope is open).</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Leaves the scope: recording resumes unless an outer scope is still open.</summary>
        public void Dispose() => noGradDepth--;
    }
}
