namespace Downhill;

/// <summary>Grad mode for the current thread: on by default, off inside <see cref="NoGrad"/>.</summary>
public static class Autograd
{
    [ThreadStatic] private static int noGradDepth;

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

    public readonly struct NoGradScope : IDisposable
    {
        public void Dispose() => noGradDepth--;
    }
}
