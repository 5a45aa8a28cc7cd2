using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Azure.Data.Tables;
using Fulfilment.Crypto;
using Fulfilment.Inventory;
using Fulfilment.Local;
using Microsoft.Extensions.Logging;

namespace Fulfilment.Benchmark;

/// <summary>
/// One upload of N card keys through the import API (streamed parsing, validation, key ids, sealing, duplicate checks,
/// transactions with the shards' counts), against raw entity-group inserts of the same key entities, already sealed,
/// without counts, eight transactions at a time. Phases alternate, raw then API, each on a fresh Azurite (the cost of
/// an insert grows with the table), for a number of rounds after an uncounted warm-up; prints keys/s of each and the
/// median ratio with its min–max (target ≥ 0.9).
/// </summary>
internal static class ImportBenchmark
{
    private const string Sku = "bench-import";

    public static async Task<int> RunAsync(int keys, int shards, int rounds, CancellationToken cancellationToken)
    {
        Console.WriteLine($"Import of {keys} keys over {shards} partitions per SKU: {rounds} rounds of raw inserts then the API, each on a fresh Azurite");
        Console.WriteLine("Warming up (uncounted)…");
        if (await ImportThroughApiAsync(NewCardKeys(Math.Min(keys, 2_000)), shards, cancellationToken) is null)
        {
            return 1;
        }

        var ratios = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            var cardKeys = NewCardKeys(keys);
            var raw = await InsertRawAsync(cardKeys, shards, cancellationToken);
            if (await ImportThroughApiAsync(cardKeys, shards, cancellationToken) is not { } api)
            {
                return 1;
            }

            ratios.Add(api.TotalSeconds > 0 ? raw.TotalSeconds / api.TotalSeconds : 0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round}: raw {keys / raw.TotalSeconds:F0} keys/s ({raw.TotalSeconds:F1} s), API {keys / api.TotalSeconds:F0} keys/s " +
                $"({api.TotalSeconds:F1} s), ratio {ratios[^1]:F2}"));
        }

        ratios.Sort();
        var median = ratios[ratios.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio {median:F2} (min {ratios[0]:F2}, max {ratios[^1]:F2}) API/raw (target ≥ 0.90: {(median >= 0.9 ? "met" : "NOT met")})"));
        return 0;
    }

    private static List<string> NewCardKeys(int count) =>
        Enumerable.Range(0, count).Select(i => $"BENCH-{i:D8}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}").ToList();

    /// <summary>The upload through the app on a fresh Azurite: how long it took, or null if a key was not imported.</summary>
    private static async Task<TimeSpan?> ImportThroughApiAsync(List<string> cardKeys, int shards, CancellationToken cancellationToken)
    {
        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        var settings = new Dictionary<string, string?> { ["Inventory:ShardCount"] = $"{shards}" };
        await using var app = await LocalApp.StartAsync(azurite.ConnectionString, settings, l => l.SetMinimumLevel(LogLevel.Warning));
        var client = app.CreateClient(LocalApp.OpsKey);
        client.Timeout = TimeSpan.FromMinutes(30); // one upload of 100,000 keys takes minutes on Azurite
        var ops = new OpsClient(client);
        await ops.SaveSkuAsync(Sku, "Benchmark card", "card-key", 10m, "CNY", cancellationToken: cancellationToken);

        var clock = Stopwatch.StartNew();
        var report = await ops.ImportKeysAsync(Sku, cardKeys, cancellationToken);
        var elapsed = clock.Elapsed;
        if (report.Imported != cardKeys.Count)
        {
            Console.Error.WriteLine($"  FAILED: {report.Imported} of {cardKeys.Count} keys imported ({report.Rejected.Count} rejected)");
            return null;
        }

        return elapsed;
    }

    /// <summary>The same entities as the import writes, sealed before the clock starts, inserted into a fresh Azurite.</summary>
    private static async Task<TimeSpan> InsertRawAsync(List<string> cardKeys, int shards, CancellationToken cancellationToken)
    {
        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("CardKeys");
        await table.CreateIfNotExistsAsync(cancellationToken);
        var fingerprintKey = RandomNumberGenerator.GetBytes(32);
        var dek = new DataKey("bench-dek", RandomNumberGenerator.GetBytes(32));
        var batch = new KeyBatch(Sku, "bench-batch", null, null, "CNY", DateTimeOffset.UtcNow, null, 0);
        // Transactions in the order the upload fills them (a shard's transaction is full once 49 of its keys have come),
        // as any writer that streams an upload must: not shard after shard, which Azurite's indexes favour.
        var transactions = cardKeys
            .Select((key, line) => (KeyId: CardKeyCipher.KeyId(fingerprintKey, key), Key: key, Line: line))
            .GroupBy(k => InventoryRows.ShardOf(k.KeyId, shards))
            .SelectMany(shard => shard.Select((k, seq) => (k.KeyId, k.Key, k.Line, Seq: seq)).Chunk(49).Select(chunk => (Full: chunk[^1].Line, Rows: chunk
                .SelectMany(k => KeyImport.Rows(Sku, InventoryRows.Partition(Sku, shard.Key), k.KeyId, k.Key, dek, batch, k.Seq, DateTimeOffset.UtcNow)).ToList())))
            .OrderBy(t => t.Full)
            .Select(t => t.Rows)
            .ToList();

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (transaction, ct) => await table.SubmitTransactionAsync(transaction, ct));
        return clock.Elapsed;
    }
}
