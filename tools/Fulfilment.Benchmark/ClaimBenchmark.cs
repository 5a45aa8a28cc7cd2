using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Inventory;
using Fulfilment.Orders;
using Fulfilment.Local;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fulfilment.Benchmark;

/// <summary>
/// Hot-SKU claiming, in one run (each phase on a fresh Azurite): N concurrent claimers on one SKU (contended), the same
/// claimers each on its own SKU with an equal share of the keys and of the partitions (uncontended), and a naive claimer
/// that takes the first available key of a single partition. The first two go through the product's <see cref="CardKeyInventory.ClaimAsync"/> until the stock
/// is gone. Prints claims/s, the share of claim transactions that lost to a concurrent change, the two ratios (targets:
/// contended ≥ 0.8 × uncontended, ≥ 3 × naive), and fails if any key was claimed twice.
/// </summary>
internal static class ClaimBenchmark
{
    public static async Task<int> RunAsync(int keys, int claimers, int instances, int shards, int naiveSeconds, CancellationToken cancellationToken)
    {
        Console.WriteLine($"{claimers} claimers on {instances} app instance(s), {keys} keys, {shards} shards per SKU; each phase on a fresh in-memory Azurite");
        var contended = await RunPhaseAsync(
            "contended: all claimers on one SKU", ["hot"], keys, c => "hot", claimers, instances, shards, cancellationToken);

        // The same keys in as many partitions of the same size: Azurite's cost per request grows with the partition's
        // size, so only the contention differs between the two phases.
        var calm = Enumerable.Range(0, claimers).Select(c => $"calm-{c:D2}").ToArray();
        var uncontended = await RunPhaseAsync(
            "uncontended: one SKU per claimer", calm, keys / claimers, c => calm[c], claimers, instances, Math.Max(1, shards / claimers), cancellationToken);
        var naive = await NaiveAsync(keys, claimers, shards, TimeSpan.FromSeconds(naiveSeconds), cancellationToken);

        var vsCalm = contended.PerSecond / uncontended.PerSecond;
        var vsNaive = contended.PerSecond / naive.PerSecond;
        Console.WriteLine($"Contended / uncontended: {vsCalm:F2} (target ≥ 0.80) {(vsCalm >= 0.8 ? "met" : "NOT met")}");
        Console.WriteLine($"Contended / naive:       {vsNaive:F2} (target ≥ 3) {(vsNaive >= 3 ? "met" : "NOT met")}");
        var twice = contended.ClaimedTwice + uncontended.ClaimedTwice + naive.ClaimedTwice;
        var agree = contended.CountsAgree && uncontended.CountsAgree;
        Console.WriteLine($"Keys claimed twice: {twice}; every key claimed and the counts agree: {(agree ? "yes" : "NO")}");
        return twice == 0 && agree ? 0 : 1;
    }

    /// <summary>One phase on its own Azurite and app instances, so no phase pays for the rows another left behind.</summary>
    private static async Task<Phase> RunPhaseAsync(
        string name, string[] skus, int keysPerSku, Func<int, string> skuOf, int claimers, int instances, int shards, CancellationToken cancellationToken)
    {
        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        var settings = new Dictionary<string, string?> { ["Inventory:ShardCount"] = $"{shards}", ["LocalTriggerHost:Enabled"] = "false" };
        var apps = new List<LocalApp>();
        await using var stopApps = new AsyncDisposables(apps);
        for (var i = 0; i < instances; i++)
        {
            apps.Add(await LocalApp.StartAsync(azurite.ConnectionString, settings, l => l.SetMinimumLevel(LogLevel.Warning)));
        }

        var ops = new OpsClient(apps[0].CreateClient(LocalApp.OpsKey));
        var catalogue = apps[0].Services.GetRequiredService<SkuCatalogue>();
        Console.WriteLine($"  {name}: importing {keysPerSku} keys into each of {skus.Length} SKU(s) of {shards} shard(s)");
        var bySku = new Dictionary<string, Sku>();
        foreach (var sku in skus)
        {
            await ops.SaveSkuAsync(sku, "Benchmark card", "card-key", 10m, "CNY", cancellationToken: cancellationToken, shardCount: shards);
            await ops.ImportKeysAsync(sku, NewKeys(keysPerSku), cancellationToken);
            bySku[sku] = (await catalogue.FindAsync(sku, cancellationToken))!;
        }

        var inventories = apps.Select(a => a.Services.GetRequiredService<CardKeyInventory>()).ToList();
        var phase = await ClaimAllAsync(name, inventories, c => bySku[skuOf(c)], claimers, cancellationToken);
        var agree = true;
        foreach (var sku in bySku.Values)
        {
            var stock = await inventories[0].GetStockAsync(sku, cancellationToken);
            agree &= stock.Reserved == keysPerSku && stock.Available == 0;
        }

        return phase with { CountsAgree = agree && phase.Claims == keysPerSku * skus.Length };
    }

    private sealed record Phase(int Claims, TimeSpan Elapsed, long Transactions, long Conflicts, int ClaimedTwice, bool CountsAgree = true)
    {
        public double PerSecond => Claims / Elapsed.TotalSeconds;
    }

