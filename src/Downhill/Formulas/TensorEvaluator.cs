using System.Numerics;

namespace Downhill.Formulas;

/// <summary>
/// Turns a formula tree into ordinary tensor ops on the autodiff tape: the gradient of a typed
/// formula comes from the same <c>Backward()</c> as a neural network's. Parts without variables
/// are folded to numbers in double first, so <c>x^2</c> becomes <c>x.Pow(2)</c> and <c>2*pi*x</c>
/// one scalar product.
/// </summary>
internal sealed class TensorEvaluator<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Func<string, NDArray<T>> variable;
    private readonly string formula;
    // Each name binds once per evaluation, so a name used twice feeds one leaf and its gradients add up.
    private readonly Dictionary<string, NDArray<T>> bound = new(StringComparer.Ordinal);

    private TensorEvaluator(Func<string, NDArray<T>> variable, string formula)
    {
        this.variable = variable;
        this.formula = formula;
    }

    /// <summary>A tensor on the tape, or a constant not yet turned into one.</summary>
    private readonly record struct Value(NDArray<T>? NDArray, double Constant)
    {
        public static Value Of(double constant) => new(null, constant);
        public static Value Of(NDArray<T> tensor) => new(tensor, 0);
        public NDArray<T> AsTensor() => NDArray ?? NDArray<T>.Scalar(T.CreateTruncating(Constant));
    }

    public static NDArray<T> Run(Expr e, Func<string, NDArray<T>> variable, string formula)
    {
        var evaluator = new TensorEvaluator<T>(variable, formula);
        // A fold over the tree, not recursion: a long sum is a deep tree (see Expr.Walk.cs).
        return Expr.Fold<Value>(e, evaluator.Step).AsTensor();
    }

    private static T Cast(double x) => T.CreateTruncating(x);

    private Value Step(Expr e, ReadOnlySpan<Value> x) => e switch
    {
        Expr.Number n => Value.Of(n.Value),
        Expr.Constant c => Value.Of(c.Value),
        Expr.Variable v => Value.Of(Bind(v.Name)),
        Expr.Negate => Negate(x[0]),
        Expr.Binary b => Binary(b.Operator, x[0], x[1]),
        Expr.Call { Arguments.Count: 1 } c => Unary(c.Function, x[0]),
        Expr.Call c => Binary(c.Function, x[0], x[1]),
        _ => throw new System.Diagnostics.UnreachableException(e.GetType().Name),
    };

    private NDArray<T> Bind(string name)
    {
        if (bound.TryGetValue(name, out var t)) return t;
        t = variable(name);
        if (t is null) Errors.Argument($"Evaluate: formula '{formula}' uses '{name}', and the binding gave no tensor (null) for it.");
        bound.Add(name, t);
        return t;
    }

    private static Value Negate(Value a) => a.NDArray is { } t ? Value.Of(-t) : Value.Of(-a.Constant);

    private static Value Binary(BinaryOperator op, Value a, Value b)
    {
        if (a.NDArray is null && b.NDArray is null) return Value.Of(Expr.Apply(op, a.Constant, b.Constant));
        if (b.NDArray is null)
        {
            var x = a.NDArray!;
            T c = Cast(b.Constant);
            return Value.Of(op switch
            {
                BinaryOperator.Add => x + c,
                BinaryOperator.Subtract => x - c,
                BinaryOperator.Multiply => x * c,
                BinaryOperator.Divide => x / c,
                _ => x.Pow(c),
            });
        }
        if (a.NDArray is null)
        {
            T c = Cast(a.Constant);
            var y = b.NDArray;
            return Value.Of(op switch
            {
                BinaryOperator.Add => c + y,
                BinaryOperator.Subtract => c - y,
                BinaryOperator.Multiply => c * y,
                BinaryOperator.Divide => c / y,
                _ => a.AsTensor().Pow(y),
            });
        }
        var (l, r) = (a.NDArray, b.NDArray);
        return Value.Of(op switch
        {
            BinaryOperator.Add => l + r,
            BinaryOperator.Subtract => l - r,
            BinaryOperator.Multiply => l * r,
            BinaryOperator.Divide => l / r,
            _ => l.Pow(r),
        });
    }

    private static Value Binary(FormulaFunction f, Value a, Value b)
    {
        if (a.NDArray is null && b.NDArray is null) return Value.Of(FormulaFunctions.Apply(f, a.Constant, b.Constant));
        return f switch
        {
            FormulaFunction.Pow => Binary(BinaryOperator.Power, a, b),
            FormulaFunction.Min => Value.Of(NDArray<T>.Minimum(a.AsTensor(), b.AsTensor())),
            FormulaFunction.Max => Value.Of(NDArray<T>.Maximum(a.AsTensor(), b.AsTensor())),
            _ => throw new System.Diagnostics.UnreachableException($"{f} is not a two-argument function"),
        };
    }

    private static Value Unary(FormulaFunction f, Value a)
    {
        if (a.NDArray is not { } x) return Value.Of(FormulaFunctions.Apply(f, a.Constant));
        return Value.Of(f switch
        {
            FormulaFunction.Exp => x.Exp(),
            FormulaFunction.Log => x.Log(),
            FormulaFunction.Sqrt => x.Sqrt(),
            FormulaFunction.Abs => x.Abs(),
            FormulaFunction.Sin => x.Sin(),
            FormulaFunction.Cos => x.Cos(),
            FormulaFunction.Tan => x.Tan(),
            FormulaFunction.Tanh => x.Tanh(),
            FormulaFunction.Sigmoid => x.Sigmoid(),
            FormulaFunction.Relu => x.Relu(),
            FormulaFunction.Softplus => x.Softplus(),
            FormulaFunction.Atan => x.Atan(),
            FormulaFunction.Asin => x.Asin(),
            FormulaFunction.Acos => x.Acos(),
            FormulaFunction.Sinh => x.Sinh(),
            FormulaFunction.Cosh => x.Cosh(),
            FormulaFunction.Log10 => x.Log10(),
            _ => throw new System.Diagnostics.UnreachableException($"{f} is not a one-argument function"),
        });
    }
}
