using Linq = System.Linq.Expressions.Expression;
using LinqVariable = System.Linq.Expressions.ParameterExpression;

namespace Downhill.Formulas;

public abstract partial record Expr
{
    /// <summary>
    /// Compiles this expression and its reverse-mode gradient to loops over data rows (see
    /// <see cref="RowsGradient"/>). Names in <paramref name="parameters"/> take one value for all
    /// rows; names in <paramref name="columns"/> one value per row. Every variable of the
    /// expression must be in one of the two lists.
    /// </summary>
    public RowsGradient CompileGradient(IReadOnlyList<string> parameters, IReadOnlyList<string> columns)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(columns);
        CheckNames(parameters, columns);
        var compiler = new GradientCompiler(this, parameters, columns);
        return new RowsGradient(ToString(), [.. parameters], [.. columns], compiler.Values(), compiler.Gradient(), compiler.Reaches());
    }

    /// <summary>
    /// Writes the tape's arithmetic as straight-line code. The tree becomes a graph of nodes,
    /// equal subtrees shared (each evaluated once per row); parts without variables are folded
    /// in double as <see cref="TensorEvaluator{T}"/> folds them. Nodes that read a column are
    /// per-row locals inside the loop; the others (parameters and what depends only on them)
    /// are computed once before it. The backward pass visits nodes in reverse order as the tape
    /// does: a per-row node's adjoint lives for one row, a shared node's adjoint sums over the
    /// rows and flows on after the loop, as the tape sums a broadcast scalar's gradient first.
    /// </summary>
    private sealed class GradientCompiler
    {
        private sealed class Node(Expr expr, Node[] args)
        {
            public Expr Expr { get; } = expr;
            public Node[] Args { get; } = args;
            public double? Constant { get; init; }
            public int Parameter { get; init; } = -1;
            public int Column { get; init; } = -1;
            /// <summary>Reads a data column, so it has one value per row.</summary>
            public bool PerRow { get; init; }
            /// <summary>Depends on a parameter, so the tape records it.</summary>
            public bool NeedsGrad { get; init; }
            /// <summary>Gets a gradient on the tape: false only where every path from the root passes through <c>^0</c>.</summary>
            public bool Reached { get; set; }
            public LinqVariable? Local { get; set; }
            public LinqVariable? Adjoint { get; set; }

            /// <summary>The value as an expression: the folded constant or the local holding it.</summary>
            public Linq Value => Constant is double c ? Linq.Constant(c) : Local!;
        }

        private static readonly IReadOnlyDictionary<string, double> NoValues = new Dictionary<string, double>();

        private readonly IReadOnlyList<string> parameterNames;
        private readonly IReadOnlyList<string> columnNames;
        // Keyed by the printed text, not by record equality: Number(0) equals Number(-0.0) as a
        // record, but 1/0 and 1/-0 differ. Equal text means equal values (printing round-trips).
        private readonly Dictionary<string, Node> shared = new(StringComparer.Ordinal);
        private readonly List<Node> order = []; // children before parents; constants left out
        private readonly Node root;
        private readonly Node?[] parameterNodes;

        private readonly LinqVariable parametersArg = Linq.Parameter(typeof(double[]), "parameters");
        private readonly LinqVariable columnsArg = Linq.Parameter(typeof(double[][]), "columns");
        private readonly LinqVariable rowsArg = Linq.Parameter(typeof(int), "rows");
        private readonly LinqVariable row = Linq.Variable(typeof(int), "row");
        private readonly LinqVariable[] columnArrays;

        public GradientCompiler(Expr e, IReadOnlyList<string> parameters, IReadOnlyList<string> columns)
        {
            parameterNames = parameters;
            columnNames = columns;
            columnArrays = [.. columns.Select(n => Linq.Variable(typeof(double[]), n))];
            root = Build(e);
            parameterNodes = new Node?[parameters.Count];
            foreach (var n in order)
            {
                n.Local = Linq.Variable(typeof(double));
                if (n.Parameter >= 0) parameterNodes[n.Parameter] = n;
            }
            MarkReached();
        }

        private Node Build(Expr e)
        {
            string key = e.ToString();
            if (shared.TryGetValue(key, out var node)) return node;
            node = e switch
            {
                Number n => new Node(e, []) { Constant = n.Value },
                Constant c => new Node(e, []) { Constant = c.Value },
                Variable v => Leaf(v),
                Negate u => Operation(e, [Build(u.Operand)]),
                Binary b => Operation(e, [Build(b.Left), Build(b.Right)]),
                Call c => Operation(e, [.. c.Arguments.Select(Build)]),
                _ => throw new System.Diagnostics.UnreachableException(e.GetType().Name),
            };
            shared.Add(key, node);
            if (node.Constant is null) order.Add(node);
            return node;
        }

        private Node Leaf(Variable v)
        {
            int p = IndexOf(parameterNames, v.Name);
            return p >= 0
                ? new Node(v, []) { Parameter = p, NeedsGrad = true }
                : new Node(v, []) { Column = IndexOf(columnNames, v.Name), PerRow = true };
        }

        private static Node Operation(Expr e, Node[] args)
        {
            // Same folding as the tensor evaluator: an op on constants only is a constant, computed
            // with Expr.Apply and FormulaFunctions.Apply on the folded operands.
            if (args.All(a => a.Constant is not null)) return new Node(e, args) { Constant = Interpret(e, NoValues) };
            return new Node(e, args) { PerRow = args.Any(a => a.PerRow), NeedsGrad = args.Any(a => a.NeedsGrad) };
        }

        private void MarkReached()
        {
            root.Reached = root.NeedsGrad;
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var n = order[i];
                if (!n.Reached) continue;
                foreach (var (arg, _) in Terms(n, Linq.Constant(0.0)))
                    arg.Reached = true;
            }
        }

        /// <summary>Whether each parameter gets a gradient at all (the tape leaves Grad null otherwise).</summary>
        public bool[] Reaches() => [.. parameterNodes.Select(n => n is { Reached: true })];

        /// <summary><c>(parameters, columns, rows, output)</c>: output[row] = the value on that row.</summary>
        public Action<double[], double[][], int, double[]> Values()
        {
            var output = Linq.Parameter(typeof(double[]), "output");
            var body = new List<Linq>();
            body.AddRange(Setup());
            var rowBody = new List<Linq>(PerRowForward()) { Linq.Assign(Linq.ArrayAccess(output, row), root.Value) };
            body.Add(For(Linq.Block(rowBody)));
            var lambda = Linq.Lambda<Action<double[], double[][], int, double[]>>(
                Linq.Block(Locals(), body), parametersArg, columnsArg, rowsArg, output);
            return lambda.Compile();
        }

        /// <summary>
        /// <c>(parameters, columns, rows, upstream, gradient)</c>: gradient[i] = the sum over rows of
        /// upstream[row] times the derivative of the row's value by parameter i.
        /// </summary>
        public Action<double[], double[][], int, double[], double[]> Gradient()
        {
            var upstream = Linq.Parameter(typeof(double[]), "upstream");
            var gradient = Linq.Parameter(typeof(double[]), "gradient");
            foreach (var n in order)
                if (n.Reached) n.Adjoint = Linq.Variable(typeof(double));
            var body = new List<Linq>(Setup());
            // NOTE: -0, not 0, is the identity of IEEE addition: 0 + -0 = +0 would turn a lone -0
            // term into +0, where the tape hands over its one gradient as it is.
            foreach (var n in order)
                if (n.Reached && !n.PerRow) body.Add(Linq.Assign(n.Adjoint!, Linq.Constant(-0.0)));

            var rowBody = new List<Linq>(PerRowForward());
            var assigned = new HashSet<Node>();
            if (root.Reached) Contribute(root, Linq.ArrayIndex(upstream, row), rowBody, assigned);
            for (int i = order.Count - 1; i >= 0; i--)
                if (order[i] is { Reached: true, PerRow: true } n)
                    foreach (var (arg, term) in Terms(n, n.Adjoint!))
                        Contribute(arg, term, rowBody, assigned);
            body.Add(For(Linq.Block(rowBody)));

            for (int i = order.Count - 1; i >= 0; i--)
                if (order[i] is { Reached: true, PerRow: false } n)
                    foreach (var (arg, term) in Terms(n, n.Adjoint!))
                        Contribute(arg, term, body, assigned);
            for (int i = 0; i < parameterNodes.Length; i++)
                body.Add(Linq.Assign(Linq.ArrayAccess(gradient, Linq.Constant(i)),
                    parameterNodes[i] is { Reached: true } p ? p.Adjoint! : Linq.Constant(0.0)));

            var adjoints = order.Where(n => n.Adjoint is not null).Select(n => n.Adjoint!);
            var lambda = Linq.Lambda<Action<double[], double[][], int, double[], double[]>>(
                Linq.Block(Locals().Concat(adjoints), body), parametersArg, columnsArg, rowsArg, upstream, gradient);
            return lambda.Compile();
        }

        /// <summary>
        /// Adds a term into a node's adjoint. Within a row the first term assigns, as the tape's
        /// first AccumulateGrad hands over its tensor; shared nodes sum from zero across rows.
        /// </summary>
        private static void Contribute(Node target, Linq term, List<Linq> body, HashSet<Node> assigned)
        {
            if (target.PerRow && assigned.Add(target)) body.Add(Linq.Assign(target.Adjoint!, term));
            else body.Add(Linq.AddAssign(target.Adjoint!, term));
        }

        private IEnumerable<LinqVariable> Locals() => [row, .. columnArrays, .. order.Select(n => n.Local!)];

        /// <summary>Column arrays, parameters and every node that does not vary by row, before the loop.</summary>
        private IEnumerable<Linq> Setup()
        {
            for (int j = 0; j < columnArrays.Length; j++)
                yield return Linq.Assign(columnArrays[j], Linq.ArrayIndex(columnsArg, Linq.Constant(j)));
            foreach (var n in order)
                if (!n.PerRow) yield return Linq.Assign(n.Local!, Forward(n));
        }

        private IEnumerable<Linq> PerRowForward() =>
            order.Where(n => n.PerRow).Select(n => Linq.Assign(n.Local!, Forward(n)));

        private Linq For(Linq body)
        {
            var end = Linq.Label("end");
            return Linq.Block(
                Linq.Assign(row, Linq.Constant(0)),
                Linq.Loop(
                    Linq.IfThenElse(
                        Linq.LessThan(row, rowsArg),
                        Linq.Block(body, Linq.PostIncrementAssign(row)),
                        Linq.Break(end)),
                    end));
        }

        /// <summary>A node's value from its operands' values, computed as the tape's forward ops compute it.</summary>
        private Linq Forward(Node n)
        {
            if (n.Parameter >= 0) return Linq.ArrayIndex(parametersArg, Linq.Constant(n.Parameter));
            if (n.Column >= 0) return Linq.ArrayIndex(columnArrays[n.Column], row);
            var a = n.Args[0].Value;
            return n.Expr switch
            {
                Negate => Linq.Negate(a),
                Binary { Operator: BinaryOperator.Add } => Linq.Add(a, n.Args[1].Value),
                Binary { Operator: BinaryOperator.Subtract } => Linq.Subtract(a, n.Args[1].Value),
                Binary { Operator: BinaryOperator.Multiply } => Linq.Multiply(a, n.Args[1].Value),
                Binary { Operator: BinaryOperator.Divide } => Linq.Divide(a, n.Args[1].Value),
                Binary or Call { Function: FormulaFunction.Pow } => PowerOf(a, n.Args[1].Value),
                Call c => Linq.Call(FunctionMethod(c.Function), n.Args.Select(x => x.Value)),
                _ => throw new System.Diagnostics.UnreachableException(n.Expr.GetType().Name),
            };
        }

        /// <summary>x^y as the tape computes it: a constant exponent 2 is x*x (Tensor.Pow(T)), anything else Math.Pow.</summary>
        private static Linq PowerOf(Linq x, Linq exponent) => exponent is System.Linq.Expressions.ConstantExpression { Value: 2.0 }
            ? Linq.Multiply(x, x)
            : Linq.Call(MathMethod(nameof(Math.Pow), 2), x, exponent);

        /// <summary>
        /// The backward rules: for node <paramref name="n"/> with adjoint <paramref name="g"/>, the
        /// term each operand that needs a gradient receives. Each line is the closure the tape
        /// records for that op (Tensor.Elementwise.cs, Tensor.Unary.cs), with the same grouping of
        /// products and the same conventions at kinks.
        /// </summary>
        private static IEnumerable<(Node Arg, Linq Term)> Terms(Node n, Linq g)
        {
            if (n.Args.Length == 0) yield break; // a parameter or column: where gradients end
            var a = n.Args[0];
            var b = n.Args.Length > 1 ? n.Args[1] : null;
            var r = n.Local!;
            switch (n.Expr)
            {
                case Negate:
                    yield return (a, Backward(typeof(NegOp<double>), a.Value, r, g));
                    break;
                case Binary { Operator: BinaryOperator.Add }:
                    if (a.NeedsGrad) yield return (a, g);
                    if (b!.NeedsGrad) yield return (b, g);
                    break;
                case Binary { Operator: BinaryOperator.Subtract }:
                    if (a.NeedsGrad) yield return (a, g);
                    if (b!.NeedsGrad) yield return (b, Linq.Negate(g));
                    break;
                case Binary { Operator: BinaryOperator.Multiply }:
                    if (a.NeedsGrad) yield return (a, Linq.Multiply(g, b!.Value));
                    if (b!.NeedsGrad) yield return (b, Linq.Multiply(g, a.Value));
                    break;
                case Binary { Operator: BinaryOperator.Divide }:
                    if (a.NeedsGrad) yield return (a, Linq.Divide(g, b!.Value));
                    if (b!.NeedsGrad) yield return (b, Linq.Divide(Linq.Negate(Linq.Multiply(g, r)), b.Value)); // -a/b^2 = -r/b
                    break;
                case Binary or Call { Function: FormulaFunction.Pow }:
                    foreach (var t in PowerTerms(a, b!, r, g)) yield return t;
                    break;
                case Call { Function: FormulaFunction.Min or FormulaFunction.Max }:
                {
                    var share = typeof(Selection<double>).GetMethod(nameof(Selection<double>.Share))!;
                    if (a.NeedsGrad) yield return (a, Linq.Call(share, a.Value, b!.Value, r, g));
                    if (b!.NeedsGrad) yield return (b, Linq.Call(share, b.Value, a.Value, r, g));
                    break;
                }
                case Call c:
                    yield return (a, Backward(UnaryOp(c.Function), a.Value, r, g));
                    break;
            }
        }

        /// <summary>The op's backward rule from the tape's table (Tensor.Unary.cs), called with (x, y, g).</summary>
        private static Linq Backward(Type op, Linq x, Linq y, Linq g) =>
            Linq.Call(op.GetMethod(nameof(IUnaryOp<double>.Backward), [typeof(double), typeof(double), typeof(double)])!, x, y, g);

        private static IEnumerable<(Node Arg, Linq Term)> PowerTerms(Node a, Node b, Linq r, Linq g)
        {
            if (b.Constant is double c)
            {
                // Tensor.Pow(T c): nothing flows back for c = 0; 2a g for c = 2; else g (c a^(c-1)).
                if (c == 0) yield break;
                if (c == 2) yield return (a, Linq.Multiply(Linq.Multiply(a.Value, Linq.Constant(2.0)), g));
                else yield return (a, Linq.Multiply(g, Linq.Multiply(Linq.Constant(c), PowerOf(a.Value, Linq.Constant(c - 1)))));
                yield break;
            }
            // Tensor.Pow(Tensor): d/da = b a^(b-1); d/db = a^b ln a.
            if (a.NeedsGrad)
                yield return (a, Linq.Multiply(Linq.Multiply(g, b.Value),
                    Linq.Call(MathMethod(nameof(Math.Pow), 2), a.Value, Linq.Subtract(b.Value, Linq.Constant(1.0)))));
            if (b.NeedsGrad)
            {
                // NOTE: where a = 0 and b >= 0 the tape takes the limit 0, not 0 * -inf = NaN.
                var zeroLimit = Linq.AndAlso(Linq.Equal(a.Value, Linq.Constant(0.0)), Linq.GreaterThanOrEqual(b.Value, Linq.Constant(0.0)));
                var d = Linq.Condition(zeroLimit, Linq.Constant(0.0), Linq.Multiply(r, Linq.Call(MathMethod(nameof(Math.Log), 1), a.Value)));
                yield return (b, Linq.Multiply(g, d));
            }
        }

    }

    /// <summary>The tape's op struct for a one-argument function: its forward and backward for compiled code.</summary>
    private static Type UnaryOp(FormulaFunction f) => f switch
    {
        FormulaFunction.Exp => typeof(ExpOp<double>),
        FormulaFunction.Log => typeof(LogOp<double>),
        FormulaFunction.Log10 => typeof(Log10Op<double>),
        FormulaFunction.Sqrt => typeof(SqrtOp<double>),
        FormulaFunction.Abs => typeof(AbsOp<double>),
        FormulaFunction.Relu => typeof(ReluOp<double>),
        FormulaFunction.Sin => typeof(SinOp<double>),
        FormulaFunction.Cos => typeof(CosOp<double>),
        FormulaFunction.Tan => typeof(TanOp<double>),
        FormulaFunction.Tanh => typeof(TanhOp<double>),
        FormulaFunction.Sigmoid => typeof(SigmoidOp<double>),
        FormulaFunction.Softplus => typeof(SoftplusOp<double>),
        FormulaFunction.Atan => typeof(AtanOp<double>),
        FormulaFunction.Asin => typeof(AsinOp<double>),
        FormulaFunction.Acos => typeof(AcosOp<double>),
        FormulaFunction.Sinh => typeof(SinhOp<double>),
        FormulaFunction.Cosh => typeof(CoshOp<double>),
        _ => throw new System.Diagnostics.UnreachableException($"{f} is not a one-argument function"),
    };
}
