using System.Globalization;
using System.Text;
using CsCheck;
using Downhill.Data;

namespace Downhill.Tests.Data.Fuzz;

/// <summary>
/// CSV bytes, valid files damaged at random and random bytes, through <see cref="Csv.Read(Stream, string, DataOptions)"/>,
/// <see cref="DataSource.Load"/> and <see cref="Csv.ReadTensors{T}(Stream, string, DataOptions)"/> with
/// options of every kind: quotes left open, delimiters mixed, BOMs, CR, LF and CRLF mixed, NUL bytes,
/// invalid UTF-8, huge numbers, NaN and infinity spelled many ways, blank lines, a header alone,
/// names twice, very wide rows, decimal commas. Each read must give a dataset or a
/// <see cref="DataFileException"/> that names the input, never another exception, and allocate a
/// bounded amount. Two readings that the library promises agree are compared as well: in parts
/// on two threads against one pass, and straight into tensors against <see cref="Dataset.Features{T}"/>.
/// </summary>
public class CsvFuzzTests
{
    /// <summary>Cases in <c>dotnet test</c> (a few seconds); DOWNHILL_FUZZ_ITERATIONS asks for more (bench/fuzz), as in <see cref="Downhill.Tests.Fuzz.StoredFileFuzzTests"/>.</summary>
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("DOWNHILL_FUZZ_ITERATIONS"), out long n) ? n : 2000;

    /// <summary>
    /// The most one case may allocate. The inputs are at most a few hundred KB (a row of 5,000
    /// fields is the widest), so a correct read allocates a few MB; 64 MB would mean an array
    /// was sized from a damaged count.
    /// </summary>
    private const long MaxBytesPerCase = 64 << 20;

    /// <summary>Parts this small cut even the seed files into several, so the threaded path runs too.</summary>
    private const int TinyPart = 24;

    private const string Name = "data.csv";

    // Valid files to damage: numbers with a target, class labels, an id with decimal commas and
    // ';', tabs, quoted names, missing markers, and one long enough to be cut into many parts.
    // Each comes with the options it is meant to be read with; cases use those or random ones.
    private static readonly (string Text, DataOptions Options)[] Seeds =
    [
        ("x,y\n1,2\n3,4.5\n-2,1e3\n0.25,-7\n", new() { Targets = ["y"] }),
        ("a,b,label\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,bird\n", new() { Targets = ["label"] }),
        ("id;x;y\nr1;1,5;2\nr2;3,25;4\nr3;-0,5;1\n", new() { Targets = ["y"], Id = "id" }),
        ("x\ty\tlabel\n1\t2\t0\n3\t4\t1\n5\t6\t0\n", new() { Targets = ["label"], TargetKind = TargetKind.Classification }),
        ("\"x, first\",\"y\"\n\"1\",\"2\"\n3,\"4\"\n\"5\",6\n", new() { Targets = ["x, first"] }),
        ("id,x,y,label\na,1,,yes\nb,NA,2,no\nc,3,4,\nd,5,6,yes\ne,7,8,no\n", new() { Targets = ["label"], Id = "id", Missing = MissingValues.Mean }),
        ("x|y\n1|2\n2|4\n", default),
        ("x,y\n" + string.Concat(Enumerable.Range(0, 40).Select(i => FormattableString.Invariant($"{i * 0.37:R},{i * i - 3}\n"))), new() { Targets = ["y"] }),
    ];

    // Pieces put into files: separators, quotes, line ends, BOM, NUL, invalid UTF-8 (a lone
    // continuation byte, a cut two-byte sequence, an encoded surrogate, a code point past U+10FFFF,
    // an overlong '/'), numbers too large or too small, NaN and infinity spellings, missing markers.
    private static readonly byte[][] Pieces =
    [
        .. new[]
        {
            "\"", "\"\"", ",", ";", "\t", "|", "\r", "\n", "\r\n", "\n\n\n", "\0", " ", "\uFEFF", "é", "😀",
            "NaN", "nan", "-NaN", "Inf", "inf", "-Infinity", "+Infinity", "∞", "1e400", "-1e309", "1e-400", "0x10", "1_000",
            "+1", ".", "e5", "1.", ".5", "1,5", "-0", "1e", "NA", "?", "-", "null", "None", "#N/A", "",
            new string('9', 400), "0." + new string('0', 400) + "1",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF], [0x80], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xEF, 0xBB],
    ];

    /// <summary>One damage: which kind, and two numbers that pick where and what.</summary>
    public readonly record struct Damage(int Kind, int Where, int What);

    private static readonly Gen<Damage> OneDamage = Gen.Select(Gen.Int[0, 10], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], (k, w, v) => new Damage(k, w, v));

    /// <summary>Bytes that mean something to a CSV reader, drawn at random.</summary>
    private static readonly byte[] Alphabet = Encoding.UTF8.GetBytes("0123456789.,;\t|\"\r\n -+eExyNaInf").Concat(new byte[] { 0, 0xFF, 0xC3, 0xEF, 0xBB, 0xBF }).ToArray();

    private static readonly Gen<byte[]> RandomBytes = Gen.Int[0, Alphabet.Length - 1].Array[0, 200].Select(ix => ix.Select(i => Alphabet[i]).ToArray());


    // The options: target named or not (one that is missing, two, a class column), the id, a
    // feature glob, each missing policy, each decimal separator, the delimiter given or sniffed.
    private static readonly IReadOnlyList<string>?[] TargetChoices = [null, ["y"], ["label"], ["y", "x"], ["nope"], ["x, first"]];
    private static readonly string?[] IdChoices = [null, null, "id"];
    private static readonly IReadOnlyList<string>?[] FeatureChoices = [null, null, null, ["x*"], ["a..b"]];
    private static readonly char?[] DelimiterChoices = [null, null, ',', ';', '\t', '|'];
    private static readonly char?[] DecimalChoices = [null, null, '.', ','];

    private static readonly Gen<DataOptions> Options = Gen.Select(
        Gen.Int[0, TargetChoices.Length - 1], Gen.Int[0, IdChoices.Length - 1], Gen.Int[0, FeatureChoices.Length - 1],
        Gen.Int[0, DelimiterChoices.Length - 1], Gen.Int[0, DecimalChoices.Length - 1], Gen.Int[0, 3], Gen.Int[0, 2],
        (t, id, f, d, dec, missing, kind) => new DataOptions
        {
            Targets = TargetChoices[t],
            Id = IdChoices[id],
            Features = FeatureChoices[f],
            Delimiter = DelimiterChoices[d],
            DecimalSeparator = DecimalChoices[dec],
            Missing = (MissingValues)missing,
            TargetKind = (TargetKind)kind,
        });

    /// <summary>A seed damaged, read with its own options (two cases in three) or random ones; or random bytes with random options.</summary>
    private static readonly Gen<(byte[] Bytes, DataOptions Options)> Case = Gen.Frequency(
        (5, Gen.Select(Gen.Int[0, Seeds.Length - 1], OneDamage.Array[0, 4], Gen.Int[0, 2], Options,
            (seed, damages, own, options) => (Damaged(Encoding.UTF8.GetBytes(Seeds[seed].Text), damages), own > 0 ? Seeds[seed].Options : options))),
        (1, Gen.Select(RandomBytes, Options)));

    [Fact]
    public void Any_bytes_read_to_a_dataset_or_a_data_exception_the_same_on_one_thread_and_in_parts()
    {
        int read = 0, refused = 0;
        Case.Sample((bytes, options) =>
        {
            var one = Outcome(() => Csv.Read(new MemoryStream(bytes), Name, options, threads: 1, minPartBytes: TinyPart));
            var parts = Outcome(() => Csv.Read(new MemoryStream(bytes), Name, options, threads: 2, minPartBytes: TinyPart));
            Assert.Equal(one, parts);
            Interlocked.Increment(ref one.StartsWith("error:", StringComparison.Ordinal) ? ref refused : ref read);
        }, iter: Iterations, print: Show);
        // Both outcomes must be common, or the damage tests little.
        Assert.True(read > Iterations / 20 && refused > Iterations / 4, $"{read} read, {refused} refused");
    }

    [Fact]
    public void Files_on_disk_load_as_the_same_bytes_in_memory_do()
    {
        string dir = Directory.CreateTempSubdirectory("downhill-csv-fuzz-").FullName;
        try
        {
            Case.Sample((bytes, options) =>
            {
                string path = Path.Combine(dir, $"{Guid.NewGuid():N}.csv");
                File.WriteAllBytes(path, bytes);
                try
                {
                    var fromFile = Outcome(() => DataSource.Load(path, options), path);
                    var fromMemory = Outcome(() => Csv.Read(new MemoryStream(bytes), path, options), path);
                    Assert.Equal(fromMemory, fromFile);
                }
                finally { File.Delete(path); }
            }, iter: Iterations / 6, print: Show);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Any_bytes_read_into_tensors_as_into_a_dataset()
    {
        // Mean and Median are refused by ReadTensors as an argument (no split to fill from); see its own tests.
        Case.Where(c => c.Options.Missing is MissingValues.Error or MissingValues.Drop).Sample((bytes, options) =>
        {
            var viaDataset = Outcome(() =>
            {
                var d = Csv.Read(new MemoryStream(bytes), Name, options, threads: 1, minPartBytes: TinyPart);
                return (d.Features<float>(), d.TargetCount == 0 ? null : d.Targets<float>());
            });
            var direct = Outcome(() => Csv.ReadTensors<float>(new MemoryStream(bytes), Name, options, threads: 1, minPartBytes: TinyPart));
            Assert.Equal(viaDataset, direct);
        }, iter: Iterations / 3, print: Show);
    }

    /// <summary>
    /// What a read gave, as text to compare: "error: " and the message, or the values. Any
    /// exception but <see cref="DataFileException"/> fails the test, as does a message that does
    /// not name the input, or an allocation past <see cref="MaxBytesPerCase"/> (counted on this
    /// thread: what a read in parts allocates on the pool's threads is not).
    /// </summary>
    private static string Outcome(Func<Dataset> read, string name = Name) => Outcome(() =>
    {
        var d = read();
        Assert.True(d.Count > 0 && d.FeatureCount > 0, "a dataset without rows or features");
        var features = d.Features<double>();
        Assert.Equal([d.Count, d.FeatureCount], features.Shape.ToArray());
        return (features, d.TargetCount == 0 ? null : d.Targets<double>(), d);
    }, name);

    private static string Outcome<TResult>(Func<TResult> read, string name = Name)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        try { outcome = Describe(read()); }
        catch (DataFileException e)
        {
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
            outcome = "error: " + e.Message;
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < MaxBytesPerCase, $"one read allocated {allocated:N0} bytes");
        return outcome;
    }

    private static string Describe(object? result) => result switch
    {
        null => "none",
        NDArray<double> t => $"[{string.Join("x", t.Shape.ToArray())}] {string.Join(" ", t.Data.ToArray().Select(v => BitConverter.DoubleToInt64Bits(v).ToString("x", CultureInfo.InvariantCulture)))}",
        NDArray<float> t => $"[{string.Join("x", t.Shape.ToArray())}] {string.Join(" ", t.Data.ToArray().Select(v => BitConverter.SingleToInt32Bits(v).ToString("x", CultureInfo.InvariantCulture)))}",
        Dataset d => $"{string.Join("|", d.FeatureNames)} -> {string.Join("|", d.TargetNames)}; classes {string.Join("|", d.ClassNames ?? [])}; ids {string.Join("|", d.Ids ?? [])}; dropped {d.DroppedRows}",
        System.Runtime.CompilerServices.ITuple tuple => string.Join("\n", Enumerable.Range(0, tuple.Length).Select(i => Describe(tuple[i]))),
        _ => result.ToString() ?? "",
    };

    private static string Show((byte[] Bytes, DataOptions Options) t) =>
        $"{t.Options} bytes: {Convert.ToHexString(t.Bytes)} text: {Encoding.UTF8.GetString(t.Bytes).ReplaceLineEndings("⏎")}";

    /// <summary>The bytes with each damage applied in turn.</summary>
    internal static byte[] Damaged(byte[] bytes, IEnumerable<Damage> damages)
    {
        var b = new List<byte>(bytes);
        foreach (var d in damages) Apply(b, d);
        return [.. b];
    }

    private static void Apply(List<byte> b, Damage d)
    {
        byte[] piece = Pieces[d.What % Pieces.Length];
        int at = d.Where % (b.Count + 1);
        switch (d.Kind)
        {
            case 0: // a piece put in
                b.InsertRange(at, piece);
                break;
            case 1: // a few bytes taken out
                b.RemoveRange(at, Math.Min(b.Count - at, d.What % 8 + 1));
                break;
            case 2: // a byte replaced by a piece
                if (at < b.Count) b.RemoveAt(at);
                b.InsertRange(Math.Min(at, b.Count), piece);
                break;
            case 3: // cut short
                b.RemoveRange(at, b.Count - at);
                break;
            case 4: // a line twice (the header twice when it is the first)
                var (start, end) = Line(b, d.Where);
                b.InsertRange(end, b.GetRange(start, end - start));
                break;
            case 5: // every line end, or every other one, made CRLF, CR or LF
                string[] ends = ["\r\n", "\r", "\n"];
                byte[] newEnd = Encoding.ASCII.GetBytes(ends[d.What % 3]);
                var copy = new List<byte>(b.Count);
                int count = 0;
                for (int i = 0; i < b.Count; i++)
                {
                    bool crlf = b[i] == '\r' && i + 1 < b.Count && b[i + 1] == '\n';
                    if (b[i] == '\n' || b[i] == '\r')
                    {
                        if (d.Where % 2 == 0 || count++ % 2 == 0) copy.AddRange(newEnd); else copy.Add(b[i]);
                        if (crlf) i++;
                    }
                    else copy.Add(b[i]);
                }
                b.Clear();
                b.AddRange(copy);
                break;
            case 6: // a very wide row: a line with thousands more fields
                var (_, lineEnd) = Line(b, d.Where);
                var wide = new StringBuilder();
                int fields = d.What % 5_000;
                string[] cells = [",1", ";2,5", ",x", "\t3", ","];
                for (int i = 0; i < fields; i++) wide.Append(cells[d.What % cells.Length]);
                b.InsertRange(lineEnd, Encoding.UTF8.GetBytes(wide.ToString()));
                break;
            case 7: // the header's first name again at its end: a column named twice
                var (s, e) = Line(b, 0);
                int nameEnd = s;
                while (nameEnd < e && b[nameEnd] is not (byte)',' and not (byte)';' and not (byte)'\t' and not (byte)'|') nameEnd++;
                if (nameEnd < e) b.InsertRange(e, [b[nameEnd], .. b.GetRange(s, nameEnd - s)]);
                break;
            case 8: // a BOM in front (a second one when there is one already)
                b.InsertRange(0, [0xEF, 0xBB, 0xBF]);
                break;
            case 9: // the header line alone
                var (_, headerEnd) = Line(b, 0);
                b.RemoveRange(headerEnd, b.Count - headerEnd);
                break;
            case 10: // every '.' a ',' (decimal commas) or every ',' a ';'
                (byte from, byte to) = d.What % 2 == 0 ? ((byte)'.', (byte)',') : ((byte)',', (byte)';');
                for (int i = 0; i < b.Count; i++) if (b[i] == from) b[i] = to;
                break;
        }
    }

    /// <summary>The line that holds byte <paramref name="where"/> (wrapped around), as [start, end) with its line end.</summary>
    private static (int Start, int End) Line(List<byte> b, int where)
    {
        if (b.Count == 0) return (0, 0);
        int at = where % b.Count;
        int start = at;
        while (start > 0 && b[start - 1] != '\n') start--;
        int end = at;
        while (end < b.Count && b[end] != '\n') end++;
        return (start, Math.Min(end + 1, b.Count));
    }
}
