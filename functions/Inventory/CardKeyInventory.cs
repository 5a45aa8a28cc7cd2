using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Observability;
using Fulfilment.Storage;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>
/// Claims, sells and gives back card keys. A claim picks a shard that may have stock (from the SKU's
/// <see cref="StockMap"/>; see <see cref="PickShard"/>) and joins that shard's next transaction on this instance
/// (<see cref="ShardWriter"/>): the concurrent claims and sales of many orders are written in one entity-group
/// transaction, conditional on the shard's counts' ETag. Of concurrent instances in a shard exactly one wins, the others
/// try another shard, and the counts always agree with the keys. An empty shard is unmarked in the map, so an empty SKU
/// costs one read, not a query per shard. Expired keys met on the way are voided, never sold.
/// </summary>
internal sealed class CardKeyInventory(
    TableServiceClient tables,
    DataKeyRing dataKeys,
    StockMap stockMap,
    LowStockWatch lowStock,
    StockGauge stockGauge,
    TimeProvider clock,
    IMeterFactory meters,
    ILogger<CardKeyInventory> logger)
{
    private const int KeysPerSettlement = 30;

    /// <summary>
    /// A claim gives up (and the order is retried later) after this many rounds plus <see cref="ClaimRoundsPerSlotOrKey"/>
    /// per shard slot and wanted key: each round tries one shard, and losing a race to another claim costs a round.
    /// </summary>
    private const int ClaimRounds = 100;
    private const int ClaimRoundsPerSlotOrKey = 4;

    /// <summary>Giving back an order's reservations in one shard is retried later after this many lost races.</summary>
    private const int ReleaseRounds = 100;
    private readonly TableClient table = tables.GetTableClient(TableNames.CardKeys);
    private readonly ConcurrentDictionary<string, ShardWriter> writers = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, byte>> homeShards = new();

    public ClaimStatistics Statistics { get; } = new(meters);

    /// <summary>Reserves up to <paramref name="count"/> keys for the order; fewer means the SKU ran out.</summary>
    public async Task<List<KeyRef>> ClaimAsync(Sku sku, string orderReference, int count, CancellationToken cancellationToken)
    {
        using var span = OrderTracing.StartForReference("claim keys", orderReference);
        span?.SetTag("sku", sku.Id);
        span?.SetTag("keys.wanted", count);
        var claimed = new List<KeyRef>();
        var map = await stockMap.GetRecentAsync(sku.Id, cancellationToken);
        var mapIsFresh = false;
        for (var round = 0; claimed.Count < count && round < ClaimRounds + ClaimRoundsPerSlotOrKey * (sku.ShardSlots + count); round++)
        {
            var shards = map.ShardsWithStock.ToArray();
            if (shards.Length == 0)
            {
                if (mapIsFresh)
                {
                    break;
                }

                (map, mapIsFresh) = (await stockMap.GetFreshAsync(sku.Id, cancellationToken), true);
                continue;
            }

            var shard = PickShard(sku.Id, shards);
            var (keys, shardIsEmpty) = await Writer(sku.Id, shard).ClaimAsync(orderReference, count - claimed.Count, cancellationToken);
            claimed.AddRange(keys);
            var home = homeShards.GetOrAdd(sku.Id, _ => new());
            if (keys.Count > 0)
            {
                home[shard] = 0;
            }
            else
            {
                home.TryRemove(shard, out _); // lost to another instance, or empty: stay away
            }

            if (shardIsEmpty)
            {
                (map, mapIsFresh) = (await stockMap.MarkEmptyAsync(sku, shard, (s, ct) => ReadCountsAsync(sku, s, ct), cancellationToken), true);
            }
        }

        if (claimed.Count > 0)
        {
            lowStock.Notice(sku, ct => GetStockAsync(sku, ct));
        }

        span?.SetTag("keys.claimed", claimed.Count);
        return claimed;
    }

    /// <summary>
    /// A shard with stock for this claim: the one where this instance's claims of the SKU already wait, so they go in
    /// one transaction; else one where this instance's last claims won, if it can (instances that collided move apart
    /// and then keep to their own shards, so under a flash sale they rarely meet at all).
    /// </summary>
    private int PickShard(string sku, int[] shardsWithStock)
    {
        var home = homeShards.GetOrAdd(sku, _ => new());
        var atHome = shardsWithStock.Where(home.ContainsKey).ToArray();
        var pool = atHome.Length > 0 ? atHome : shardsWithStock;
        var (busiest, waiting) = pool.Select(s => (s, Writer(sku, s).Waiting)).MaxBy(w => w.Waiting);
        return waiting > 0 ? busiest : pool[Random.Shared.Next(pool.Length)];
    }

    private ShardWriter Writer(string sku, int shard) =>
        writers.GetOrAdd(Partition(sku, shard), _ => new ShardWriter(table, sku, shard, clock, Statistics, logger));

    /// <summary>The shard was written outside its writer (codes bought added to it): its counts are read again before its next transaction.</summary>
    public void ForgetCounts(string sku, int shard) => Writer(sku, shard).Forget("", []);

    /// <summary>Keys reserved for the order by any attempt, including one that crashed before binding them.</summary>
    public async Task<List<KeyRef>> FindReservationsAsync(Sku sku, string orderReference, CancellationToken cancellationToken)
    {
        var shards = AllShards(sku).ToList();
        var perShard = await Task.WhenAll(shards.Select(shard => QueryReservedKeyIdsAsync(sku, shard, orderReference, cancellationToken)));
        return [.. shards.Zip(perShard).SelectMany(s => s.Second.Select(keyId => new KeyRef(s.First, keyId)))];
    }

    /// <summary>Reserved → sold, for keys bound to a delivered order, in each shard's next transaction. Idempotent: keys already sold are checked, not sold again.</summary>
    public Task SellAsync(Sku sku, string orderReference, IEnumerable<KeyRef> keys, CancellationToken cancellationToken) =>
        Task.WhenAll(keys.GroupBy(k => k.Shard).Select(shard =>
            Writer(sku.Id, shard.Key).SellAsync(orderReference, shard.Select(k => k.KeyId).ToList(), cancellationToken)));

    /// <summary>Reserved → available, for keys an order did not keep. A sold key never comes back: it has no reservation.</summary>
    public async Task ReleaseAsync(Sku sku, string orderReference, IEnumerable<KeyRef> keys, CancellationToken cancellationToken)
    {
        var released = keys.ToList();
        foreach (var shard in released.GroupBy(k => k.Shard))
        {
            Writer(sku.Id, shard.Key).Forget(orderReference, shard.Select(k => k.KeyId));
        }

        await ReleaseReservationsAsync(sku, orderReference, released, cancellationToken);
        await stockMap.MarkStockedAsync(sku.Id, released.Select(k => k.Shard).Distinct().ToList(), cancellationToken);
    }

    /// <summary>
    /// Puts every reservation of a delivered order where it belongs: keys bound to the order are sold, keys a
    /// crashed or losing duplicate attempt reserved go back to stock. Run whenever an attempt may have crashed.
    /// </summary>
    /// <param name="orderReference">The order's reservation reference (<c>partner|order</c>).</param>
    /// <param name="boundKeys">The keys the order holds.</param>
    public async Task SettleAsync(Sku sku, string orderReference, IEnumerable<KeyRef> boundKeys, CancellationToken cancellationToken)
    {
        var reserved = await FindReservationsAsync(sku, orderReference, cancellationToken);
        var bound = boundKeys.ToHashSet();
        await SellAsync(sku, orderReference, reserved.Where(bound.Contains), cancellationToken);
        var stray = reserved.Where(k => !bound.Contains(k)).ToList();
        if (stray.Count > 0)
        {
            logger.LogWarning("Order {OrderReference}: {Count} key(s) reserved by an interrupted attempt return to stock", orderReference, stray.Count);
            await ReleaseAsync(sku, orderReference, stray, cancellationToken);
        }
    }

    /// <summary>The SKU's stock: the sum of its shards' counts (one point read per shard, never a scan of keys).</summary>
    public async Task<StockLevels> GetStockAsync(Sku sku, CancellationToken cancellationToken)
    {
        var total = await ShardCounts.ReadSkuAsync(table, sku, cancellationToken);
        var stock = new StockLevels(sku.Id, total.Available, total.Reserved, total.Sold, total.Void, total.Expired, total.SoldCost, total.SoldWithoutCost);
        stockGauge.Record(stock);
        return stock;
    }

    public Task<ShardCounts> ReadCountsAsync(Sku sku, int shard, CancellationToken cancellationToken) =>
        ShardCounts.ReadAsync(table, Partition(sku.Id, shard), cancellationToken);

    /// <summary>Decrypts the keys of a delivered order, in memory only, for the partner that owns it.</summary>
    public async Task<List<(string KeyId, string CardKey)>> OpenAsync(Sku sku, IEnumerable<KeyRef> keys, CancellationToken cancellationToken)
    {
        var opened = new List<(string, string)>();
        foreach (var key in keys)
        {
            var row = (await table.GetEntityAsync<TableEntity>(Partition(sku.Id, key.Shard), KeyRow(key.KeyId), cancellationToken: cancellationToken)).Value;
            var dek = await dataKeys.GetAsync(sku.Id, row.GetString("DekId"), cancellationToken);
            try
            {
                opened.Add((key.KeyId, CardKeyCipher.Open(dek, sku.Id, key.KeyId, row.GetInt32("FormatVersion") ?? 0, row.GetBinary("SealedKey"))));
            }
            catch (SealedValueException e)
            {
                throw new SealedValueException($"card key {key.KeyId} of SKU {sku.Id} (shard {key.Shard}) does not open: {e.Message}");
            }
        }

        return opened;
    }

    /// <summary>A key in stock → void: its place in the stock queue goes, its key row says why.</summary>
    internal static IEnumerable<TableTransactionAction> VoidActions(string partition, long seq, string keyId, string reason, DateTimeOffset now)
    {
        yield return new(TableTransactionActionType.Delete, new TableEntity(partition, AvailableRow(seq)), ETag.All);
        yield return new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, KeyRow(keyId))
        {
            ["State"] = Voided,
            ["VoidReason"] = reason,
            ["VoidedAt"] = now,
        }, ETag.All);
    }

    /// <summary>The row that puts a key in stock at place <paramref name="seq"/> of its shard's queue.</summary>
    internal static TableEntity InStockRow(string partition, long seq, string keyId, string? batchId, string? unitCost, DateTimeOffset? expiresAt) =>
        new(partition, AvailableRow(seq))
        {
            ["KeyId"] = keyId,
            ["BatchId"] = batchId,
            ["UnitCost"] = unitCost,
            ["ExpiresAt"] = expiresAt,
        };

    /// <summary>
    /// Gives back the order's reservations among <paramref name="keys"/>, shard by shard, in transactions conditional on
    /// the shard's counts: each key goes to the tail of its shard's stock queue. A key with no reservation was settled
    /// before (a retry).
    /// </summary>
    private async Task ReleaseReservationsAsync(Sku sku, string orderReference, IEnumerable<KeyRef> keys, CancellationToken cancellationToken)
    {
        foreach (var shard in keys.GroupBy(k => k.Shard))
        {
            var partition = Partition(sku.Id, shard.Key);
            for (var round = 0; ; round++)
            {
                if (round == ReleaseRounds)
                {
                    throw new RetryLaterException($"Could not give back the reservations of {orderReference} in {partition}; retrying later.");
                }

                var countsRead = ReadCountsAsync(sku, shard.Key, cancellationToken);
                var reservations = await ReadReservationsAsync(partition, orderReference, shard, cancellationToken);
                var counts = await countsRead;
                var pending = shard.Where(k => reservations.ContainsKey(k.KeyId)).Take(KeysPerSettlement).ToList();
                if (pending.Count == 0)
                {
                    break;
                }

                var actions = new List<TableTransactionAction>();
                var change = ShardCounts.None;
                var tail = counts.Tail;
                foreach (var key in pending)
                {
                    var reservation = reservations[key.KeyId];
                    var seq = tail++;
                    actions.Add(new(TableTransactionActionType.Delete, reservation, ETag.All));
                    actions.Add(new(TableTransactionActionType.Add, InStockRow(
                        partition, seq, key.KeyId, reservation.GetString("BatchId"), reservation.GetString("UnitCost"), reservation.GetDateTimeOffset("ExpiresAt"))));
                    actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, KeyRow(key.KeyId))
                    {
                        ["State"] = Available,
                        ["OrderReference"] = "",
                        ["Seq"] = seq,
                    }, ETag.All));
                    change += new ShardCounts(1, -1, 0, 0, 0, 0m, 0);
                }

                actions.Add(counts.Write(partition, change, tail: tail));
                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
                {
                    // The shard changed (a claim, or a concurrent attempt settling the same order): read it again.
                }
            }
        }
    }

    /// <summary>The order's reservation rows among these keys of one shard, by key id: point reads, as their row keys are known.</summary>
    private async Task<Dictionary<string, TableEntity>> ReadReservationsAsync(
        string partition, string orderReference, IEnumerable<KeyRef> keys, CancellationToken cancellationToken)
    {
        var rows = await Task.WhenAll(keys.Select(key =>
            table.GetEntityIfExistsAsync<TableEntity>(partition, ReservationRow(orderReference, key.KeyId), cancellationToken: cancellationToken)));
        return rows.Where(r => r.HasValue).Select(r => r.Value!).ToDictionary(r => KeyRefOfReservation(r.RowKey, 0).KeyId);
    }

    /// <summary>Every reservation of the order in one shard: a range query, for finding what a crashed attempt reserved.</summary>
    private async Task<List<string>> QueryReservedKeyIdsAsync(Sku sku, int shard, string orderReference, CancellationToken cancellationToken)
    {
        var prefix = ReservationPrefixOf(orderReference);
        var found = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(RangeFilter(Partition(sku.Id, shard), prefix, After(prefix)), cancellationToken: cancellationToken))
        {
            found.Add(KeyRefOfReservation(row.RowKey, shard).KeyId);
        }

        return found;
    }
}
