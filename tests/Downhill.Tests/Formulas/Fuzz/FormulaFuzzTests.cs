using System.Globalization;
using CsCheck;
using Downhill.Formulas;

namespace Downhill.Tests.Formulas.Fuzz;

/// <summary>
/// Random and hostile formula text through every entry point. Whatever the text, parsing gives a
/// formula or a <see cref="FormulaException"/> whose message points at a column of the text;
/// never another exception, never a crash. A formula that parses prints back to text that
/// parses to the same trees, and its compiled value is the interpreter's to the bit. The cases
/// are fixed by the seed, so a failure repeats.
/// </summary>
public class FormulaFuzzTests
{
    private const string Seed = "0N0XIzNsQ0O2";

    // Pieces of formulas, good and bad: names (Unicode letters are names), numbers in every
    // spelling the lexer meets, operators, '**', brackets, separators, whitespace, functions and
    // near-misses, characters that are no part of a formula (half an emoji, NUL, a no-break space).
    private static readonly string[] Vocabulary =
    [
        "x", "y", "z_1", "_", "é", "名", "ж", "x١",
        "0", "1", "2", "2.5", ".5", "2.", "1e3", "1E-3", "1e", "2e+", "1e308", "1e309", "1e-400", "1.2.3", "007",
        "+", "-", "*", "/", "^", "**", "(", ")", "(", ")", ",", "=",
        " ", " ", "\t", "\n",
        "sin", "max", "pow", "log", "relu", "exp", "sqrt", "pi", "e", "sine", "Exp",
        "#", "[", "]", "{", ".", "😀", "\ud83d", "\0", "\u00a0", "\u200b", "１",
    ];

