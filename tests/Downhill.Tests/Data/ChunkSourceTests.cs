using System.Globalization;
using System.Text;
using Downhill.Data;
using Parquet;
using Parquet.Schema;

namespace Downhill.Tests.Data;

/// <summary>
/// A file read in chunks must give what <see cref="Csv.Read(string, DataOptions)"/> gives when it
/// reads it whole: the same rows bit for bit, the same classes, the same errors on the same lines;
/// and a Parquet file holding the same values must read the same. Parts and chunks are made tiny
/// so small files are cut many times.
/// </summary>
public sealed class ChunkSourceTests : TempFolderTests
{
    /// <summary>Rows with values written by "R" (double.Parse of the text is exact), a class or numeric target, blank lines here and there.</summary>
    internal static string Numbers(int rows, int seed, bool classes = false, bool ids = false)
    {
        var rng = new Random(seed);
        var text = new StringBuilder((ids ? "name," : "") + "a,b,c,y\n");
        for (int i = 0; i < rows; i++)
        {
            if (ids) text.Append("row").Append(i).Append(',');
            for (int j = 0; j < 3; j++) text.Append(((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-3, 4))).ToString("R", CultureInfo.InvariantCulture)).Append(',');
            text.Append(classes ? new[] { "red", "green", "blue" }[rng.Next(3)] : (rng.NextDouble() * 100).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            if (rng.Next(50) == 0) text.Append('\n');
        }
        return text.ToString();
    }

    private static IChunkSource Tiny(string path, DataOptions options) => new CsvChunks(Path.GetFullPath(path), path, options, partBytes: 300);

    private static long[] Bits(double[] values) => [.. values.Select(BitConverter.DoubleToInt64Bits)];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void ChunksOfTinyPartsHoldTheRowsOfAWholeRead(bool classes, bool ids)
    {
        var path = Write("data.csv", Numbers(500, 3, classes, ids));
        var options = new DataOptions { Targets = ["y"], Id = ids ? "name" : null };
        var whole = Csv.Read(path, options);
        var source = Tiny(path, options);
        if (classes)
        {
            // Read with TargetKind.Auto, the target's text shows up only in the first chunk: that read stops, and the next reads it as classes.
            Assert.Throws<TargetIsTextException>(() => source.Read(ChunkSources.AllParts(source), 7).ToList());
            Assert.True(source.TargetIsClass);
        }
        Assert.True(source.Parts > 10, $"only {source.Parts} parts");
        var rows = new List<double>();
        var targets = new List<double>();
        var labels = new List<string>();
        var names = new List<string>();
        long lastLine = 0;
        foreach (var chunk in source.Read(ChunkSources.AllParts(source), 7))
        {
            Assert.True(chunk.FirstLine > lastLine);
            lastLine = chunk.FirstLine;
            rows.AddRange(chunk.Features.AsSpan(0, chunk.Count * 3));
            if (chunk.Targets is { } t) targets.AddRange(t.AsSpan(0, chunk.Count));
            if (chunk.Labels is { } l) labels.AddRange(l.Take(chunk.Count).Select(k => chunk.Classes![k]));
            if (chunk.Ids is { } i) names.AddRange(i.Take(chunk.Count));
        }
        Assert.Equal(Bits(whole.Features<double>().ToArray()), Bits([.. rows]));
        if (classes) Assert.Equal(whole.Labels!.Select(k => whole.ClassNames![k]), labels);
        else Assert.Equal(Bits(whole.Targets<double>().ToArray()), Bits([.. targets]));
        if (ids) Assert.Equal(whole.Ids, names);
    }

    [Fact]
    public void AQuotedFileIsOnePartAndStillReadsTheSame()
    {
        var path = Write("quoted.csv", "\"a\",b,y\n1,\"2\",x\n3,4,\"z\"\n5,6,x\n");
        var source = Tiny(path, new DataOptions { Targets = ["y"] });
        Assert.Equal(1, source.Parts);
        var all = ChunkSources.ReadAll(source);
        var whole = Csv.Read(path, new DataOptions { Targets = ["y"] });
        Assert.Equal(whole.ClassNames, all.ClassNames);
        Assert.Equal(whole.Labels, all.Labels);
        Assert.Equal(whole.Features<double>().ToArray(), all.Features<double>().ToArray());
    }

