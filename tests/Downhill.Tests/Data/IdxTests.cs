using System.Buffers.Binary;
using System.IO.Compression;
using Downhill.Data;

namespace Downhill.Tests.Data;

public class IdxTests
{
    private static IdxArray Sample()
    {
        var data = new byte[3 * 2 * 4];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(i * 11);
        return new IdxArray([3, 2, 4], data);
    }

    [Theory]
    [InlineData("images.idx")]
    [InlineData("images.idx.gz")]
    public void Round_trips_through_a_file(string fileName)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, fileName);
        var written = Sample();
        Idx.Write(path, written);
        var read = Idx.Read(path);
        Assert.Equal(written.Shape, read.Shape);
        Assert.Equal(written.Data, read.Data);
    }

    [Fact]
    public void Header_is_the_documented_layout()
    {
        // Built by hand from the MNIST page: 00 00 08 <rank>, then big-endian sizes.
        var stream = new MemoryStream();
        Idx.Write(stream, new IdxArray([2, 1], [7, 9]));
        Assert.Equal(new byte[] { 0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 1, 7, 9 }, stream.ToArray());
    }

    [Fact]
    public void Gz_file_is_really_compressed()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "a.idx.gz");
        Idx.Write(path, Sample());
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        Assert.Equal(Sample().Data, Idx.Read(gz, "a.idx").Data);
    }

    private static string ErrorOf(byte[] bytes) =>
        Assert.Throws<DataFileException>(() => Idx.Read(new MemoryStream(bytes), "x.idx")).Message;

    [Fact]
    public void Bad_files_get_clear_errors()
    {
        Assert.Equal("x.idx is too short for an IDX file: it ends inside the 4-byte magic number.", ErrorOf([0, 0]));
        Assert.Equal("x.idx is not an IDX file: it starts with bytes 1f 8b, not 00 00 (a .gz file must end in \".gz\" to be decompressed).", ErrorOf([0x1f, 0x8b, 8, 1]));
        Assert.Equal("x.idx: IDX element type 0x0d is not supported; only unsigned bytes (0x08, as in MNIST) are.", ErrorOf([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]));
        Assert.Equal("x.idx: an IDX file with 0 dimensions is not supported; expected 1 to 4.", ErrorOf([0, 0, 8, 0]));
        Assert.Equal("x.idx is truncated: it ends inside the 2 dimension sizes of the header.", ErrorOf([0, 0, 8, 2, 0, 0, 0, 1]));
        Assert.Equal("x.idx is truncated: the header announces shape [2, 3] (6 bytes of data) but only 4 follow; download it again.", ErrorOf([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4]));
        Assert.Equal("x.idx has bytes after the 2 bytes of data that its header [2] announces; it is not a valid IDX file.", ErrorOf([0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3]));
    }

    [Fact]
    public void Negative_dimension_is_corrupt()
    {
        var bytes = new byte[8];
        bytes[2] = 8;
        bytes[3] = 1;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), -5);
        Assert.Equal("x.idx: dimension 0 has negative size -5; the header is corrupt.", ErrorOf(bytes));
    }

    [Fact]
    public void Corrupt_gzip_is_reported_as_data_error()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("bad.idx.gz", [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var message = Assert.Throws<DataFileException>(() => Idx.Read(path)).Message;
        Assert.StartsWith($"{path} is not a valid gzip file (", message);
    }

    [Fact]
    public void Image_and_label_files_make_a_classification_set()
    {
        using var folder = new TempFolder();
        var images = Path.Combine(folder.Path, "img.idx.gz");
        var labels = Path.Combine(folder.Path, "lbl.idx");
        Idx.Write(images, new IdxArray([2, 2, 2], [0, 51, 255, 102, 1, 2, 3, 4]));
        Idx.Write(labels, new IdxArray([2], [2, 0]));
        var d = DataSource.LoadIdx(images, labels);
        Assert.Equal(["pixel0", "pixel1", "pixel2", "pixel3"], d.FeatureNames);
        Assert.Equal(["0", "1", "2"], d.ClassNames!);
        Assert.Equal([2, 0], d.Labels!);
        Assert.Equal([0f, 0.2f, 1f, 0.4f, 1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f], d.Features<float>().ToArray());
        var raw = DataSource.LoadIdx(images, labels, rawPixels: true);
        Assert.Equal([0.0, 51, 255, 102, 1, 2, 3, 4], raw.Features<double>().ToArray());
    }

    [Fact]
    public void Mismatched_counts_are_an_error()
    {
        using var folder = new TempFolder();
        var images = Path.Combine(folder.Path, "img.idx");
        var labels = Path.Combine(folder.Path, "lbl.idx");
        Idx.Write(images, new IdxArray([2, 1, 1], [0, 1]));
        Idx.Write(labels, new IdxArray([3], [0, 1, 1]));
        Assert.Equal($"{images}: {images} holds 2 images but {labels} holds 3 labels; use files from the same set.",
            Assert.Throws<DataFileException>(() => DataSource.LoadIdx(images, labels)).Message);
    }
}
