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
        var sb = new StringBuilder();
        Write(e, sb);
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

    private static void Write(Expr e, StringBuilder sb)
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
                WriteChild(u.Operand, Strength(u.Operand) <= Unary, sb);
                break;
            case Expr.Binary b:
                WriteBinary(b, sb);
                break;
            case Expr.Call c:
                sb.Append(FormulaFunctions.Name(c.Function)).Append('(');
                for (int i = 0; i < c.Arguments.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    Write(c.Arguments[i], sb);
                }
                sb.Append(')');
                break;
        }
    }

    private static void WriteBinary(Expr.Binary b, StringBuilder sb)
    {
        int strength = Strength(b);
        int left = Strength(b.Left), right = Strength(b.Right);
        if (b.Operator == BinaryOperator.Power)
        {
            // The base is an atom: (a^b)^c and (-2)^2 need their parentheses. The exponent may be
            // another power (right-associative) or a unary minus (2^-x).
            WriteChild(b.Left, left < Atom, sb);
            sb.Append('^');
            WriteChild(b.Right, right < Unary, sb);
            return;
        }
        // Left-associative: a child of equal strength on the right needs parentheses (a - (b - c)).
        WriteChild(b.Left, left < strength, sb);
        sb.Append(b.Operator switch
        {
            BinaryOperator.Add => " + ",
            BinaryOperator.Subtract => " - ",
            BinaryOperator.Multiply => "*",
            _ => "/",
        });
        WriteChild(b.Right, right <= strength, sb);
    }

    private static void WriteChild(Expr child, bool parenthesize, StringBuilder sb)
    {
        if (parenthesize) sb.Append('(');
        Write(child, sb);
        if (parenthesize) sb.Append(')');
    }
}
