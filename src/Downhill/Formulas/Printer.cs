using System.Globalization;
using System.Text;

namespace Downhill.Formulas;

/// <summary>
/// Writes a tree back as formula text with only the parentheses the grammar needs, so that
/// parsing the text gives back an equal tree. Parentheses that only regroup a mathematically
/// associative chain, as in a + (b + c), are kept: floating-point addition is not associative.
/// </summary>
internal static class Printer
{
    // Binding strength, loosest first; a child that binds more loosely than its slot needs parentheses.
    private const int Sum = 1, Product = 2, Unary = 3, Power = 4, Atom = 5;

    public static string Print(Expr e)
    {
        // A stack of what is left to write, instead of recursion: a long sum is a deep tree
        // (see Expr.Walk.cs). Each entry is a subtree or a piece of punctuation.
        var sb = new StringBuilder();
        var pending = new Stack<(Expr? Node, string? Text)>();
        pending.Push((e, null));
        while (pending.TryPop(out var item))
        {
            if (item.Node is null) sb.Append(item.Text);
            else Write(item.Node, sb, pending);
        }
        return sb.ToString();
    }

    private static int Strength(Expr e) => e switch
    {
        Expr.Binary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => Sum,
        Expr.Binary { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } => Product,
        Expr.Binary => Power,
        Expr.Negate => Unary,
        // A negative literal prints with a leading '-', so it groups like unary minus.
        Expr.Number n when double.IsNegative(n.Value) => Unary,
        _ => Atom,
    };

    /// <summary>Writes the node's own text and pushes its operands, last first, so they are written left to right.</summary>
    private static void Write(Expr e, StringBuilder sb, Stack<(Expr?, string?)> pending)
    {
        switch (e)
        {
            case Expr.Number n:
                sb.Append(n.Value.ToString("R", CultureInfo.InvariantCulture));
                break;
            case Expr.Constant c:
                sb.Append(c.Name);
                break;
            case Expr.Variable v:
                sb.Append(v.Name);
                break;
            case Expr.Negate u:
                sb.Append('-');
                // -(-x) rather than --x, and -(a + b), -(a*b); but -x^2 and -sin(x) as they are.
                PushChild(u.Operand, Strength(u.Operand) <= Unary, pending);
                break;
            case Expr.Binary b:
                PushBinary(b, pending);
                break;
            case Expr.Call c:
                sb.Append(FormulaFunctions.Name(c.Function)).Append('(');
                pending.Push((null, ")"));
                for (int i = c.Arguments.Count - 1; i >= 0; i--)
                {
                    pending.Push((c.Arguments[i], null));
                    if (i > 0) pending.Push((null, ", "));
                }
                break;
        }
    }

    private static void PushBinary(Expr.Binary b, Stack<(Expr?, string?)> pending)
    {
        int strength = Strength(b);
        int left = Strength(b.Left), right = Strength(b.Right);
        if (b.Operator == BinaryOperator.Power)
        {
            // The base is an atom: (a^b)^c and (-2)^2 need their parentheses. The exponent may be
            // another power (right-associative) or a unary minus (2^-x).
            PushChild(b.Right, right < Unary, pending);
            pending.Push((null, "^"));
            PushChild(b.Left, left < Atom, pending);
            return;
        }
        // Left-associative: a child of equal strength on the right needs parentheses (a - (b - c)).
        PushChild(b.Right, right <= strength, pending);
        pending.Push((null, b.Operator switch
        {
            BinaryOperator.Add => " + ",
            BinaryOperator.Subtract => " - ",
            BinaryOperator.Multiply => "*",
            _ => "/",
        }));
        PushChild(b.Left, left < strength, pending);
    }

    private static void PushChild(Expr child, bool parenthesize, Stack<(Expr?, string?)> pending)
    {
        if (parenthesize) pending.Push((null, ")"));
        pending.Push((child, null));
        if (parenthesize) pending.Push((null, "("));
    }
}
