namespace Downhill.Formulas;

/// <summary>
/// Recursive descent over the grammar below; every failure is a <see cref="FormulaException"/>
/// that points at the token where the formula stopped making sense.
/// <code>
/// formula  = sum [ '=' sum ]
/// sum      = product { ('+' | '-') product }
/// product  = unary { ('*' | '/') unary }
/// unary    = '-' unary | power                 -x^2 is -(x^2), as in maths
/// power    = primary [ '^' exponent ]          right-associative: 2^3^2 is 2^9
/// exponent = '-' exponent | power              so that 2^-1 needs no parentheses
/// primary  = number | name | name '(' [ sum { ',' sum } ] ')' | '(' sum ')'
/// </code>
/// </summary>
internal sealed class Parser
{
    // Deeper nesting than any formula a person types; the limit keeps the parser's recursion far
    // from the end of the stack. Only nesting counts: a sum or product of any length is a loop
    // here, and every later walk over the tree is a loop too (Expr.Walk.cs).
    internal const int MaxDepth = 256;

    private readonly string text;
    private readonly List<Token> tokens;
    private int position;
    private int depth;

    private Parser(string text)
    {
        this.text = text;
        tokens = Lexer.Tokenize(text);
    }

    /// <summary>Parses <c>target = right</c> or a lone expression (then the target is null).</summary>
    public static (Expr? Target, Expr Right) Parse(string text)
    {
        var parser = new Parser(text);
        return parser.ParseFormula();
    }

    private Token Peek => tokens[position];

    private Token Next() => tokens[position++];

    private string TextOf(Token t) => text.Substring(t.Start, t.Length);

    private (Expr?, Expr) ParseFormula()
    {
        if (Peek.Kind == TokenKind.End)
            FormulaException.Throw(text, 0, "empty formula; write an expression such as (1 - x)^2 or an equation such as y = m*x + b");
        var first = ParseSum();
        if (Peek.Kind != TokenKind.Equals)
        {
            ExpectEnd();
            return (null, first);
        }
        var equals = Next();
        if (Peek.Kind == TokenKind.Equals) SecondEquals(equals);
        var second = ParseSum();
        if (Peek.Kind == TokenKind.Equals) SecondEquals(equals);
        ExpectEnd();
        return (first, second);
    }

    private void SecondEquals(Token first) =>
        FormulaException.Throw(text, Peek.Start, $"a second '='; a formula has at most one (the first is at column {first.Start + 1})");

