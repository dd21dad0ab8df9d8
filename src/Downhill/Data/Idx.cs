using System.Buffers.Binary;
using System.IO.Compression;

namespace Downhill.Data;

/// <summary>An IDX array of unsigned bytes (the MNIST layout): its dimensions and row-major data.</summary>
public sealed record IdxArray(int[] Shape, byte[] Data);

/// <summary>
/// Reads and writes IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST: a
/// 4-byte magic number (0, 0, type 0x08, number of dimensions), each dimension as a big-endian
/// int32, then the data. A path ending in ".gz" is (de)compressed on the way.
/// </summary>
public static class Idx
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an IDX file of unsigned bytes (gzip when the path ends in .gz); a damaged or unsupported file is a <see cref="DataFileException"/> naming what is wrong.</summary>
    public static IdxArray Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) Errors.Data($"{full} does not exist (check the path).");
        using var file = File.OpenRead(full);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        try
        {
            return Read(stream, path);
        }
        catch (InvalidDataException e)
        {
            Errors.Data($"{path} is not a valid gzip file ({e.Message}); download it again.");
            throw;
        }
    }

    /// <summary>Reads an uncompressed IDX array from <paramref name="stream"/>; <paramref name="name"/> names it in messages.</summary>
    public static IdxArray Read(Stream stream, string name)
    {
        Span<byte> magic = stackalloc byte[4];
        if (ReadFully(stream, magic) < 4)
            Errors.Data($"{name} is too short for an IDX file: it ends inside the 4-byte magic number.");
        if (magic[0] != 0 || magic[1] != 0)
            Errors.Data($"{name} is not an IDX file: it starts with bytes {magic[0]:x2} {magic[1]:x2}, not 00 00 (a .gz file must end in \".gz\" to be decompressed).");
        if (magic[2] != UnsignedByte)
            Errors.Data($"{name}: IDX element type 0x{magic[2]:x2} is not supported; only unsigned bytes (0x08, as in MNIST) are.");
        int rank = magic[3];
        if (rank is < 1 or > 4)
            Errors.Data($"{name}: an IDX file with {rank} dimensions is not supported; expected 1 to 4.");

        var dims = new byte[4 * rank];
        if (ReadFully(stream, dims) < dims.Length)
            Errors.Data($"{name} is truncated: it ends inside the {rank} dimension sizes of the header.");
        var shape = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dims.AsSpan(4 * i));
            if (shape[i] < 0) Errors.Data($"{name}: dimension {i} has negative size {shape[i]}; the header is corrupt.");
            size *= shape[i];
            if (size > Array.MaxLength) Errors.Data($"{name}: the header gives shape [{string.Join(", ", shape[..(i + 1)])}...], more bytes than one array can hold.");
        }

        var data = new byte[size];
        int got = ReadFully(stream, data);
        if (got < data.Length)
            Errors.Data($"{name} is truncated: the header announces shape [{string.Join(", ", shape)}] ({size:N0} bytes of data) but only {got:N0} follow; download it again.");
        if (stream.ReadByte() >= 0)
            Errors.Data($"{name} has bytes after the {size:N0} bytes of data that its header [{string.Join(", ", shape)}] announces; it is not a valid IDX file.");
        return new IdxArray(shape, data);
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="path"/>, gzip-compressed when the path ends in .gz.</summary>
    public static void Write(string path, IdxArray array)
    {
        using var file = File.Create(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file;
        Write(stream, array);
    }

    /// <summary>Writes <paramref name="array"/> as IDX bytes (header, then data) to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(Stream stream, IdxArray array)
    {
        long size = 1;
        foreach (int d in array.Shape) size *= d;
        if (array.Shape.Length is < 1 or > 4 || size != array.Data.Length)
            Errors.Argument($"Idx.Write: shape [{string.Join(", ", array.Shape)}] with {array.Data.Length} bytes of data; expected 1 to 4 dimensions whose product is the data length.");
        var header = new byte[4 + 4 * array.Shape.Length];
        header[2] = UnsignedByte;
        header[3] = (byte)array.Shape.Length;
        for (int i = 0; i < array.Shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), array.Shape[i]);
        stream.Write(header);
        stream.Write(array.Data);
    }

    private static int ReadFully(Stream stream, Span<byte> destination)
    {
        int total = 0, n;
        while (total < destination.Length && (n = stream.Read(destination[total..])) > 0) total += n;
        return total;
    }
}
