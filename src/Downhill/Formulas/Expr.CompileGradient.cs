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
    public RowsGradient CompileGradient(IReadOnlyList<string> parameters, IReadOnlyList<string> columns) =>
        CompileGradient(parameters, columns, GradientCompiler.MaxLocals);

    /// <summary>
    /// <see cref="CompileGradient(IReadOnlyList{string}, IReadOnlyList{string})"/> with values and
    /// adjoints in an array once they would take more than <paramref name="maxLocals"/> locals;
    /// tests pass a small number to check the array form against the locals on small formulas,
    /// where compiling is quick.
    /// </summary>
    internal RowsGradient CompileGradient(IReadOnlyList<string> parameters, IReadOnlyList<string> columns, int maxLocals)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(columns);
        CheckNames(parameters, columns);
        var compiler = new GradientCompiler(this, parameters, columns, maxLocals);
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
            /// <summary>Position in <see cref="shared"/>: names the node in its parents' keys.</summary>
            public int Id { get; init; }
            public double? Constant { get; init; }
            public int Parameter { get; init; } = -1;
            public int Column { get; init; } = -1;
            /// <summary>Reads a data column, so it has one value per row.</summary>
            public bool PerRow { get; init; }
            /// <summary>Depends on a parameter, so the tape records it.</summary>
            public bool NeedsGrad { get; init; }
            /// <summary>Gets a gradient on the tape: false only where every path from the root passes through <c>^0</c>.</summary>
            public bool Reached { get; set; }
            /// <summary>Where the value is kept: a local, or an element of the slots array.</summary>
            public Linq? Local { get; set; }
            public Linq? Adjoint { get; set; }

            /// <summary>The value as an expression: the folded constant or the local holding it.</summary>
            public Linq Value => Constant is double c ? Linq.Constant(c) : Local!;
        }

        private readonly IReadOnlyList<string> parameterNames;
        private readonly IReadOnlyList<string> columnNames;
        // Two subtrees share a node when they print the same text (Key), not by record equality:
        // Number(0) equals Number(-0.0) as a record, but 1/0 and 1/-0 differ.
        private readonly Dictionary<string, Node> shared = new(StringComparer.Ordinal);
        private readonly List<Node> order = []; // children before parents; constants left out
        private readonly Node root;
        private readonly Node?[] parameterNodes;

        private readonly LinqVariable parametersArg = Linq.Parameter(typeof(double[]), "parameters");
        private readonly LinqVariable columnsArg = Linq.Parameter(typeof(double[][]), "columns");
        private readonly LinqVariable rowsArg = Linq.Parameter(typeof(int), "rows");
        private readonly LinqVariable row = Linq.Variable(typeof(int), "row");
        private readonly LinqVariable[] columnArrays;
        // IL allows 65,535 locals in a method, and the gradient takes two per node (value and
        // adjoint) plus one per column. Past this many (a sum of some 16,000 terms) values and
        // adjoints live in one array instead: the same arithmetic in the same order, only the
        // loads and stores differ. Half the IL limit leaves room for the compiler's temporaries.
        public const int MaxLocals = 32_000;
        private readonly LinqVariable? slots;

        public GradientCompiler(Expr e, IReadOnlyList<string> parameters, IReadOnlyList<string> columns, int maxLocals)
        {
            parameterNames = parameters;
            columnNames = columns;
            columnArrays = [.. columns.Select(n => Linq.Variable(typeof(double[]), n))];
            root = Build(e);
            parameterNodes = new Node?[parameters.Count];
            if (2 * order.Count + columnArrays.Length > maxLocals) slots = Linq.Variable(typeof(double[]), "slots");
            for (int i = 0; i < order.Count; i++)
            {
                var n = order[i];
                n.Local = Slot(i);
                if (n.Parameter >= 0) parameterNodes[n.Parameter] = n;
            }
            MarkReached();
        }

        /// <summary>The graph of <paramref name="e"/>, operands first; a fold, as a long sum is a deep tree (Expr.Walk.cs).</summary>
        private Node Build(Expr e) => Fold<Node>(e, (node, args) =>
        {
            string key = Key(node, args);
            if (shared.TryGetValue(key, out var existing)) return existing;
            var made = node switch
            {
                Number n => new Node(node, []) { Constant = n.Value, Id = shared.Count },
                Constant c => new Node(node, []) { Constant = c.Value, Id = shared.Count },
                Variable v => Leaf(v),
                _ => Operation(node, args.ToArray()),
            };
            shared.Add(key, made);
            if (made.Constant is null) order.Add(made);
            return made;
        });

        /// <summary>
        /// A key that is equal exactly when the printed texts are, built from the operands' ids
        /// instead of printing every subtree (which costs the square of a long sum's length). A
        /// negative number prints as the minus of its magnitude, so it is keyed as one.
        /// </summary>
        private string Key(Expr e, ReadOnlySpan<Node> args) => e switch
        {
            Number n when double.IsNegative(n.Value) => "-" + NumberNode(-n.Value).Id,
            Number n => NumberKey(n.Value),
            Constant c => "c" + c.Name,
            Variable v => "v" + v.Name,
            Negate => "-" + args[0].Id,
            Binary b => $"{(int)b.Operator}({args[0].Id},{args[1].Id})",
            Call c => $"f{(int)c.Function}({string.Join(",", args.ToArray().Select(a => a.Id))})",
            _ => throw new System.Diagnostics.UnreachableException(e.GetType().Name),
        };

        private static string NumberKey(double value) => "n" + value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        private Node NumberNode(double value)
        {
            string key = NumberKey(value);
            if (!shared.TryGetValue(key, out var node))
                shared.Add(key, node = new Node(new Number(value), []) { Constant = value, Id = shared.Count });
            return node;
        }

        private Node Leaf(Variable v)
        {
            int p = IndexOf(parameterNames, v.Name);
            return p >= 0
                ? new Node(v, []) { Parameter = p, NeedsGrad = true, Id = shared.Count }
                : new Node(v, []) { Column = IndexOf(columnNames, v.Name), PerRow = true, Id = shared.Count };
        }

        private Node Operation(Expr e, Node[] args)
        {
            // Same folding as the tensor evaluator: an op on constants only is a constant, computed
            // with Expr.Apply and FormulaFunctions.Apply on the folded operands.
            if (args.All(a => a.Constant is not null))
            {
                double a = args[0].Constant!.Value;
                double value = e switch
                {
                    Negate => -a,
                    Binary b => Apply(b.Operator, a, args[1].Constant!.Value),
                    Call { Arguments.Count: 1 } c => FormulaFunctions.Apply(c.Function, a),
                    Call c => FormulaFunctions.Apply(c.Function, a, args[1].Constant!.Value),
                    _ => throw new System.Diagnostics.UnreachableException(e.GetType().Name),
                };
                return new Node(e, args) { Constant = value, Id = shared.Count };
            }
            return new Node(e, args) { PerRow = args.Any(a => a.PerRow), NeedsGrad = args.Any(a => a.NeedsGrad), Id = shared.Count };
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
            for (int i = 0; i < order.Count; i++)
                if (order[i].Reached) order[i].Adjoint = Slot(order.Count + i);
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

            var adjoints = order.Select(n => n.Adjoint).OfType<LinqVariable>();
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
            // An array slot gets a = a + t, the same sum: AddAssign on an array element is
            // rewritten with temporaries, which makes compiling large formulas several times slower.
            else if (target.Adjoint is LinqVariable local) body.Add(Linq.AddAssign(local, term));
            else body.Add(Linq.Assign(target.Adjoint!, Linq.Add(target.Adjoint!, term)));
        }

        private IEnumerable<LinqVariable> Locals() =>
            [row, .. columnArrays, .. (slots is null ? [] : new[] { slots }), .. order.Select(n => n.Local).OfType<LinqVariable>()];

        /// <summary>Storage for value or adjoint <paramref name="i"/>: a new local, or element i of the slots array.</summary>
        private Linq Slot(int i) => slots is null ? Linq.Variable(typeof(double)) : Linq.ArrayAccess(slots, Linq.Constant(i));

        /// <summary>Column arrays, parameters and every node that does not vary by row, before the loop.</summary>
        private IEnumerable<Linq> Setup()
        {
            if (slots is not null) yield return Linq.Assign(slots, Linq.NewArrayBounds(typeof(double), Linq.Constant(2 * order.Count)));
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

        /// <summary>x^y as the tape computes it: a constant exponent 2 is x*x (NDArray.Pow(T)), anything else Math.Pow.</summary>
        private static Linq PowerOf(Linq x, Linq exponent) => exponent is System.Linq.Expressions.ConstantExpression { Value: 2.0 }
            ? Linq.Multiply(x, x)
            : Linq.Call(MathMethod(nameof(Math.Pow), 2), x, exponent);

        /// <summary>
        /// The backward rules: for node <paramref name="n"/> with adjoint <paramref name="g"/>, the
        /// term each operand that needs a gradient receives. Each line is the closure the tape
        /// records for that op (NDArray.Elementwise.cs, NDArray.Unary.cs), with the same grouping of
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

        /// <summary>The op's backward rule from the tape's table (NDArray.Unary.cs), called with (x, y, g).</summary>
        private static Linq Backward(Type op, Linq x, Linq y, Linq g) =>
            Linq.Call(op.GetMethod(nameof(IUnaryOp<double>.Backward), [typeof(double), typeof(double), typeof(double)])!, x, y, g);

        /// <summary>The power's backward rules from the tape's table (PowRule in NDArray.Elementwise.cs).</summary>
        private static IEnumerable<(Node Arg, Linq Term)> PowerTerms(Node a, Node b, Linq r, Linq g)
        {
            if (b.Constant is double c)
            {
                if (c == 0) yield break; // nothing flows back through a^0, as on the tape
                yield return (a, PowRule(nameof(PowRule<double>.BackwardConstant), a.Value, Linq.Constant(c), g));
                yield break;
            }
            if (a.NeedsGrad) yield return (a, PowRule(nameof(PowRule<double>.BackwardBase), a.Value, b.Value, g));
            if (b.NeedsGrad) yield return (b, PowRule(nameof(PowRule<double>.BackwardExponent), a.Value, b.Value, r, g));
        }

        private static Linq PowRule(string rule, params Linq[] args) =>
            Linq.Call(typeof(PowRule<double>).GetMethod(rule)!, args);
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