    [Fact]
    public void ABadCellInTheMiddleOfALaterChunkIsReportedOnTheSameLineAsAWholeRead()
    {
        var lines = Numbers(400, 5).Split('\n').ToList();
        int bad = 300;
        var cells = lines[bad].Split(',');
        cells[1] = "12x";
        lines[bad] = string.Join(",", cells);
        var path = Write("bad.csv", string.Join("\n", lines));
        var options = new DataOptions { Targets = ["y"] };
        var whole = Assert.Throws<DataFileException>(() => Csv.Read(path, options)).Message;
        var streamed = Assert.Throws<DataFileException>(() => StreamSummary.Of(Tiny(path, options), 13)).Message;
        Assert.Contains("line ", whole);
        Assert.Contains("column \"b\"", whole);
        Assert.Equal(whole, streamed);
    }

    [Fact]
    public void MissingCellsAreRefusedWithTheWholeFileMessage()
    {
        var lines = Numbers(300, 6).Split('\n').ToList();
        foreach (int row in new[] { 40, 41, 170, 250, 251, 252, 280 })
        {
            var cells = lines[row].Split(',');
            cells[row % 3] = "NA";
            lines[row] = string.Join(",", cells);
        }
        var path = Write("missing.csv", string.Join("\n", lines));
        var options = new DataOptions { Targets = ["y"] };
        var whole = Assert.Throws<DataFileException>(() => Csv.Read(path, options)).Message;
        Assert.Equal(whole, Assert.Throws<DataFileException>(() => StreamSummary.Of(Tiny(path, options), 11)).Message);
    }

    [Fact]
    public void DropAndMeanLeaveTheSameRowsAsAWholeRead()
    {
        var lines = Numbers(300, 7).Split('\n').ToList();
        foreach (int row in new[] { 3, 90, 91, 200 }) lines[row] = ",," + lines[row].Split(',', 3)[2];
        lines[150] = string.Join(",", lines[150].Split(',')[..3]) + ",";
        var path = Write("holes.csv", string.Join("\n", lines));
        foreach (var policy in new[] { MissingValues.Drop, MissingValues.Mean })
        {
            var options = new DataOptions { Targets = ["y"], Missing = policy };
            var whole = Csv.Read(path, options);
            var all = ChunkSources.ReadAll(Tiny(path, options));
            Assert.Equal(whole.Count, all.Count);
            Assert.Equal(whole.DroppedRows, all.DroppedRows);
            Assert.Equal(whole.MissingCells, all.MissingCells);
            Assert.Equal(Bits(whole.Targets<double>().ToArray()), Bits(all.Targets<double>().ToArray()));
            var fill = MissingFill.Fit(whole, policy);
            Assert.Equal(Bits(whole.FillMissing(fill).Features<double>().ToArray()), Bits(all.FillMissing(fill).Features<double>().ToArray()));
            if (policy == MissingValues.Mean)
            {
                var streamed = StreamSummary.Of(Tiny(path, options), 9).Fill();
                foreach (var (name, value) in fill.Fill!) Assert.Equal(value, streamed.Fill![name], 1e-12);
            }
        }
    }

    [Fact]
    public void TheSummarysScalerIsTheInMemoryOneBitForBitInOneChunkAndTo1e12InMany()
    {
        var path = Write("scale.csv", Numbers(2000, 8));
        var options = new DataOptions { Targets = ["y"] };
        var expected = Scaler.Fit(Csv.Read(path, options), ScalerKind.Standard, scaleTargets: true);
        var one = StreamSummary.Of(ChunkSources.Open(path, options), 100_000).Scaler(ScalerKind.Standard, scaleTargets: true);
        Assert.Equal(Bits(expected.FeatureOffset), Bits(one.FeatureOffset));
        Assert.Equal(Bits(expected.FeatureScale), Bits(one.FeatureScale));
        Assert.Equal(Bits(expected.TargetScale!), Bits(one.TargetScale!));
        var many = StreamSummary.Of(Tiny(path, options), 17).Scaler(ScalerKind.Standard, scaleTargets: true);
        for (int j = 0; j < 3; j++)
        {
            Assert.Equal(expected.FeatureOffset[j], many.FeatureOffset[j], Math.Abs(expected.FeatureOffset[j]) * 1e-12 + 1e-15);
            Assert.Equal(expected.FeatureScale[j], many.FeatureScale[j], expected.FeatureScale[j] * 1e-12);
        }
        Assert.Equal(expected.TargetOffset![0], many.TargetOffset![0], expected.TargetOffset[0] * 1e-12);
        var minMax = StreamSummary.Of(Tiny(path, options), 17).Scaler(ScalerKind.MinMax, scaleTargets: false);
        var expectedMinMax = Scaler.Fit(Csv.Read(path, options), ScalerKind.MinMax);
        Assert.Equal(expectedMinMax.FeatureOffset, minMax.FeatureOffset);
        Assert.Equal(expectedMinMax.FeatureScale, minMax.FeatureScale);
    }

