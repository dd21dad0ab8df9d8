using Downhill.Formulas;
using Downhill.Models;

namespace Downhill.Onnx;

public static partial class OnnxExport
{
    /// <summary>A graph value, or a number not yet written as a constant (parts without variables fold to one, as in Downhill's own evaluation).</summary>
    private readonly record struct Value(string? Name, double Constant)
    {
        public string In(OnnxGraph g) => Name ?? g.Constant(Constant);
    }

    /// <summary>
    /// The formula's right side as element-wise operators in float64: each data column is a
    /// <c>Gather</c> of its column of the input, each parameter a scalar initializer named after it.
    /// The result is broadcast to [rows, 1], since a formula without data columns is one number.
    /// </summary>
    private static OnnxGraph FormulaGraph(ModelFile model)
    {
        var formula = Formula.Parse(model.Formula!);
        var g = new OnnxGraph(OnnxType.Double);
        g.Input(InputName, OnnxType.Double, [Rows, model.Features.Length], $"[rows, columns]: {string.Join(", ", model.Features)}");
        var parameters = model.Parameters.ToDictionary(p => p.Name, p => p.Values[0], StringComparer.Ordinal);
        var bound = new Dictionary<string, string>(StringComparer.Ordinal);
        var columns = Prepared(g, model, scale: false);
        string Bind(string name)
        {
            if (bound.TryGetValue(name, out var value)) return value;
            int column = Array.IndexOf(model.Features, name);
            value = column >= 0
                ? g.Node("Gather", [columns, g.Int64s([column], [])], null, ("axis", 1))
                : g.NDArray(name, [parameters[name]], []);
            bound.Add(name, value);
            return value;
        }
        var y = Expr.Fold<Value>(formula.Right, (e, x) => e switch
        {
            Expr.Number n => new Value(null, n.Value),
            Expr.Constant c => new Value(null, c.Value),
            Expr.Variable v => new Value(Bind(v.Name), 0),
            Expr.Negate => x[0].Name is null ? new Value(null, -x[0].Constant) : new Value(g.Add("Neg", x[0].Name!), 0),
            Expr.Binary b when x[0].Name is null && x[1].Name is null => new Value(null, Expr.Apply(b.Operator, x[0].Constant, x[1].Constant)),
            Expr.Binary b => new Value(g.Add(OperatorName(b.Operator), x[0].In(g), x[1].In(g)), 0),
            Expr.Call c when x.ToArray().All(a => a.Name is null) => new Value(null,
                c.Arguments.Count == 1 ? FormulaFunctions.Apply(c.Function, x[0].Constant) : FormulaFunctions.Apply(c.Function, x[0].Constant, x[1].Constant)),
            Expr.Call c => new Value(Function(g, c.Function, [.. x.ToArray().Select(a => a.In(g))]), 0),
            _ => throw new System.Diagnostics.UnreachableException(e.GetType().Name),
        });
        // Expand to [rows] (a formula without columns is a scalar), then [rows, 1] like every model's output.
        var rows = g.Node("Shape", [InputName], null, ("start", 0), ("end", 1));
        var column = g.Add("Unsqueeze", g.Add("Expand", y.In(g), rows), g.Int64s([1], [1]));
        PredictionOutput(g, model, column);
        return g;
    }

    private static string OperatorName(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "Add",
        BinaryOperator.Subtract => "Sub",
        BinaryOperator.Multiply => "Mul",
        BinaryOperator.Divide => "Div",
        BinaryOperator.Power => "Pow",
        _ => throw new System.Diagnostics.UnreachableException(op.ToString()),
    };

    /// <summary>Below this |x|, sinh(x) is its Taylor series: (e^x - e^-x) / 2 loses about eps/|x| of the value to cancellation.</summary>
    private const double SinhSeriesBelow = 0.01;

    /// <summary>
    /// Newton steps that take ONNX Runtime's float32 atan (within about 1e-7 of the value) to
    /// float64: each step at least squares the relative error, so two reach rounding level.
    /// </summary>
    private const int AtanNewtonSteps = 2;

