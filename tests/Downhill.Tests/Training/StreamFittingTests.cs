using Downhill.Analysis;
using Downhill.Data;
using Downhill.Models;
using Downhill.Optim;
using Downhill.Tests.Data;
using Downhill.Training;

namespace Downhill.Tests.Training;

/// <summary>
/// A streaming fit against the in-memory fit of the same file and seed. What holds: when one
/// chunk and one buffer hold the whole file, the scaler, the batches and so the model are the
/// in-memory ones bit for bit; with many parts, chunks and buffers the scaler agrees to 1e-12
/// and the model reaches a loss as good. The closed form agrees to 1e-10 relative either way.
/// </summary>
public sealed class StreamFittingTests : TempFolderTests
{
    private static readonly StreamOptions Whole = new() { ChunkRows = 1 << 20, BufferRows = 1 << 20 };

    private static long[] Bits(ModelFile file) =>
        [.. file.Parameters.SelectMany(p => p.Values).Select(BitConverter.DoubleToInt64Bits)];

    internal static FitSettings Settings(string model, int epochs = 3, int batch = 16) => new()
    {
        Model = ModelSpec.Parse(model),
        Training = new TrainingOptions { Epochs = epochs, BatchSize = batch, Seed = 7 },
        OptimizerSettings = new OptimizerSettings { LearningRate = 0.01 },
    };

    [Theory]
    [InlineData("linear", false)]
    [InlineData("mlp:8", false)]
    [InlineData("softmax", true)]
    [InlineData("mlp:8", true)]
    [InlineData("y = m*a + k*b + c", false)]
    public void OneChunkAndOneBufferTrainTheInMemoryModelBitForBit(string model, bool classes)
    {
        var path = Write("data.csv", Data.ChunkSourceTests.Numbers(600, 21, classes));
        var options = new DataOptions { Targets = ["y"], TargetKind = classes ? TargetKind.Classification : TargetKind.Regression };
        var settings = Settings(model);
        var memory = Fitting.Fit(Csv.Read(path, options), settings);
        var streamed = StreamFitting.Fit(ChunkSources.Open(path, options), settings, Whole);
        Assert.Equal(Bits(memory.Model), Bits(streamed.Model));
        Assert.Equal(memory.Result.History.Select(h => h.TrainLoss), streamed.Result.History.Select(h => h.TrainLoss));
        Assert.Equal(memory.Result.Path, streamed.Result.Path);
        // The metrics are summed buffer by buffer (r2 against the file's spread), so they agree to rounding, not bits.
        foreach (var (key, value) in memory.TrainMetrics)
            Assert.Equal(value, streamed.TrainMetrics[key], Math.Abs(value) * 1e-6 + 1e-9);
    }

    [Theory]
    [InlineData("linear", false)]
    [InlineData("softmax", true)]
    public void ManySmallPartsChunksAndBuffersReachAModelAsGood(string model, bool classes)
    {
        var path = Write("data.csv", Data.ChunkSourceTests.Numbers(3000, 22, classes));
        var options = new DataOptions { Targets = ["y"], TargetKind = classes ? TargetKind.Classification : TargetKind.Regression };
        var settings = Settings(model, epochs: 8, batch: 32);
        var memory = Fitting.Fit(Csv.Read(path, options), settings);
        var source = new CsvChunks(Path.GetFullPath(path), path, options, partBytes: 4096);
        Assert.True(source.Parts >= 10);
        var streamed = StreamFitting.Fit(source, settings, new StreamOptions { ChunkRows = 50, BufferRows = 300 });
        double expected = memory.TrainMetrics["loss"], actual = streamed.TrainMetrics["loss"];
        Assert.True(actual <= expected * 1.05 + 1e-3, $"streamed loss {actual} against {expected} in memory");
        Assert.Equal(8, streamed.Result.History.Count);
        Assert.Equal(3000, streamed.TrainRows);
        // The same seed streams the same epochs.
        var again = StreamFitting.Fit(new CsvChunks(Path.GetFullPath(path), path, options, partBytes: 4096), settings, new StreamOptions { ChunkRows = 50, BufferRows = 300 });
        Assert.Equal(Bits(streamed.Model), Bits(again.Model));
    }

    [Fact]
    public async Task AParquetFileFitsAsTheCsvFileWithTheSameValues()
    {
        var csv = Write("same.csv", Data.ChunkSourceTests.Numbers(500, 23, classes: true));
        var options = new DataOptions { Targets = ["y"] };
        var parquet = Path.Combine(Dir, "same.parquet");
        await Data.ChunkSourceTests.WriteParquet(Csv.Read(csv, options), parquet, groups: 1);
        var settings = Settings("softmax");
        var fromCsv = StreamFitting.Fit(ChunkSources.Open(csv, options), settings, Whole);
        var fromParquet = StreamFitting.Fit(ChunkSources.Open(parquet, options), settings, Whole);
        Assert.Equal(Bits(fromCsv.Model), Bits(fromParquet.Model));
        Assert.Equal(fromCsv.Model.Classes, fromParquet.Model.Classes);
    }

