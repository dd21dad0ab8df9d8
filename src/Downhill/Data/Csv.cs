namespace Downhill.Data;

/// <summary>
/// Reads CSV files with a header row into a <see cref="Dataset"/>: RFC 4180 quoting, ',' ';'
/// or tab (sniffed from the header unless given), numbers in the invariant culture ('.' for
/// the decimal point), UTF-8 with or without a BOM, blank lines ignored.
/// </summary>
public static class Csv
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static Dataset Read(string path, DataOptions options = default)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            Errors.Data($"{full} does not exist (check the path; the working directory is {Environment.CurrentDirectory}).");
        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream, path, options);
    }

    /// <summary>Reads CSV from <paramref name="stream"/>; <paramref name="name"/> names it in messages.</summary>
    public static Dataset Read(Stream stream, string name, DataOptions options = default)
    {
        if (!stream.CanSeek)
        {
            // Two passes need a seekable stream: a pipe is read into memory first.
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        long rows = CountLines(stream) - 1;
        var classColumns = new HashSet<int>();
        while (true)
        {
            stream.Position = start;
            var parser = new CsvParser(stream, name, options, classColumns);
            if (parser.Parse(rows) is { } dataset) return dataset;
            // A target that held text: read again with it as class labels. Classification files
            // usually show text on the first row, so the first try stops almost at once.
            classColumns.Add(parser.TextTargetColumn);
        }
    }

    /// <summary>
    /// Lines in the stream, counted first so the value arrays are allocated once at their final
    /// size: growing them as rows arrive would briefly hold 2.5x the data (the old and new array).
    /// </summary>
    private static long CountLines(Stream stream)
    {
        var block = new byte[1 << 20];
        long newlines = 0;
        byte last = (byte)'\n';
        int n;
        while ((n = stream.Read(block, 0, block.Length)) > 0)
        {
            newlines += block.AsSpan(0, n).Count((byte)'\n');
            last = block[n - 1];
        }
        return newlines + (last == '\n' ? 0 : 1);
    }
}
