namespace Downhill.Analysis.LinearAlgebra;

internal static class Precision
{
    /// <summary>Spacing of doubles just above 1 (2^-52); <c>double.Epsilon</c> is something else.</summary>
    public const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Smallest positive normal double (2^-1022): MINPACK's "dwarf".</summary>
    public const double SmallestNormal = 2.2250738585072014e-308;
}
