namespace Downhill.Data;

/// <summary>
/// The first pass over a CSV input: its line count, so the value arrays are allocated once at
/// their final size (growing them as rows arrive would briefly hold 2.5x the data), and the
/// places where it can be cut into parts for threads to parse at once.
/// </summary>
/// <param name="Lines">Lines in the input, counting a last line without a line break.</param>
/// <param name="Cuts">
/// Offsets just after a '\n', near equal fractions of the input, ascending; empty when the
/// input cannot be cut: a quote anywhere (a quoted field may hold a line break, so a '\n' need
/// not end a record) or a bare '\r' line end (then '\n' does not count the lines).
/// </param>
/// <param name="NewlinesBefore">The number of '\n' before each cut: the line number there is one more.</param>
internal sealed record CsvScan(long Lines, long[] Cuts, long[] NewlinesBefore)
{
    private const int BlockSize = 1 << 20;

    /// <summary>Scans <paramref name="bytes"/>, looking for cuts into <paramref name="parts"/> parts when each would hold at least <paramref name="minPartBytes"/>.</summary>
    public static CsvScan Run(CsvBytes bytes, int parts, int minPartBytes)
    {
        parts = (int)Math.Clamp(bytes.Length / Math.Max(1, minPartBytes), 1, Math.Max(1, parts));
        // The target of cut k is k/parts of the way in; the cut is after the first '\n' from there.
        var targets = new long[parts - 1];
        for (int k = 1; k < parts; k++) targets[k - 1] = bytes.Length * k / parts;
        var cuts = new List<long>();
        var newlinesBefore = new List<long>();
        bool cuttable = parts > 1, crPending = false;
        int next = 0;

        var block = new byte[BlockSize];
        long offset = 0, newlines = 0;
        byte last = (byte)'\n';
        int n;
        while ((n = bytes.Read(offset, block)) > 0)
        {
            var span = block.AsSpan(0, n);
            if (cuttable)
            {
                if (crPending && span[0] != '\n') cuttable = false;
                cuttable = cuttable && !span.Contains((byte)'"') && !HasBareCarriageReturn(span, out crPending);
                while (cuttable && next < targets.Length)
                {
                    // The cut is after the first '\n' at or past the target (and past the last cut).
                    long target = Math.Max(targets[next], cuts.Count > 0 ? cuts[^1] : 0);
                    if (target >= offset + n) break;
                    int from = (int)Math.Max(0, target - offset);
                    int at = span[from..].IndexOf((byte)'\n');
                    if (at < 0) break;
                    at += from;
                    next++;
                    long cut = offset + at + 1;
                    if (cut >= bytes.Length) break;
                    cuts.Add(cut);
                    newlinesBefore.Add(newlines + span[..(at + 1)].Count((byte)'\n'));
                }
            }
            newlines += span.Count((byte)'\n');
            last = span[^1];
            offset += n;
        }
        if (!cuttable || crPending) { cuts.Clear(); newlinesBefore.Clear(); }
        return new CsvScan(newlines + (last == '\n' ? 0 : 1), [.. cuts], [.. newlinesBefore]);
    }

    /// <summary>
    /// Where the parts of the rows begin: <paramref name="dataStart"/> (the first byte after the
    /// header, on line <paramref name="dataLine"/>), then every cut past it, each with its line number.
    /// </summary>
    public (List<long> Starts, List<long> Lines) PartsAfter(long dataStart, long dataLine)
    {
        var starts = new List<long> { dataStart };
        var lines = new List<long> { dataLine };
        for (int k = 0; k < Cuts.Length; k++)
        {
            if (Cuts[k] <= dataStart) continue;
            starts.Add(Cuts[k]);
            lines.Add(NewlinesBefore[k] + 1);
        }
        return (starts, lines);
    }

    /// <summary>Whether a '\r' in <paramref name="span"/> is not followed by '\n'; a '\r' at the very end is left <paramref name="pending"/> for the next block.</summary>
    private static bool HasBareCarriageReturn(ReadOnlySpan<byte> span, out bool pending)
    {
        pending = false;
        int i = 0;
        while (true)
        {
            int at = span[i..].IndexOf((byte)'\r');
            if (at < 0) return false;
            i += at + 1;
            if (i == span.Length) { pending = true; return false; }
            if (span[i] != '\n') return true;
        }
    }
}
