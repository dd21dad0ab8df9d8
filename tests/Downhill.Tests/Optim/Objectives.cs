using Downhill.Optim;

namespace Downhill.Tests.Optim;

/// <summary>Classic test functions of two variables with their analytic gradients and known minima.</summary>
public sealed record Objective(string Name, Func<double, double, double> F, Func<double, double, (double Dx, double Dy)> Gradient,
    (double X, double Y) Start, (double X, double Y) Minimum)
{
    public static readonly Objective Parabola = new("parabola",
        (x, y) => (x - 3) * (x - 3) + 10 * (y + 1) * (y + 1),
        (x, y) => (2 * (x - 3), 20 * (y + 1)),
        (0, 0), (3, -1));

    /// <summary>
    /// NOTE: value and gradient are rounded in the order PyTorch's autograd uses for
    /// (1 - x)**2 + 100 * (y - x*x)**2, so traces compared with PyTorch differ only by the
    /// optimizer's own arithmetic.
    /// </summary>
    public static readonly Objective Rosenbrock = new("rosenbrock",
        (x, y) => (1 - x) * (1 - x) + 100 * ((y - x * x) * (y - x * x)),
        (x, y) =>
        {
            double c = y - x * x, gc = 100 * (2 * c);
            return (-(2 * (gc * x)) - 2 * (1 - x), gc);
        },
        (-1.5, 2), (1, 1));

    /// <summary>Four minima; from (2.5, 1.5) the walk goes to (3, 2).</summary>
    public static readonly Objective Himmelblau = new("himmelblau",
        (x, y) => Sq(x * x + y - 11) + Sq(x + y * y - 7),
        (x, y) => (4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)),
        (2.5, 1.5), (3, 2));

    public static readonly Objective Beale = new("beale",
        (x, y) => Sq(1.5 - x + x * y) + Sq(2.25 - x + x * y * y) + Sq(2.625 - x + x * y * y * y),
        (x, y) =>
        {
            double a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
            return (2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1),
                    2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y);
        },
        (2, 0.2), (3, 0.5));

    public static Objective ByName(string name) => name switch
    {
        "parabola" => Parabola,
        "rosenbrock" => Rosenbrock,
        "himmelblau" => Himmelblau,
        "beale" => Beale,
        _ => throw new ArgumentException(name),
    };

    private static double Sq(double v) => v * v;

    /// <summary>The parameter (x, y) as one trainable tensor at <see cref="Start"/>.</summary>
    public NDArray<double> StartParameter() => NDArray.Parameter([Start.X, Start.Y], 2);

    /// <summary>
    /// PyTorch's closure: zero the gradient, evaluate, fill the gradient, return the loss. Value
    /// and gradient are computed in double and rounded to <typeparamref name="T"/> (exact for double).
    /// </summary>
    public Func<T> Closure<T>(NDArray<T> p) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> => () =>
    {
        p.ZeroGrad();
        double x = double.CreateTruncating(p.Data[0]), y = double.CreateTruncating(p.Data[1]);
        var (dx, dy) = Gradient(x, y);
        p.Grad = NDArray.FromArray([T.CreateTruncating(dx), T.CreateTruncating(dy)], 2);
        return T.CreateTruncating(F(x, y));
    };

    /// <summary>How far (x, y) is from <see cref="Minimum"/>.</summary>
    public double DistanceToMinimum(double x, double y) => Math.Sqrt((x - Minimum.X) * (x - Minimum.X) + (y - Minimum.Y) * (y - Minimum.Y));
}
