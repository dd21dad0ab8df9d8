using System.Runtime.InteropServices;

namespace Downhill.Formulas;

/// <summary>Combines a node with the results of its operands (left to right) in <see cref="Expr.Fold{TResult}"/>.</summary>
internal delegate TResult FoldStep<TResult>(Expr node, ReadOnlySpan<TResult> operands);

public abstract partial record Expr
{
    // NOTE: every walk over a tree is a loop over an explicit stack, never recursion. A sum of n
    // terms is a left-leaning chain n levels deep (a + b + c is (a + b) + c, and that order of
    // the additions is kept), and about 18,000 recursive calls end the process with a stack
    // overflow, which .NET cannot catch. The parser bounds only the nesting a person writes
    // (parentheses, calls, minus signs, powers); chains of + - * / are as long as the text.

    private int OperandCount => this switch
    {
        Negate => 1,
        Binary => 2,
        Call c => c.Arguments.Count,
        _ => 0,
    };

    private Expr OperandAt(int i) => this switch
    {
        Negate u => u.Operand,
        Binary b => i == 0 ? b.Left : b.Right,
        Call c => c.Arguments[i],
        _ => throw new System.Diagnostics.UnreachableException(GetType().Name),
    };

    /// <summary>Every node, parent before its operands, operands left to right (as the text reads).</summary>
    internal IEnumerable<Expr> Nodes()
    {
        var pending = new Stack<Expr>();
        pending.Push(this);
        while (pending.TryPop(out var e))
        {
            yield return e;
            for (int i = e.OperandCount - 1; i >= 0; i--) pending.Push(e.OperandAt(i));
        }
    }

    /// <summary>
    /// The value of the tree computed bottom-up: <paramref name="step"/> runs once per node, after
    /// its operands, left to right, in the order a recursive evaluation would take.
    /// </summary>
    internal static TResult Fold<TResult>(Expr root, FoldStep<TResult> step)
    {
        var pending = new Stack<(Expr Node, int Next)>();
        var results = new List<TResult>();
        pending.Push((root, 0));
        while (pending.TryPop(out var frame))
        {
            var (e, next) = frame;
            int count = e.OperandCount;
            if (next < count)
            {
                pending.Push((e, next + 1));
                pending.Push((e.OperandAt(next), 0));
                continue;
            }
            int first = results.Count - count;
            var value = step(e, CollectionsMarshal.AsSpan(results).Slice(first, count));
            results.RemoveRange(first, count);
            results.Add(value);
        }
        return results[0];
    }

    /// <summary>Structural equality of two trees, node by node, without recursion.</summary>
    private static bool SameTree(Expr a, Expr b)
    {
        var pending = new Stack<(Expr, Expr)>();
        pending.Push((a, b));
        while (pending.TryPop(out var pair))
        {
            var (x, y) = pair;
            if (ReferenceEquals(x, y)) continue;
            bool same = (x, y) switch
            {
                (Negate, Negate) => true,
                (Binary bx, Binary by) => bx.Operator == by.Operator,
                (Call cx, Call cy) => cx.Function == cy.Function && cx.Arguments.Count == cy.Arguments.Count,
                // Leaves have no operands: their generated record equality does not recurse.
                _ => x.OperandCount == 0 && x.Equals(y),
            };
            if (!same) return false;
            for (int i = 0; i < x.OperandCount; i++) pending.Push((x.OperandAt(i), y.OperandAt(i)));
        }
        return true;
    }

    /// <summary>A hash of the whole tree consistent with <see cref="SameTree"/>, without recursion.</summary>
    private int TreeHash()
    {
        var hash = new HashCode();
        foreach (var e in Nodes())
        {
            switch (e)
            {
                case Negate: hash.Add(1); break;
                case Binary b: hash.Add(2); hash.Add(b.Operator); break;
                case Call c: hash.Add(3); hash.Add(c.Function); break;
                default: hash.Add(e.GetHashCode()); break;
            }
        }
        return hash.ToHashCode();
    }
}
