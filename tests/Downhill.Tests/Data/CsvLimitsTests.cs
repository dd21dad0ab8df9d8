using System.Diagnostics;
using System.Text;
using Downhill.Data;

namespace Downhill.Tests.Data;

/// <summary>
/// Inputs past what one array holds get messages that name the input and the limit, instead of
/// .NET's "Non-negative number required." (a record past 1 GiB doubled the buffer size into a
/// negative int) or "Stream was too long." (a pipe past 2 GB). The limit is made small here.
/// </summary>
public class CsvLimitsTests
{
    private const int Limit = 1 << 20;

    private static Dataset Read(Stream stream, DataOptions options) => Csv.Read(stream, "data.csv", options, threads: 1, minPartBytes: Limit, maxArrayBytes: Limit);

    /// <summary>A file is read in place, so only the record limit applies, not the one on copies.</summary>
    private static Dataset ReadFile(string text, DataOptions options)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("downhill-csv-").FullName, "data.csv");
        File.WriteAllText(path, text);
        using var stream = File.OpenRead(path);
        return Read(stream, options);
    }

    [Fact]
    public void TheLimitIsWhatOneByteArrayHolds() => Assert.Equal(CsvParser.MaxArrayBytes, Array.MaxLength);

    [Fact]
    public void ARecordLongerThanTheLimitIsNamedByItsLine()
    {
        // The quote opened on line 3 never closes: the rest of the file is one field.
        var text = new StringBuilder("x,y\n1,2\n3,\"4\n");
        while (text.Length < Limit + Limit / 2) text.Append("5,6\n");
        var e = Assert.Throws<DataFileException>(() => ReadFile(text.ToString(), new DataOptions { Targets = ["y"] }));
        Assert.Equal("data.csv line 3: the record there is longer than 1,048,576 bytes, the most the reader holds at once. " +
            "A quote that is never closed makes the rest of the file one field; check the quoting near that line.", e.Message);
    }

    [Fact]
    public void ARecordJustUnderTheLimitIsRead()
    {
        string longName = new('n', Limit - 100);
        var text = $"name,x,y\n\"{longName}\",1,2\nb,2,4\n";
        var d = ReadFile(text, new DataOptions { Targets = ["y"], Id = "name" });
        Assert.Equal([longName, "b"], d.Ids!);
        Assert.Equal([2.0, 4.0], d.Column("y"));
    }

    [Fact]
    public async Task APipeLongerThanTheLimitSaysToSaveItToAFile()
    {
        // A FIFO is the pipe a shell's <(...) gives; Linux only (mkfifo).
        if (!OperatingSystem.IsLinux()) return;
        string dir = Directory.CreateTempSubdirectory("downhill-fifo-").FullName;
        string fifo = Path.Combine(dir, "data.csv");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        var bytes = Encoding.UTF8.GetBytes("x,y\n" + string.Concat(Enumerable.Repeat("1,2\n", Limit / 2)));
        var writer = Task.Run(() =>
        {
            try { File.WriteAllBytes(fifo, bytes); }
            catch (IOException) { } // the reader stops at the limit and closes its end: a broken pipe here is expected
        });
        using (var stream = new FileStream(fifo, FileMode.Open, FileAccess.Read))
        {
            Assert.False(stream.CanSeek);
            var e = Assert.Throws<DataFileException>(() => Read(stream, new DataOptions { Targets = ["y"] }));
            Assert.Equal("data.csv: more than 1,048,576 bytes arrived from a pipe or another stream that can be read only once; the reader keeps a copy " +
                "of such input in memory, and one copy holds at most that much. Save the data to a file and give the file's path.", e.Message);
        }
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task APipeUnderTheLimitReadsLikeAFile()
    {
        if (!OperatingSystem.IsLinux()) return;
        string dir = Directory.CreateTempSubdirectory("downhill-fifo-").FullName;
        string fifo = Path.Combine(dir, "data.csv");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        var writer = Task.Run(() => File.WriteAllText(fifo, "x,y\n1,2\n2,4\n3,6\n"));
        var d = Csv.Read(fifo, new DataOptions { Targets = ["y"] });
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([1.0, 2.0, 3.0], d.Column("x"));
    }
}
