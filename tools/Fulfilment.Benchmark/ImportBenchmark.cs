using System.Diagnostics;
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
/// without counts, as many at a time, in the same run. Prints keys/s for both and the ratio (target ≥ 0.9).
/// </summary>
internal static class ImportBenchmark
{
    public static async Task<int> RunAsync(int keys, int shards, CancellationToken cancellationToken)
    {
        Console.WriteLine($"Starting Azurite (in memory) for an import of {keys} keys over {shards} partitions per SKU");
        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        var settings = new Dictionary<string, string?> { ["Inventory:ShardCount"] = $"{shards}" };
        await using var app = await LocalApp.StartAsync(azurite.ConnectionString, settings, l => l.SetMinimumLevel(LogLevel.Warning));
        var client = app.CreateClient(LocalApp.OpsKey);
        client.Timeout = TimeSpan.FromMinutes(30); // one upload of 100,000 keys takes minutes on Azurite
        var ops = new OpsClient(client);
        await ops.SaveSkuAsync("bench-import", "Benchmark card", "card-key", 10m, "CNY", cancellationToken: cancellationToken);
        var cardKeys = Enumerable.Range(0, keys).Select(i => $"BENCH-{i:D8}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}").ToList();

        var clock = Stopwatch.StartNew();
        var report = await ops.ImportKeysAsync("bench-import", cardKeys, cancellationToken);
        var api = clock.Elapsed;

        // The same entities for another SKU, sealed before the clock starts, written as the import writes them.
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("CardKeys");
        var fingerprintKey = RandomNumberGenerator.GetBytes(32);
        var dek = new DataKey("bench-dek", RandomNumberGenerator.GetBytes(32));
        var batch = new KeyBatch("bench-raw", report.BatchId, null, null, "CNY", DateTimeOffset.UtcNow, null, 0);
        var transactions = cardKeys
            .Select(key => (KeyId: CardKeyCipher.KeyId(fingerprintKey, key), Key: key))
            .GroupBy(k => InventoryRows.ShardOf(k.KeyId, shards))
            .SelectMany(shard => shard.Select((k, seq) => (k.KeyId, k.Key, Seq: seq)).Chunk(49).Select(chunk => chunk
                .SelectMany(k => KeyImport.Rows("bench-raw", InventoryRows.Partition("bench-raw", shard.Key), k.KeyId, k.Key, dek, batch, k.Seq)).ToList()))
            .ToList();
        clock.Restart();
        await Parallel.ForEachAsync(transactions, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (transaction, ct) => await table.SubmitTransactionAsync(transaction, ct));
        var raw = clock.Elapsed;

        var apiRate = report.Imported / api.TotalSeconds;
        var rawRate = keys / raw.TotalSeconds;
        Console.WriteLine($"  API import:  {report.Imported} of {report.Received} keys in {api.TotalSeconds:F1} s = {apiRate:F0} keys/s ({report.Rejected.Count} rejected)");
        Console.WriteLine($"  raw inserts: {keys} keys in {raw.TotalSeconds:F1} s = {rawRate:F0} keys/s");
        Console.WriteLine($"Ratio API/raw: {apiRate / rawRate:F2} (target ≥ 0.90) {(apiRate / rawRate >= 0.9 ? "met" : "NOT met")}");
        return report.Imported == keys ? 0 : 1;
    }
}
