using System.Buffers.Binary;
using System.Text;

namespace Downhill.Onnx;

/// <summary>
/// The protocol buffers wire format, as much of it as an ONNX file needs: varints (wire type 0),
/// length-delimited bytes, strings and nested messages (wire type 2), 32-bit floats (wire type 5),
/// written field by field.
/// A nested message is written to its own writer first, because its length comes before it.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0, LengthDelimited = 2, Fixed32 = 5;

    private readonly MemoryStream bytes = new();

    public byte[] ToArray() => bytes.ToArray();

    /// <summary>An int32 or int64 field; a negative value takes ten bytes, as protobuf writes it.</summary>
    public void Int(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint((ulong)value);
    }

    /// <summary>A float field: four little-endian IEEE 754 bytes.</summary>
    public void Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(four, value);
        bytes.Write(four);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        bytes.Write(value);
    }

    public void Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Bytes(field, inner.bytes.GetBuffer().AsSpan(0, (int)inner.bytes.Length));
    }

    /// <summary>A repeated int64 field, packed (one length-delimited run of varints), as proto3 writes it.</summary>
    public void PackedInts(int field, IEnumerable<long> values)
    {
        var inner = new ProtoWriter();
        foreach (var v in values) inner.WriteVarint((ulong)v);
        Bytes(field, inner.bytes.GetBuffer().AsSpan(0, (int)inner.bytes.Length));
    }

    /// <summary>Little-endian IEEE 754 values, as ONNX's <c>raw_data</c> holds tensors.</summary>
    public static byte[] RawLittleEndian(ReadOnlySpan<double> values)
    {
        var raw = new byte[values.Length * sizeof(double)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * sizeof(double)), values[i]);
        return raw;
    }

    /// <inheritdoc cref="RawLittleEndian(ReadOnlySpan{double})"/>
    public static byte[] RawLittleEndian(ReadOnlySpan<float> values)
    {
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        return raw;
    }

    /// <inheritdoc cref="RawLittleEndian(ReadOnlySpan{double})"/>
    public static byte[] RawLittleEndian(ReadOnlySpan<long> values)
    {
        var raw = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        return raw;
    }

    private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.WriteByte((byte)value);
    }
}