    /// <summary>
    /// A formula function applied to graph values: one ONNX operator where ONNX Runtime has it in
    /// float64, else the same function written with operators it has, to within a few ulps. Its
    /// CPU provider has no float64 Tan, Sinh, Cosh, Softplus, Atan, Asin or Acos
    /// (docs/OperatorKernels.md, onnxruntime 1.32).
    /// </summary>
    private static string Function(OnnxGraph g, FormulaFunction f, string[] x) => f switch
    {
        FormulaFunction.Exp => g.Add("Exp", x),
        FormulaFunction.Log => g.Add("Log", x),
        FormulaFunction.Sqrt => g.Add("Sqrt", x),
        FormulaFunction.Abs => g.Add("Abs", x),
        FormulaFunction.Sin => g.Add("Sin", x),
        FormulaFunction.Cos => g.Add("Cos", x),
        FormulaFunction.Tan => g.Add("Div", g.Add("Sin", x), g.Add("Cos", x)),
        FormulaFunction.Tanh => g.Add("Tanh", x),
        FormulaFunction.Sigmoid => g.Add("Sigmoid", x),
        FormulaFunction.Relu => g.Add("Relu", x),
        FormulaFunction.Softplus => Softplus(g, x[0]),
        FormulaFunction.Min => g.Add("Min", x),
        FormulaFunction.Max => g.Add("Max", x),
        FormulaFunction.Pow => g.Add("Pow", x),
        FormulaFunction.Atan => Atan(g, x[0]),
        FormulaFunction.Asin => Asin(g, x[0]),
        FormulaFunction.Acos => Acos(g, x[0]),
        FormulaFunction.Sinh => Sinh(g, x[0]),
        FormulaFunction.Cosh => g.Add("Mul", g.Add("Add", g.Add("Exp", x), g.Add("Exp", g.Add("Neg", x))), g.Constant(0.5)),
        FormulaFunction.Log10 => g.Add("Div", g.Add("Log", x), g.Constant(Math.Log(10))),
        _ => throw new System.Diagnostics.UnreachableException($"function {f} has no ONNX form"),
    };

    /// <summary>
    /// softplus(x) = max(x, 0) + log(1 + e^-|x|), operator for operator as Downhill computes it
    /// (.NET's LogP1 is log(1 + t) too, so both give 0 where e^-|x| is below half an ulp of 1).
    /// </summary>
    private static string Softplus(OnnxGraph g, string x)
    {
        var t = g.Add("Exp", g.Add("Neg", g.Add("Abs", x)));
        return g.Add("Add", g.Add("Max", x, g.Constant(0)), g.Add("Log", g.Add("Add", t, g.Constant(1))));
    }

    /// <summary>sinh(x) = (e^x - e^-x) / 2, or x (1 + x²/6 (1 + x²/20)) for small |x|, where the next term is below 1e-16 of the value.</summary>
    private static string Sinh(OnnxGraph g, string x)
    {
        var square = g.Add("Mul", x, x);
        var series = g.Add("Mul", x, g.Add("Add", g.Constant(1),
            g.Add("Mul", g.Add("Div", square, g.Constant(6)), g.Add("Add", g.Constant(1), g.Add("Div", square, g.Constant(20))))));
        var exponentials = g.Add("Mul", g.Add("Sub", g.Add("Exp", x), g.Add("Exp", g.Add("Neg", x))), g.Constant(0.5));
        return g.Add("Where", g.Add("Less", g.Add("Abs", x), g.Constant(SinhSeriesBelow)), series, exponentials);
    }

    /// <summary>
    /// atan(x): the float32 Atan of x, refined in float64 by Newton steps on f(y) = sin y - x cos y,
    /// whose root is atan x; f'(y) = cos y + x sin y. An infinite x (where the step is inf/inf) is ±π/2.
    /// </summary>
    private static string Atan(OnnxGraph g, string x)
    {
        var y = g.Cast(g.Add("Atan", g.Cast(x, OnnxType.Double, OnnxType.Float)), OnnxType.Float, OnnxType.Double);
        for (int step = 0; step < AtanNewtonSteps; step++)
        {
            var (sin, cos) = (g.Add("Sin", y), g.Add("Cos", y));
            var f = g.Add("Sub", sin, g.Add("Mul", x, cos));
            var slope = g.Add("Add", cos, g.Add("Mul", x, sin));
            y = g.Add("Sub", y, g.Add("Div", f, slope));
        }
        var halfPi = g.Add("Where", g.Add("Less", x, g.Constant(0)), g.Constant(-Math.PI / 2), g.Constant(Math.PI / 2));
        return g.Add("Where", g.Add("IsInf", x), halfPi, y);
    }

    /// <summary>asin(x) = 2 atan(x / (1 + sqrt((1 - x)(1 + x)))): no cancellation near ±1, where 1 - x² would lose digits; NaN beyond ±1.</summary>
    private static string Asin(OnnxGraph g, string x)
    {
        var one = g.Constant(1);
        var root = g.Add("Sqrt", g.Add("Mul", g.Add("Sub", one, x), g.Add("Add", one, x)));
        return g.Add("Mul", g.Constant(2), Atan(g, g.Add("Div", x, g.Add("Add", one, root))));
    }

    /// <summary>acos(x) = 2 atan(sqrt((1 - x) / (1 + x))): accurate near 1, where acos is small; π at -1 (atan of +∞).</summary>
    private static string Acos(OnnxGraph g, string x)
    {
        var one = g.Constant(1);
        return g.Add("Mul", g.Constant(2), Atan(g, g.Add("Sqrt", g.Add("Div", g.Add("Sub", one, x), g.Add("Add", one, x)))));
    }
}
