using Downhill.Data;
using Parquet;
using Parquet.Schema;

namespace Downhill.Bench;

/// <summary>
/// <c>to-parquet IN.csv OUT.parquet [ROWS_PER_GROUP]</c>: the same rows as a Parquet file of double
/// columns, one row group per chunk, for bench/bigger-data. It reads the CSV with the library's
/// own chunk source, so a file larger than memory converts with flat memory.
/// </summary>
internal static class ToParquet
{
    public static async Task<int> Run(string[] args)
    {
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: to-parquet IN.csv OUT.parquet [ROWS_PER_GROUP (default 1,000,000)]");
            return 2;
        }
        int groupRows = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var source = ChunkSources.Open(args[1]);
        var fields = source.FeatureNames.Select(n => new DataField<double>(n)).ToArray();
        await using var file = File.Create(args[2]);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file);
        long rows = 0;
        foreach (var chunk in source.Read(ChunkSources.AllParts(source), groupRows))
        {
            using var group = writer.CreateRowGroup();
            var column = new double[chunk.Count];
            for (int j = 0; j < fields.Length; j++)
            {
                for (int i = 0; i < chunk.Count; i++) column[i] = chunk.Features[i * chunk.FeatureCount + j];
                await group.WriteAsync<double>(fields[j], column.AsMemory());
            }
            rows += chunk.Count;
        }
        Console.Error.WriteLine($"{rows:N0} rows written to {args[2]}");
        return 0;
    }
}
