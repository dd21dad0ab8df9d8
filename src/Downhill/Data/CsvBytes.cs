using Microsoft.Win32.SafeHandles;

namespace Downhill.Data;

/// <summary>
/// The bytes of a CSV input, read at any offset: a file through its handle (positional reads,
/// so several threads can read their own parts of one file at once) or an array in memory.
/// </summary>
internal sealed class CsvBytes
{
    private readonly SafeFileHandle? file;
    private readonly byte[]? memory;
    // Where the input starts in the file or array: a stream may be handed over part-way.
    private readonly long origin;

    private CsvBytes(SafeFileHandle? file, byte[]? memory, long origin, long length)
    {
        this.file = file;
        this.memory = memory;
        this.origin = origin;
        Length = length;
    }

    public long Length { get; }

    /// <summary>
    /// The rest of <paramref name="stream"/> from its position. A file or a memory stream is
    /// read in place; any other stream (a pipe, a decompressor) is copied into memory first,
    /// at most <paramref name="maxCopyBytes"/> of it; <paramref name="name"/> names it in messages.
    /// </summary>
    public static CsvBytes Of(Stream stream, string name, int maxCopyBytes = CsvParser.MaxArrayBytes)
    {
        if (stream is FileStream { CanSeek: true } file)
            return new(file.SafeFileHandle, null, file.Position, file.Length - file.Position);
        if (stream is MemoryStream memoryStream && memoryStream.TryGetBuffer(out var buffer))
            return new(null, buffer.Array, buffer.Offset + memoryStream.Position, memoryStream.Length - memoryStream.Position);
        // NOTE: a MemoryStream past 2 GB throws "Stream was too long.", which names neither the input nor the fix.
        var copy = new MemoryStream();
        var block = new byte[81920];
        int n;
        while ((n = stream.Read(block)) > 0)
        {
            if (copy.Length + n > maxCopyBytes)
                Errors.Data($"{name}: more than {maxCopyBytes:N0} bytes arrived from a pipe or another stream that can be read only once; " +
                    "the reader keeps a copy of such input in memory, and one copy holds at most that much. Save the data to a file and give the file's path.");
            copy.Write(block, 0, n);
        }
        return new(null, copy.GetBuffer(), 0, copy.Length);
    }

    /// <summary>Reads up to into.Length bytes at <paramref name="offset"/>; 0 at the end.</summary>
    public int Read(long offset, Span<byte> into)
    {
        if (offset >= Length) return 0;
        if (into.Length > Length - offset) into = into[..(int)(Length - offset)];
        if (file is not null) return RandomAccess.Read(file, into, origin + offset);
        memory.AsSpan(checked((int)(origin + offset)), into.Length).CopyTo(into);
        return into.Length;
    }
}