    private void ExpectEnd()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.End:
                return;
            case TokenKind.RightParen:
                FormulaException.Throw(text, t.Start, "unexpected ')'; there is no '(' for it to close");
                break;
            case TokenKind.Comma:
                FormulaException.Throw(text, t.Start, "unexpected ','; commas only separate the arguments of a function such as max(a, b) (the decimal point is '.')");
                break;
            default:
                MissingOperator("an operator (+ - * / ^)");
                break;
        }
    }

    /// <summary>Two operands in a row, as in <c>2x</c> or <c>(a)(b)</c>.</summary>
    private void MissingOperator(string expected)
    {
        var t = Peek;
        var previous = tokens[position - 1];
        string reason = $"expected {expected} before {Describe(t)}";
        if (previous.Kind is TokenKind.Number or TokenKind.Name && t.Kind is TokenKind.Number or TokenKind.Name)
            reason += $"; write {TextOf(previous)}*{TextOf(t)} for a product";
        FormulaException.Throw(text, t.Start, reason);
    }

    private Expr ParseSum()
    {
        var left = ParseProduct();
        while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            var op = Next().Kind == TokenKind.Plus ? BinaryOperator.Add : BinaryOperator.Subtract;
            left = new Expr.Binary(op, left, ParseProduct());
        }
        return left;
    }

    private Expr ParseProduct()
    {
        var left = ParseUnary();
        while (Peek.Kind is TokenKind.Star or TokenKind.Slash)
        {
            var op = Next().Kind == TokenKind.Star ? BinaryOperator.Multiply : BinaryOperator.Divide;
            left = new Expr.Binary(op, left, ParseUnary());
        }
        return left;
    }

    private Expr ParseUnary()
    {
        if (Peek.Kind != TokenKind.Minus) return ParsePower();
        Enter();
        Next();
        var operand = ParseUnary();
        depth--;
        return new Expr.Negate(operand);
    }

    private Expr ParsePower()
    {
        var @base = ParsePrimary();
        if (Peek.Kind != TokenKind.Caret) return @base;
        Enter();
        Next();
        var exponent = ParseExponent();
        depth--;
        return new Expr.Binary(BinaryOperator.Power, @base, exponent);
    }

    private Expr ParseExponent()
    {
        if (Peek.Kind != TokenKind.Minus) return ParsePower();
        Enter();
        Next();
        var operand = ParseExponent();
        depth--;
        return new Expr.Negate(operand);
    }

    private Expr ParsePrimary()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Number:
                Next();
                return new Expr.Number(t.Value);
            case TokenKind.Name:
                return ParseName();
            case TokenKind.LeftParen:
                Enter();
                var open = Next();
                var inner = ParseSum();
                ExpectClose(open, inCall: false);
                depth--;
                return inner;
            case TokenKind.End:
                FormulaException.Throw(text, t.Start, "unexpected end of formula; expected a number, a name or '('");
                break;
            default:
                FormulaException.Throw(text, t.Start, $"unexpected {Describe(t)}; expected a number, a name or '('");
                break;
        }
        throw new System.Diagnostics.UnreachableException();
    }

    private Expr ParseName()
    {
        var t = Next();
        string name = TextOf(t);
        if (Peek.Kind == TokenKind.LeftParen) return ParseCall(t, name);
        if (FormulaFunctions.TryGet(name, out var function))
            FormulaException.Throw(text, t.Start, $"'{name}' is a function; call it as {FormulaFunctions.Usage(function)}");
        return Expr.TryGetConstant(name, out _) ? new Expr.Constant(name) : new Expr.Variable(name);
    }

    private Expr ParseCall(Token nameToken, string name)
    {
        if (!FormulaFunctions.TryGet(name, out var function))
        {
            string? suggestion = FormulaFunctions.Suggest(name);
            FormulaException.Throw(text, nameToken.Start, suggestion is not null
                ? $"unknown function '{name}'; did you mean '{suggestion}'?"
                : $"unknown function '{name}'; the functions are {string.Join(", ", FormulaFunctions.Names)} (for a product write {name}*(...))");
        }
        Enter();
        var open = Next();
        var arguments = new List<Expr>();
        if (Peek.Kind == TokenKind.RightParen) Next();
        else
        {
            while (true)
            {
                arguments.Add(ParseSum());
                if (Peek.Kind == TokenKind.Comma) { Next(); continue; }
                ExpectClose(open, inCall: true);
                break;
            }
        }
        depth--;
        int arity = FormulaFunctions.Arity(function);
        if (arguments.Count != arity)
            FormulaException.Throw(text, nameToken.Start,
                $"{name} takes {Expr.Plural(arity, "argument")}, as in {FormulaFunctions.Usage(function)}; found {arguments.Count}");
        return new Expr.Call(function, [.. arguments]);
    }

    private void ExpectClose(Token open, bool inCall)
    {
        var t = Peek;
        if (t.Kind == TokenKind.RightParen) { Next(); return; }
        if (t.Kind is TokenKind.Number or TokenKind.Name or TokenKind.LeftParen)
            MissingOperator(inCall ? "',' or an operator" : "an operator or ')'");
        string reason = $"expected ')' to close the '(' at column {open.Start + 1}";
        if (t.Kind != TokenKind.End) reason += $", found {Describe(t)}";
        FormulaException.Throw(text, t.Start, reason);
    }

    private void Enter()
    {
        if (++depth > MaxDepth)
            FormulaException.Throw(text, Peek.Start,
                $"the formula nests {NestingDepth(tokens)} levels deep; the limit is {MaxDepth} (each '(', function call, unary '-' and '^' opens a level): " +
                "drop redundant parentheses and minus signs, or split it into smaller formulas");
    }

    /// <summary>
    /// The deepest nesting in the whole formula, as <see cref="Enter"/> counts it, by a scan
    /// without recursion (for the message only). A '(' opens a level until its ')'; a unary '-'
    /// or a '^' opens one until the operand or exponent ends, which is at the next binary
    /// operator, ',', '=' or ')' of the same parentheses.
    /// </summary>
    private static int NestingDepth(List<Token> tokens)
    {
        var chains = new Stack<int>(); // open '-' and '^' levels of each enclosing '('
        int chain = 0, depth = 0, deepest = 0;
        var previous = TokenKind.End;
        foreach (var t in tokens)
        {
            bool operand = previous is TokenKind.End or TokenKind.Plus or TokenKind.Minus or TokenKind.Star or TokenKind.Slash
                or TokenKind.Caret or TokenKind.LeftParen or TokenKind.Comma or TokenKind.Equals;
            switch (t.Kind)
            {
                case TokenKind.Minus when operand:
                case TokenKind.Caret:
                    chain++;
                    depth++;
                    break;
                case TokenKind.LeftParen:
                    chains.Push(chain);
                    chain = 0;
                    depth++;
                    break;
                case TokenKind.RightParen when chains.Count > 0:
                    depth -= chain + 1;
                    chain = chains.Pop();
                    break;
                case TokenKind.Plus or TokenKind.Minus or TokenKind.Star or TokenKind.Slash or TokenKind.Comma or TokenKind.Equals:
                    depth -= chain;
                    chain = 0;
                    break;
            }
            deepest = Math.Max(deepest, depth);
            previous = t.Kind;
        }
        return deepest;
    }

    private string Describe(Token t) => t.Kind switch
    {
        TokenKind.End => "the end of the formula",
        TokenKind.Number => $"number '{TextOf(t)}'",
        TokenKind.Name => $"name '{TextOf(t)}'",
        _ => $"'{TextOf(t)}'",
    };
}