    [Fact]
    public void TheStreamedClosedFormMatchesTheInMemoryOneTo1e10()
    {
        var path = Write("solve.csv", Data.ChunkSourceTests.Numbers(5000, 24));
        var options = new DataOptions { Targets = ["y"] };
        var data = Csv.Read(path, options);
        var expected = LinearLeastSquares.Fit(data.Features<double>().ToArray(), 3, data.Targets<double>().ToArray(), 1);
        var (actual, _) = StreamFitting.Solve(new CsvChunks(Path.GetFullPath(path), path, options, partBytes: 2048), chunkRows: 97);
        Assert.Equal(expected.Rows, actual.Rows);
        for (int j = 0; j < 3; j++) Assert.Equal(expected.Weights[j], actual.Weights[j], Math.Abs(expected.Weights[j]) * 1e-10);
        Assert.Equal(expected.Biases[0], actual.Biases[0], Math.Abs(expected.Biases[0]) * 1e-10);
        Assert.Equal(expected.ResidualSumOfSquares[0], actual.ResidualSumOfSquares[0], expected.ResidualSumOfSquares[0] * 1e-10);
        Assert.Equal(expected.StandardErrors[0], actual.StandardErrors[0], expected.StandardErrors[0] * 1e-10);
    }

    [Theory]
    [InlineData("lm", null, 0.0, "FitSettings.Optimizer")]
    [InlineData("lbfgs", 32, 0.0, "FitSettings.Optimizer")]
    [InlineData("adam", null, 0.0, "TrainingOptions.BatchSize")]
    [InlineData("adam", 32, 0.2, "FitSettings.ValidationFraction")]
    public void WhatCannotStreamIsRefusedNamingTheSettingAndTheFix(string optimizer, int? batch, double validation, string setting)
    {
        var path = Write("refuse.csv", Data.ChunkSourceTests.Numbers(50, 25));
        var settings = new FitSettings
        {
            Model = ModelSpec.Parse(optimizer == "lm" ? "y = m*a + c" : "linear"),
            Optimizer = optimizer,
            Training = new TrainingOptions { BatchSize = batch },
            ValidationFraction = validation,
        };
        var e = Assert.Throws<SettingException>(() => StreamFitting.Fit(ChunkSources.Open(path, new DataOptions { Targets = ["y"] }), settings));
        Assert.Equal(setting, e.Setting);
        Assert.Contains("instead of streaming", e.Message);
    }
}

/// <summary>
/// The live heap of a streamed fit. GC.GetTotalMemory counts the whole process, so this runs alone:
/// beside the other test classes (xunit runs them in parallel) it read their arrays as ours
/// (79.7 MB against a bound of 24 MB in one CI run).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMemoryCollection
{
    public const string Name = "process-wide memory";
}

[Collection(ProcessWideMemoryCollection.Name)]
public sealed class StreamMemoryTests : TempFolderTests
{
    /// <summary>
    /// The live managed heap while a million-row file streams through the summary, an epoch and
    /// the evaluation stays within a bound set by the buffer, not the rows: the in-memory read
    /// of the same file would hold over 40 MB of doubles alone.
    /// </summary>
    [Fact]
    public void MemoryStaysBoundedWhateverTheRows()
    {
        const int rows = 1_000_000;
        var path = Path.Combine(Dir, "big.csv");
        using (var w = new StreamWriter(path))
        {
            var rng = new Random(26);
            w.Write("a,b,c,d,y\n");
            for (int i = 0; i < rows; i++)
            {
                double a = rng.NextDouble(), b = rng.NextDouble(), c = rng.NextDouble(), d = rng.NextDouble();
                w.Write(FormattableString.Invariant($"{a:F4},{b:F4},{c:F4},{d:F4},{2 * a - b + 0.5 * c + 3 * d + 0.01 * rng.NextDouble():F4}\n"));
            }
        }
        var stream = new StreamOptions { ChunkRows = 16_384, BufferRows = 65_536 };
        long bufferBytes = 65_536L * 5 * 8;
        GC.Collect();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        int batches = 0;
        var callbacks = new TrainingCallbacks
        {
            Batch = _ =>
            {
                if (++batches % 2000 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            },
        };
        var outcome = StreamFitting.Fit(ChunkSources.Open(path, new DataOptions { Targets = ["y"] }),
            StreamFittingTests.Settings("linear", epochs: 1, batch: 256) with { OptimizerSettings = new OptimizerSettings { LearningRate = 0.05 } }, stream, callbacks);
        Assert.Equal(rows, outcome.TrainRows);
        Assert.True(batches > 3000);
        Assert.True(outcome.TrainMetrics["r2"] > 0.99, $"r2 {outcome.TrainMetrics["r2"]}");
        // A buffer, its float copy for the model, the next buffer filling and a chunk being parsed.
        long bound = 6 * bufferBytes + (8 << 20);
        Assert.True(peak > 0 && peak < bound, $"peak live heap {peak / 1e6:F1} MB, bound {bound / 1e6:F1} MB; the rows alone take {rows * 5 * 8 / 1e6:F0} MB");
    }
}
