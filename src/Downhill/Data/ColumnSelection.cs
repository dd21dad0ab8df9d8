namespace Downhill.Data;

/// <summary>
/// Finds the columns a list item names in a header: a name; a glob with <c>*</c> (any run of
/// characters) and <c>?</c> (one character); or a range <c>first..last</c> of neighbouring
/// columns in the header's order. A column whose name is the item itself always wins, so a
/// column called "a*b" can still be chosen. An unknown name is refused with its close matches.
/// </summary>
internal static class ColumnSelection
{
    // A wide file's header is no help in a message; its first columns and the count are.
    private const int ListedColumns = 20;

    /// <summary>Whether <paramref name="item"/> may name several columns (then columns in other roles are passed over, not refused).</summary>
    public static bool IsPattern(string item, IReadOnlyList<string> header) =>
        !header.Contains(item) && (item.Contains('*') || item.Contains('?') || item.Contains(".."));

    /// <summary>The columns <paramref name="item"/> names, in header order; <paramref name="what"/> ("feature") and <paramref name="source"/> word the errors.</summary>
    public static int[] Find(string item, IReadOnlyList<string> header, string what, string source)
    {
        int exact = IndexOf(header, item);
        if (exact >= 0) return [exact];
        int dots = item.IndexOf("..", StringComparison.Ordinal);
        if (dots >= 0)
        {
            string first = item[..dots].Trim(), last = item[(dots + 2)..].Trim();
            int from = One(first, header, what, source), to = One(last, header, what, source);
            if (from > to)
                Errors.Data($"{source}: the range \"{item}\" runs backwards (\"{first}\" is column {from + 1}, \"{last}\" column {to + 1}); write {last}..{first}.");
            return [.. Enumerable.Range(from, to - from + 1)];
        }
        if (item.Contains('*') || item.Contains('?'))
        {
            var fits = Enumerable.Range(0, header.Count).Where(c => Glob(item, header[c])).ToArray();
            if (fits.Length == 0)
                Errors.Data($"{source}: no column fits the {what} pattern \"{item}\" (the columns are: {Listed(header)}).");
            return fits;
        }
        return [One(item, header, what, source)];
    }

    /// <summary>The column called <paramref name="name"/>, or an error naming it and its close matches.</summary>
    public static int One(string name, IReadOnlyList<string> header, string what, string source)
    {
        int c = IndexOf(header, name);
        if (c >= 0) return c;
        var close = Close(name, header);
        string hint = close.Length == 0 ? "" : $"did you mean {string.Join(" or ", close.Select(n => $"\"{n}\""))}? ";
        Errors.Data($"{source}: no {what} column \"{name}\" ({hint}the columns are: {Listed(header)}).");
        return -1;
    }

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int c = 0; c < header.Count; c++) if (header[c] == name) return c;
        return -1;
    }

    private static string Listed(IReadOnlyList<string> header) =>
        header.Count <= ListedColumns
            ? string.Join(", ", header)
            : string.Join(", ", header.Take(ListedColumns)) + $", ... ({header.Count} in all)";

    /// <summary>
    /// Up to three names nearest to <paramref name="name"/>: those that differ only in case, else
    /// those one edit away (two for names over five characters; none for names of one or two, where
    /// one edit reaches almost anything).
    /// </summary>
    internal static string[] Close(string name, IReadOnlyList<string> header)
    {
        int allowed = name.Length <= 2 ? 0 : name.Length <= 5 ? 1 : 2;
        var near = header
            .Select(h => (Name: h, Distance: Spelling.EditDistance(name.ToLowerInvariant(), h.ToLowerInvariant())))
            .Where(p => p.Distance <= allowed)
            .ToArray();
        if (near.Length == 0) return [];
        int best = near.Min(p => p.Distance);
        return near.Where(p => p.Distance == best).Take(3).Select(p => p.Name).ToArray();
    }

    /// <summary>Whether <paramref name="name"/> fits <paramref name="pattern"/> ('*' any run, '?' one character), case-sensitively.</summary>
    internal static bool Glob(string pattern, string name)
    {
        // Backtracking to the last '*' only: linear for patterns with one star, fine for column names.
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n])) { p++; n++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = n; }
            else if (star >= 0) { p = star + 1; n = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
