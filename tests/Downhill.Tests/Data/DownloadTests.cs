using System.Security.Cryptography;
using System.Text;
using Downhill.Data;

namespace Downhill.Tests.Data;

public class DownloadTests
{
    private static readonly byte[] Payload = Encoding.ASCII.GetBytes("abc");
    // SHA-256("abc") from FIPS 180-2, appendix B.1.
    private const string AbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Good_checksum_keeps_the_file()
    {
        using var folder = new TempFolder();
        var destination = Path.Combine(folder.Path, "cache", "abc.bin");
        Download.VerifiedCopy(new MemoryStream(Payload), "abc", destination, AbcSha256.ToUpperInvariant());
        Assert.Equal(Payload, File.ReadAllBytes(destination));
        Assert.Equal([destination], Directory.GetFiles(Path.GetDirectoryName(destination)!));
    }

    [Fact]
    public void Bad_checksum_is_rejected_with_both_hashes_and_leaves_nothing()
    {
        using var folder = new TempFolder();
        var destination = Path.Combine(folder.Path, "abc.bin");
        var wrong = new string('0', 64);
        var message = Assert.Throws<DataFileException>(() => Download.VerifiedCopy(new MemoryStream(Payload), "http://example/abc", destination, wrong)).Message;
        Assert.Equal($"http://example/abc: SHA-256 is {AbcSha256} but {wrong} was expected; the download is corrupt or the file changed, so nothing was saved.", message);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void Bad_checksum_keeps_an_older_good_file_untouched()
    {
        using var folder = new TempFolder();
        var destination = folder.Write("abc.bin", "old");
        Assert.Throws<DataFileException>(() => Download.VerifiedCopy(new MemoryStream(Payload), "abc", destination, new string('1', 64)));
        Assert.Equal("old", File.ReadAllText(destination));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void File_urls_go_through_the_same_check()
    {
        using var folder = new TempFolder();
        var source = folder.WriteBytes("source.bin", RandomNumberGenerator.GetBytes(200_000));
        var expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(source)));
        var destination = Path.Combine(folder.Path, "copy.bin");
        Download.VerifiedFile(new Uri(source), destination, expected);
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(destination));
    }
}