    /// <summary>Every claimer claims one key per order until its SKU has none left; claimer c runs on instance c mod the instances.</summary>
    private static async Task<Phase> ClaimAllAsync(
        string name, List<CardKeyInventory> inventories, Func<int, Sku> skuOf, int claimers, CancellationToken cancellationToken)
    {
        var claimed = new ConcurrentBag<(string Sku, KeyRef Key)>();
        long Transactions() => inventories.Sum(i => i.Statistics.Transactions);
        long Conflicts() => inventories.Sum(i => i.Statistics.Conflicts);
        var (transactionsBefore, conflictsBefore) = (Transactions(), Conflicts());
        var clock = Stopwatch.StartNew();
        using var progress = new Timer(_ => Console.WriteLine(
            $"    {name[..name.IndexOf(':')]}: {claimed.Count} claimed after {clock.Elapsed.TotalSeconds:F0} s, {Conflicts() - conflictsBefore} conflicts"),
            null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        await Task.WhenAll(Enumerable.Range(0, claimers).Select(c => Task.Run(async () =>
        {
            var sku = skuOf(c);
            var inventory = inventories[c % inventories.Count];
            for (var order = 0; ; order++)
            {
                var keys = await inventory.ClaimAsync(sku, $"bench|{name[..4]}-{c:D2}-{order:D6}", 1, cancellationToken);
                if (keys.Count == 0)
                {
                    return;
                }

                claimed.Add((sku.Id, keys[0]));
            }
        }, cancellationToken)));
        var phase = new Phase(
            claimed.Count, clock.Elapsed, Transactions() - transactionsBefore, Conflicts() - conflictsBefore,
            claimed.Count - claimed.Distinct().Count());
        Print(name, phase);
        return phase;
    }

    /// <summary>
    /// The naive way: all keys in one partition, each claimer reads the first available key and takes it with a
    /// conditional transaction, reading again when another claimer got there first. Runs for a fixed time.
    /// </summary>
    private static async Task<Phase> NaiveAsync(int keys, int claimers, int shards, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var azurite = await Azurite.StartAsync(cancellationToken: cancellationToken);
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("CardKeys");
        await table.CreateIfNotExistsAsync(cancellationToken);
        const string Partition = "naive|00";
        var dek = new DataKey("naive-dek", RandomNumberGenerator.GetBytes(32));
        var batch = new KeyBatch("naive", "naive", null, null, "CNY", DateTimeOffset.UtcNow, null, 0);

        // The same table as the product's phases had: the keys over as many partitions of the same size (Azurite's cost
        // per request grows with the table and the partition); the naive claimers all take from the first one.
        Console.WriteLine($"Seeding {keys} keys in {shards} partitions of {keys / shards} for the naive claimer, which uses the first");
        var rows = NewKeys(keys).Select((key, i) => (Partition: $"naive|{i % shards:D2}", Seq: i / shards, Key: key));
        await Parallel.ForEachAsync(rows.GroupBy(r => r.Partition).SelectMany(p => p.Chunk(49)),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (chunk, ct) => await table.SubmitTransactionAsync(
                chunk.SelectMany(k => KeyImport.Rows("naive", k.Partition, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), k.Key, dek, batch, k.Seq, DateTimeOffset.UtcNow)), ct));

        var claimed = new ConcurrentBag<string>();
        long transactions = 0, conflicts = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, claimers).Select(c => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                TableEntity? first = null;
                await foreach (var page in table.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge 'avail|' and RowKey lt 'avail}}'"), maxPerPage: 1,
                    cancellationToken: cancellationToken).AsPages())
                {
                    first = page.Values.FirstOrDefault();
                    break;
                }

                if (first is null)
                {
                    return;
                }

                var keyId = first.GetString("KeyId");
                try
                {
                    await table.SubmitTransactionAsync(
                    [
                        new(TableTransactionActionType.Delete, first, first.ETag),
                        new(TableTransactionActionType.Add, new TableEntity(Partition, $"resv|naive|{c}|{keyId}")),
                        new(TableTransactionActionType.UpdateMerge, new TableEntity(Partition, $"key|{keyId}") { ["State"] = "reserved" }, ETag.All),
                    ], cancellationToken);
                    Interlocked.Increment(ref transactions);
                    claimed.Add(keyId);
                }
                catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }, cancellationToken)));
        var phase = new Phase(claimed.Count, clock.Elapsed, transactions, conflicts, claimed.Count - claimed.Distinct().Count());
        Print("naive: first available key of one partition", phase);
        return phase;
    }

    private static void Print(string name, Phase phase) =>
        Console.WriteLine(
            $"  {name}: {phase.Claims} claims in {phase.Elapsed.TotalSeconds:F1} s = {phase.PerSecond:F0} claims/s; " +
            $"{phase.Conflicts} of {phase.Transactions + phase.Conflicts} claim transactions hit an ETag conflict " +
            $"({100.0 * phase.Conflicts / Math.Max(1, phase.Transactions + phase.Conflicts):F1}%); claimed twice: {phase.ClaimedTwice}");

    private static List<string> NewKeys(int count) =>
        Enumerable.Range(0, count).Select(i => $"BENCH-{i:D8}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}").ToList();

    private sealed class AsyncDisposables(List<LocalApp> apps) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }
}
