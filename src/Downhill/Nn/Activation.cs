namespace Downhill.Nn;

/// <summary>The non-linearity applied after a dense layer.</summary>
public enum Activation
{
    /// <summary>None: the layer stays linear, y = x W + b. The output layer of a regression.</summary>
    Identity,
    /// <summary>max(0, z): cheap, and gradients do not shrink for positive inputs; weights start with He initialization.</summary>
    Relu,
    /// <summary>1 / (1 + e^−z), between 0 and 1: the seeds' digit network uses it.</summary>
    Sigmoid,
    /// <summary>tanh z, between −1 and 1 and centred on 0.</summary>
    Tanh,
}

/// <summary>The text names of <see cref="Activation"/> values, as model files and the command line write them.</summary>
public static class ActivationNames
{
    /// <summary>Reads relu, sigmoid, tanh or identity (also none or linear), any case; anything else names the four.</summary>
    public static Activation Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "identity" or "none" or "linear" => Activation.Identity,
        "relu" => Activation.Relu,
        "sigmoid" => Activation.Sigmoid,
        "tanh" => Activation.Tanh,
        _ => throw new ArgumentException($"activation '{text}' is unknown; use relu, sigmoid, tanh or identity."),
    };

    /// <summary>The lower-case name <see cref="Parse"/> reads back, e.g. "relu".</summary>
    public static string Name(this Activation a) => a.ToString().ToLowerInvariant();
}