    private static readonly Gen<string> Token = Gen.Frequency(
        (20, Gen.Int[0, Vocabulary.Length - 1].Select(i => Vocabulary[i])),
        (1, Gen.Int[300, 400].Select(n => new string('9', n))),                   // too large for a double
        (1, Gen.Int[1, 3_000].Select(n => new string('a', n))),                   // a very long name
        (1, Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture)))); // NaN, Infinity, -1E-300...

    private static readonly Gen<string> Tokens = Token.Array[0, 30].Select(string.Concat);

    private static readonly Gen<string> AnyCharacters = Gen.Char.Array[0, 30].Select(c => new string(c));

    private static readonly string[] Openers = ["(", "-", "sqrt(", "2^", "max(1, "];

    /// <summary>Deep nesting around the limit of 256, closed, left open or closed too often.</summary>
    private static readonly Gen<string> Nested = Gen.Select(Gen.Int[0, Openers.Length - 1], Gen.Int[0, 600], Gen.Int[-2, 2], (o, depth, extra) =>
    {
        string open = Openers[o];
        string close = open.EndsWith('(') || open.EndsWith(' ') ? ")" : "";
        return string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, Math.Max(0, depth + extra)));
    });

    private static readonly string[] Operators = ["+", "-", "*", "/", "^"];

    /// <summary>Long chains of operators; a dangling operator at the end now and then.</summary>
    private static Gen<string> Chains(int longest) => Gen.Select(Gen.Int[0, Operators.Length - 1].Array[1, longest], Gen.Bool, (ops, dangle) =>
    {
        var text = new System.Text.StringBuilder("x");
        foreach (int op in ops) text.Append(Operators[op]).Append(op == 4 ? "1" : "y");
        if (dangle) text.Append('-');
        return text.ToString();
    });

    // Operands that parse, several with awkward values: log(0) = -inf, sqrt(-1) = NaN, 1e308
    // overflows when squared, 1e-400 is 0, 0^-1 divides by zero, a name 3,000 letters long.
    private static readonly string[] Operands =
    [
        "x", "y", "z_1", "名", "2.5", "0", "1e308", "1e-400", "pi", "e", "sin(x)", "max(x, y)", "(x - y)", "-x",
        "relu(-y)", "log(0)", "sqrt(-1)", "x^y", "0^-1", "abs(z_1)", "pow(x, 2)", new string('a', 3_000),
    ];

    /// <summary>Operands joined by operators: text that parses, to test what comes after parsing.</summary>
    private static readonly Gen<string> Shaped = Gen.Select(Gen.Int[0, Operands.Length - 1].Array[1, 20], Gen.Int[0, Operators.Length - 1].Array[20], (terms, ops) =>
        string.Concat(terms.Select((t, i) => (i == 0 ? "" : Operators[ops[i]]) + Operands[t])));

    private static readonly Gen<string> Hostile = Gen.Frequency((6, Tokens), (2, AnyCharacters), (1, Nested), (1, Chains(2_000)));

    [Fact]
    public void Any_text_parses_or_fails_with_a_formula_exception_at_one_of_its_columns()
    {
        int parsed = 0, refused = 0;
        Hostile.Array[2_000].Sample(texts =>
        {
            foreach (var text in texts)
            {
                if (Parses(text, out var formula)) { parsed++; CheckRoundTrip(text, formula); }
                else refused++;
            }
        }, seed: Seed, iter: 1);
        // Both outcomes must be common, or the generators test little.
        Assert.True(parsed > 150 && refused > 700, $"{parsed} parsed, {refused} refused");
    }

    [Fact]
    public void Formulas_that_parse_evaluate_compile_and_differentiate_without_surprises()
    {
        int compiled = 0;
        // Chains of a few hundred: compiling costs about a millisecond per hundred operations.
        Gen.Frequency((4, Shaped), (2, RandomTrees.Tree(3).Select(e => e.ToString())), (2, Tokens), (1, Chains(300))).Array[600].Sample(texts =>
        {
            foreach (var text in texts)
            {
                if (!Parses(text, out var formula)) continue;
                Run(text, () => CheckEvaluations(formula));
                compiled++;
            }
        }, seed: Seed, iter: 1);
        Assert.True(compiled > 300, $"only {compiled} formulas parsed");
    }

    /// <summary>Parse, with any exception but a well-formed FormulaException reported with the text.</summary>
    private static bool Parses(string text, out Formula formula)
    {
        formula = null!;
        try
        {
            formula = Formula.Parse(text);
            return true;
        }
        catch (FormulaException e)
        {
            Run(text, () => CheckMessage(text, e));
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"{Show(text)}: {e.GetType().Name} instead of a FormulaException: {e}");
            return false;
        }
    }

    private static void Run(string text, Action check)
    {
        try { check(); }
        catch (Exception e) { Assert.Fail($"{Show(text)}: {e}"); }
    }

    /// <summary>The message is the echo of the text (a window of a long one) and a caret line under the column.</summary>
    private static void CheckMessage(string text, FormulaException e)
    {
        Assert.Equal(text, e.Formula);
        Assert.InRange(e.Column, 1, text.Length + 1);
        Assert.False(string.IsNullOrWhiteSpace(e.Reason));
        var lines = e.Message.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("^ " + e.Reason, lines[1]);
        if (text.Length <= 120)
        {
            Assert.Equal(text.Length, lines[0].Length);
            Assert.Equal(e.Column - 1, lines[1].IndexOf('^'));
        }
    }

    /// <summary>Printing loses nothing: the printed text parses to equal trees (when it stays within the nesting limit).</summary>
    private static void CheckRoundTrip(string text, Formula formula)
    {
        string printed = formula.ToString();
        Formula again;
        try { again = Formula.Parse(printed); }
        catch (FormulaException e) when (e.Reason.StartsWith("the formula nests", StringComparison.Ordinal))
        {
            return; // "--x" prints as "-(-x)", one level deeper per pair: near the limit that can pass it
        }
        Assert.True(formula.Right.Equals(again.Right), $"{Show(text)} printed as {Show(printed)} parses to {Show(again.ToString())}");
        Assert.Equal(formula.Target, again.Target);
        Assert.Equal(formula.Variables, again.Variables);
    }

    /// <summary>
    /// Every name bound to a value: the interpreter, the compiled delegate (the same bits), the
    /// tape and its Backward, and the compiled gradient, which must agree with the tape in where
    /// a gradient is finite.
    /// </summary>
    private static void CheckEvaluations(Formula formula)
    {
        var names = formula.Variables;
        double[] values = [.. names.Select((_, i) => 0.75 - 0.5 * (i % 4))];
        var byName = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => values[p.i]);

        foreach (var side in formula.Target is null ? [formula.Right] : new[] { formula.Target, formula.Right })
        {
            var used = side.Variables();
            double[] sideValues = [.. used.Select(n => byName[n])];
            double interpreted = side.Evaluate(byName), compiled = side.Compile(used)(sideValues);
            Assert.True(double.IsNaN(interpreted) ? double.IsNaN(compiled) : BitConverter.DoubleToInt64Bits(interpreted) == BitConverter.DoubleToInt64Bits(compiled),
                $"interpreted {interpreted:R}, compiled {compiled:R}");
        }

        var leaves = names.ToDictionary(n => n, n => NDArray.Parameter(new[] { byName[n] }));
        var loss = formula.Evaluate<double>(leaves);
        double value = loss.Item();
        if (double.IsFinite(value) && loss.RequiresGrad) loss.Backward();

        var gradient = new double[names.Count];
        var rowsGradient = formula.Right.CompileGradient(names, []);
        var rowValue = new double[1];
        rowsGradient.Values(values, [], 1, rowValue);
        rowsGradient.Gradient(values, [], 1, [1.0], gradient);
        if (!double.IsFinite(value)) return;
        for (int i = 0; i < names.Count; i++)
        {
            var tape = leaves[names[i]].Grad;
            if (tape is null) continue; // no path from the loss to this name (x^0, or Backward not run)
            Assert.Equal(double.IsFinite(tape.Item()), double.IsFinite(gradient[i]));
        }
    }

    private static string Show(string text) =>
        "\"" + (text.Length > 200 ? text[..200] + $"...({text.Length} chars)" : text).Replace("\n", "\\n").Replace("\t", "\\t").Replace("\0", "\\0") + "\"";
}
