namespace Downhill.Tests.Analysis;

/// <summary>Some NIST StRD models with their gradients ∂f/∂b differentiated by hand.</summary>
internal static class NistModels
{
    public static CurveModel For(string name) => name switch
    {
        "Misra1a" or "BoxBOD" => SaturatingExponential,
        "Thurber" => Thurber,
        "MGH09" => Mgh09,
        "MGH10" => Mgh10,
        "Rat43" => Rat43,
        "Eckerle4" => Eckerle4,
        "Bennett5" => Bennett5,
        _ => throw new ArgumentException($"no hand-written model for {name}"),
    };

    /// <summary>y = b1*(1 - exp(-b2*x)).</summary>
    private static double SaturatingExponential(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double e = Math.Exp(-b[1] * x);
        g[0] = 1 - e;
        g[1] = b[0] * x * e;
        return b[0] * (1 - e);
    }

    /// <summary>y = (b1 + b2*x + b3*x^2 + b4*x^3) / (1 + b5*x + b6*x^2 + b7*x^3).</summary>
    private static double Thurber(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double x2 = x * x, x3 = x2 * x;
        double numerator = b[0] + b[1] * x + b[2] * x2 + b[3] * x3;
        double denominator = 1 + b[4] * x + b[5] * x2 + b[6] * x3;
        double f = numerator / denominator;
        g[0] = 1 / denominator;
        g[1] = x / denominator;
        g[2] = x2 / denominator;
        g[3] = x3 / denominator;
        g[4] = -f * x / denominator;
        g[5] = -f * x2 / denominator;
        g[6] = -f * x3 / denominator;
        return f;
    }

    /// <summary>y = b1*(x^2 + x*b2) / (x^2 + x*b3 + b4).</summary>
    private static double Mgh09(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double numerator = x * x + x * b[1];
        double denominator = x * x + x * b[2] + b[3];
        double f = b[0] * numerator / denominator;
        g[0] = numerator / denominator;
        g[1] = b[0] * x / denominator;
        g[2] = -f * x / denominator;
        g[3] = -f / denominator;
        return f;
    }

    /// <summary>y = b1 * exp(b2/(x + b3)).</summary>
    private static double Mgh10(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double u = x + b[2];
        double e = Math.Exp(b[1] / u);
        g[0] = e;
        g[1] = b[0] * e / u;
        g[2] = -b[0] * e * b[1] / (u * u);
        return b[0] * e;
    }

    /// <summary>y = b1 / ((1 + exp(b2 - b3*x))^(1/b4)).</summary>
    private static double Rat43(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double e = Math.Exp(b[1] - b[2] * x);
        double u = 1 + e;
        double power = Math.Pow(u, -1 / b[3]);
        double f = b[0] * power;
        double dfdu = -f / (b[3] * u);
        g[0] = power;
        g[1] = dfdu * e;
        g[2] = -dfdu * e * x;
        g[3] = f * Math.Log(u) / (b[3] * b[3]);
        return f;
    }

    /// <summary>y = (b1/b2) * exp(-0.5*((x - b3)/b2)^2).</summary>
    private static double Eckerle4(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double z = (x - b[2]) / b[1];
        double e = Math.Exp(-0.5 * z * z);
        g[0] = e / b[1];
        g[1] = b[0] * e * (z * z - 1) / (b[1] * b[1]);
        g[2] = b[0] * e * z / (b[1] * b[1]);
        return b[0] / b[1] * e;
    }

    /// <summary>y = b1 * (b2 + x)^(-1/b3).</summary>
    private static double Bennett5(double x, ReadOnlySpan<double> b, Span<double> g)
    {
        double u = b[1] + x;
        double power = Math.Pow(u, -1 / b[2]);
        double f = b[0] * power;
        g[0] = power;
        g[1] = -f / (b[2] * u);
        g[2] = f * Math.Log(u) / (b[2] * b[2]);
        return f;
    }
}