    [Fact]
    public void ShardsCoverEveryPartOnce()
    {
        var source = Tiny(Write("shards.csv", Numbers(500, 9)), new DataOptions { Targets = ["y"] });
        for (int shards = 1; shards <= 4; shards++)
        {
            var parts = Enumerable.Range(0, shards).SelectMany(s => ChunkSources.Shard(source, s, shards)).ToArray();
            Assert.Equal(ChunkSources.AllParts(source), parts);
        }
        var message = Assert.Throws<DataFileException>(() => ChunkSources.Shard(source, 0, source.Parts + 1)).Message;
        Assert.Contains($"{source.Parts} parts", message);
    }

    /// <summary>Writes the rows of a CSV file (numbers, a text class or numeric target) as Parquet with <paramref name="groups"/> row groups.</summary>
    internal static async Task WriteParquet(Dataset data, string path, int groups)
    {
        var fields = new List<DataField>();
        foreach (var name in data.FeatureNames) fields.Add(new DataField<double>(name));
        fields.Add(data.IsClassification ? new DataField<string>(data.TargetNames[0]) : new DataField<double>(data.TargetNames[0]));
        var schema = new ParquetSchema(fields.Cast<Field>().ToArray());
        await using var file = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, file);
        for (int g = 0; g < groups; g++)
        {
            int from = data.Count * g / groups, to = data.Count * (g + 1) / groups;
            using var group = writer.CreateRowGroup();
            for (int j = 0; j < data.FeatureCount; j++)
            {
                var column = Enumerable.Range(from, to - from).Select(i => data.RawFeature(i, j)).ToArray();
                await group.WriteAsync<double>(fields[j], column.AsMemory());
            }
            if (data.IsClassification)
                await group.WriteAsync(fields[^1], Enumerable.Range(from, to - from).Select(i => (string?)data.ClassNames![data.Labels![i]]).ToArray());
            else
                await group.WriteAsync<double>(fields[^1], Enumerable.Range(from, to - from).Select(i => data.RawTarget(i, 0)).ToArray().AsMemory());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AParquetFileReadsAsTheCsvFileWithTheSameValues(bool classes)
    {
        var csv = Write("same.csv", Numbers(1000, 10, classes));
        var options = new DataOptions { Targets = ["y"] };
        var expected = Csv.Read(csv, options);
        var parquet = Path.Combine(Dir, "same.parquet");
        await WriteParquet(expected, parquet, groups: 4);
        Assert.True(ChunkSources.IsParquet(parquet));
        var copy = Path.Combine(Dir, "same.bin");
        File.Copy(parquet, copy);
        Assert.True(ChunkSources.IsParquet(copy), "told apart by its magic bytes too");
        var source = ChunkSources.Open(copy, options);
        Assert.Equal(4, source.Parts);
        Assert.Equal(classes, source.TargetIsClass);
        var actual = ChunkSources.ReadAll(source);
        Assert.Equal(expected.FeatureNames, actual.FeatureNames);
        Assert.Equal(Bits(expected.Features<double>().ToArray()), Bits(actual.Features<double>().ToArray()));
        if (classes)
        {
            Assert.Equal(expected.ClassNames, actual.ClassNames);
            Assert.Equal(expected.Labels, actual.Labels);
        }
        else Assert.Equal(Bits(expected.Targets<double>().ToArray()), Bits(actual.Targets<double>().ToArray()));
    }

    [Fact]
    public async Task AParquetColumnIsChosenByTheCsvRulesAndMessages()
    {
        var expected = Csv.Read(Write("cols.csv", Numbers(50, 11)), new DataOptions { Targets = ["y"] });
        var parquet = Path.Combine(Dir, "cols.parquet");
        await WriteParquet(expected, parquet, groups: 1);
        var source = ChunkSources.Open(parquet, new DataOptions { Targets = ["y"], Features = ["a..b"] });
        Assert.Equal(["a", "b"], source.FeatureNames);
        var csvMessage = Assert.Throws<DataFileException>(() => Csv.Read(Path.Combine(Dir, "cols.csv"), new DataOptions { Targets = ["why"] })).Message;
        var parquetMessage = Assert.Throws<DataFileException>(() => ChunkSources.Open(parquet, new DataOptions { Targets = ["why"] })).Message;
        Assert.Equal(csvMessage.Replace("cols.csv", "cols.parquet"), parquetMessage);
    }
}
