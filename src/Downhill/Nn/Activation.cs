namespace Downhill.Nn;

/// <summary>The non-linearity applied after a dense layer.</summary>
public enum Activation
{
    Identity,
    Relu,
    Sigmoid,
    Tanh,
}

public static class ActivationNames
{
    public static Activation Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "identity" or "none" or "linear" => Activation.Identity,
        "relu" => Activation.Relu,
        "sigmoid" => Activation.Sigmoid,
        "tanh" => Activation.Tanh,
        _ => throw new ArgumentException($"activation '{text}' is unknown; use relu, sigmoid, tanh or identity."),
    };

    public static string Name(this Activation a) => a.ToString().ToLowerInvariant();
}
