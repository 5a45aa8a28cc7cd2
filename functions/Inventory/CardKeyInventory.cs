using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Orders;
using Fulfilment.Storage;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>A SKU's keys by state (void includes the expired ones), and the cost of the keys sold.</summary>
internal sealed record StockLevels(
    string Sku, int Available, int Reserved, int Sold, int Void, int Expired, decimal SoldCost, int SoldWithoutCost)
{
    /// <summary>Price × keys sold − what those keys cost (each at its batch's unit cost); null if a sold key's cost is unknown.</summary>
    public decimal? SoldMargin(Sku sku) => SoldWithoutCost == 0 ? sku.UnitPrice * Sold - SoldCost : null;
}

/// <summary>How claims went on this instance: transactions that won, and those that lost to a concurrent change of the shard.</summary>
internal sealed class ClaimStatistics
{
    private long transactions;
    private long conflicts;

    public long Transactions => Interlocked.Read(ref transactions);

    public long Conflicts => Interlocked.Read(ref conflicts);

    public void Won() => Interlocked.Increment(ref transactions);

    public void Lost() => Interlocked.Increment(ref conflicts);
}

/// <summary>
/// Claims, sells and gives back card keys. A claim picks a random shard that may have stock (from the SKU's
/// <see cref="StockMap"/>), reads the shard's counts and first keys in stock in one query, and reserves keys in one
/// entity-group transaction conditional on the counts' ETag: of concurrent claimers in a shard exactly one wins each
/// round, and the counts always agree with the keys. An empty shard is unmarked in the map, so an empty SKU costs one
/// read, not a query per shard. Expired keys met on the way are voided, never sold.
/// </summary>
internal sealed class CardKeyInventory(
    TableServiceClient tables, DataKeyRing dataKeys, StockMap stockMap, LowStockWatch lowStock, TimeProvider clock, ILogger<CardKeyInventory> logger)
{
    private const int KeysPerClaim = 16; // three actions per key, two per expired key, plus the counts: within 100
    private const int RoundsPerShard = 20;
    private const int KeysPerSettlement = 30;
    private readonly TableClient table = tables.GetTableClient(TableNames.CardKeys);

    public ClaimStatistics Statistics { get; } = new();

    /// <summary>Reserves up to <paramref name="count"/> keys for the order; fewer means the SKU ran out.</summary>
    public async Task<List<KeyRef>> ClaimAsync(Sku sku, string orderReference, int count, CancellationToken cancellationToken)
    {
        var claimed = new List<KeyRef>();
        var map = await stockMap.GetRecentAsync(sku.Id, cancellationToken);
        var mapIsFresh = false;
        for (var round = 0; claimed.Count < count && round < 4 * sku.ShardSlots + count; round++)
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

            var shard = shards[Random.Shared.Next(shards.Length)];
            var (keys, shardIsEmpty) = await ClaimFromShardAsync(sku, shard, orderReference, count - claimed.Count, cancellationToken);
            claimed.AddRange(keys);
            if (shardIsEmpty)
            {
                (map, mapIsFresh) = (await stockMap.MarkEmptyAsync(sku, shard, (s, ct) => ReadCountsAsync(sku, s, ct), cancellationToken), true);
            }
        }

        if (claimed.Count > 0)
        {
            lowStock.Notice(sku, ct => GetStockAsync(sku, ct));
        }

        return claimed;
    }

    /// <summary>Keys reserved for the order by any attempt, including one that crashed before binding them.</summary>
    public async Task<List<KeyRef>> FindReservationsAsync(Sku sku, string orderReference, CancellationToken cancellationToken)
    {
        var found = new List<KeyRef>();
        foreach (var shard in AllShards(sku))
        {
            found.AddRange((await ReadReservationsAsync(sku, shard, orderReference, cancellationToken)).Keys.Select(keyId => new KeyRef(shard, keyId)));
        }

        return found;
    }

    /// <summary>Reserved → sold, for keys bound to a delivered order. Idempotent: keys already sold are checked, not sold again.</summary>
    public Task SellAsync(Sku sku, string orderReference, IEnumerable<KeyRef> keys, CancellationToken cancellationToken) =>
        SettleReservationsAsync(sku, orderReference, keys, sell: true, cancellationToken);

    /// <summary>Reserved → available, for keys an order did not keep. A sold key never comes back: it has no reservation.</summary>
    public async Task ReleaseAsync(Sku sku, string orderReference, IEnumerable<KeyRef> keys, CancellationToken cancellationToken)
    {
        var released = keys.ToList();
        await SettleReservationsAsync(sku, orderReference, released, sell: false, cancellationToken);
        await stockMap.MarkStockedAsync(sku.Id, released.Select(k => k.Shard).Distinct().ToList(), cancellationToken);
    }

    /// <summary>
    /// Puts every reservation of a delivered order where it belongs: keys bound to the order are sold, keys a
    /// crashed or losing duplicate attempt reserved go back to stock. Run whenever an attempt may have crashed.
    /// </summary>
    public async Task SettleAsync(Sku sku, Order order, CancellationToken cancellationToken)
    {
        var reserved = await FindReservationsAsync(sku, order.Reference, cancellationToken);
        var bound = order.Keys.ToHashSet();
        await SellAsync(sku, order.Reference, reserved.Where(bound.Contains), cancellationToken);
        var stray = reserved.Where(k => !bound.Contains(k)).ToList();
        if (stray.Count > 0)
        {
            logger.LogWarning("Order {OrderId}: {Count} key(s) reserved by an interrupted attempt return to stock", order.OrderId, stray.Count);
            await ReleaseAsync(sku, order.Reference, stray, cancellationToken);
        }
    }

    /// <summary>Whether any shard may have keys in stock, from a fresh read of the stock map (one read).</summary>
    public async Task<bool> HasStockAsync(Sku sku, CancellationToken cancellationToken) =>
        (await stockMap.GetFreshAsync(sku.Id, cancellationToken)).AnyStock;

    /// <summary>The SKU's stock: the sum of its shards' counts (one point read per shard, never a scan of keys).</summary>
    public async Task<StockLevels> GetStockAsync(Sku sku, CancellationToken cancellationToken)
    {
        var shards = await Task.WhenAll(AllShards(sku).Select(shard => ReadCountsAsync(sku, shard, cancellationToken)));
        var total = shards.Aggregate(ShardCounts.None, (sum, shard) => sum + shard);
        return new StockLevels(sku.Id, total.Available, total.Reserved, total.Sold, total.Void, total.Expired, total.SoldCost, total.SoldWithoutCost);
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
            opened.Add((key.KeyId, CardKeyCipher.Open(dek, sku.Id, key.KeyId, row.GetInt32("FormatVersion") ?? 0, row.GetBinary("SealedKey"))));
        }

        return opened;
    }

    /// <summary>Claims up to <paramref name="wanted"/> keys from one shard; says whether the shard has no stock left.</summary>
    private async Task<(List<KeyRef> Claimed, bool ShardIsEmpty)> ClaimFromShardAsync(
        Sku sku, int shard, string orderReference, int wanted, CancellationToken cancellationToken)
    {
        var partition = Partition(sku.Id, shard);
        for (var round = 0; round < RoundsPerShard; round++)
        {
            var (counts, inStock) = await ReadCountsAndStockAsync(partition, Math.Min(wanted + 3, KeysPerClaim), cancellationToken); // a few spare, in case some expired
            if (counts.Available == 0)
            {
                return ([], true);
            }

            if (inStock.Count == 0)
            {
                logger.LogCritical("Shard {Partition} counts {Available} keys available but has none in stock: check its counts", partition, counts.Available);
                return ([], true);
            }

            var now = clock.GetUtcNow();
            var actions = new List<TableTransactionAction>();
            var change = ShardCounts.None;
            var claimed = new List<KeyRef>();
            var expired = 0;
            foreach (var key in inStock)
            {
                var keyId = key.RowKey[AvailablePrefix.Length..];
                if (key.GetDateTimeOffset("ExpiresAt") <= now)
                {
                    actions.AddRange(VoidActions(partition, keyId, VoidReasons.Expired, now));
                    change += VoidReasons.CountsChange(VoidReasons.Expired);
                    expired++;
                }
                else if (claimed.Count < wanted)
                {
                    actions.AddRange(ReserveActions(key, orderReference, now));
                    change += new ShardCounts(-1, 1, 0, 0, 0, 0m, 0);
                    claimed.Add(new KeyRef(shard, keyId));
                }
            }

            actions.Add(counts.Write(partition, change));
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
            {
                // Another claim, sale or import changed the shard since we read it: read it again.
                Statistics.Lost();
                continue;
            }

            Statistics.Won();
            if (expired > 0)
            {
                logger.LogWarning("{Count} expired key(s) of {Sku} met in shard {Shard} were voided, not sold", expired, sku.Id, shard);
            }

            return (claimed, counts.Available + change.Available == 0);
        }

        return ([], false);
    }

    /// <summary>The shard's counts and its first keys in stock, in one query (the counts row sorts just before them).</summary>
    private async Task<(ShardCounts Counts, List<TableEntity> InStock)> ReadCountsAndStockAsync(string partition, int take, CancellationToken cancellationToken)
    {
        await foreach (var page in table.QueryAsync<TableEntity>(
            RangeFilter(partition, CountsRow, After(AvailablePrefix)), maxPerPage: take + 1, cancellationToken: cancellationToken).AsPages())
        {
            var counts = page.Values.FirstOrDefault(r => r.RowKey == CountsRow);
            return (ShardCounts.From(counts), page.Values.Where(r => r.RowKey.StartsWith(AvailablePrefix, StringComparison.Ordinal)).ToList());
        }

        return (ShardCounts.None, []);
    }

    private static IEnumerable<TableTransactionAction> ReserveActions(TableEntity inStock, string orderReference, DateTimeOffset now)
    {
        var keyId = inStock.RowKey[AvailablePrefix.Length..];
        yield return new(TableTransactionActionType.Delete, inStock, ETag.All);
        yield return new(TableTransactionActionType.Add, new TableEntity(inStock.PartitionKey, ReservationRow(orderReference, keyId))
        {
            ["ReservedAt"] = now,
            ["BatchId"] = inStock.GetString("BatchId"),
            ["UnitCost"] = inStock.GetString("UnitCost"),
            ["ExpiresAt"] = inStock.GetDateTimeOffset("ExpiresAt"),
        });
        yield return new(TableTransactionActionType.UpdateMerge, new TableEntity(inStock.PartitionKey, KeyRow(keyId))
        {
            ["State"] = Reserved,
            ["OrderReference"] = orderReference,
            ["ReservedAt"] = now,
        }, ETag.All);
    }

    /// <summary>An available key → void: its in-stock row goes, its key row says why.</summary>
    internal static IEnumerable<TableTransactionAction> VoidActions(string partition, string keyId, string reason, DateTimeOffset now)
    {
        yield return new(TableTransactionActionType.Delete, new TableEntity(partition, AvailableRow(keyId)), ETag.All);
        yield return new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, KeyRow(keyId))
        {
            ["State"] = Voided,
            ["VoidReason"] = reason,
            ["VoidedAt"] = now,
        }, ETag.All);
    }

    /// <summary>
    /// Sells or gives back the order's reservations among <paramref name="keys"/>, shard by shard, in transactions
    /// conditional on the shard's counts. A key with no reservation was settled before (a retry): a key to sell is then
    /// checked to be sold to this order.
    /// </summary>
    private async Task SettleReservationsAsync(Sku sku, string orderReference, IEnumerable<KeyRef> keys, bool sell, CancellationToken cancellationToken)
    {
        foreach (var shard in keys.GroupBy(k => k.Shard))
        {
            var partition = Partition(sku.Id, shard.Key);
            var firstRead = true;
            for (var round = 0; ; round++)
            {
                if (round == 100)
                {
                    throw new InvalidOperationException($"Could not settle the reservations of {orderReference} in {partition}; retrying later.");
                }

                var countsRead = ReadCountsAsync(sku, shard.Key, cancellationToken);
                var reservations = await ReadReservationsAsync(sku, shard.Key, orderReference, cancellationToken);
                var counts = await countsRead;
                if (sell && firstRead)
                {
                    foreach (var settled in shard.Where(k => !reservations.ContainsKey(k.KeyId)))
                    {
                        await VerifySoldAsync(sku, orderReference, settled, cancellationToken);
                    }
                }

                firstRead = false;
                var pending = shard.Where(k => reservations.ContainsKey(k.KeyId)).Take(KeysPerSettlement).ToList();
                if (pending.Count == 0)
                {
                    break;
                }

                var actions = new List<TableTransactionAction>();
                var change = ShardCounts.None;
                foreach (var key in pending)
                {
                    var reservation = reservations[key.KeyId];
                    actions.Add(new(TableTransactionActionType.Delete, reservation, ETag.All));
                    if (sell)
                    {
                        actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, KeyRow(key.KeyId))
                        {
                            ["State"] = Sold,
                            ["SoldAt"] = clock.GetUtcNow(),
                        }, ETag.All));
                        change += reservation.GetString("UnitCost") is { Length: > 0 } cost
                            ? new ShardCounts(0, -1, 1, 0, 0, decimal.Parse(cost, System.Globalization.CultureInfo.InvariantCulture), 0)
                            : new ShardCounts(0, -1, 1, 0, 0, 0m, 1);
                    }
                    else
                    {
                        actions.Add(new(TableTransactionActionType.Add, new TableEntity(partition, AvailableRow(key.KeyId))
                        {
                            ["BatchId"] = reservation.GetString("BatchId"),
                            ["UnitCost"] = reservation.GetString("UnitCost"),
                            ["ExpiresAt"] = reservation.GetDateTimeOffset("ExpiresAt"),
                        }));
                        actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(partition, KeyRow(key.KeyId))
                        {
                            ["State"] = Available,
                            ["OrderReference"] = "",
                        }, ETag.All));
                        change += new ShardCounts(1, -1, 0, 0, 0, 0m, 0);
                    }
                }

                actions.Add(counts.Write(partition, change));
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

    /// <summary>The order's reservation rows in one shard, by key id.</summary>
    private async Task<Dictionary<string, TableEntity>> ReadReservationsAsync(Sku sku, int shard, string orderReference, CancellationToken cancellationToken)
    {
        var prefix = ReservationPrefixOf(orderReference);
        var found = new Dictionary<string, TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(RangeFilter(Partition(sku.Id, shard), prefix, After(prefix)), cancellationToken: cancellationToken))
        {
            found[KeyRefOfReservation(row.RowKey, shard).KeyId] = row;
        }

        return found;
    }

    /// <summary>A key bound to a delivered order must be sold to that order; anything else is an alarm for ops.</summary>
    private async Task VerifySoldAsync(Sku sku, string orderReference, KeyRef key, CancellationToken cancellationToken)
    {
        var row = (await table.GetEntityAsync<TableEntity>(Partition(sku.Id, key.Shard), KeyRow(key.KeyId), cancellationToken: cancellationToken)).Value;
        if (row.GetString("State") != Sold || row.GetString("OrderReference") != orderReference)
        {
            logger.LogCritical(
                "Key {KeyId} of {Sku} is bound to order {OrderReference} but is {State} for {OtherOrder}: check this key by hand",
                key.KeyId, sku.Id, orderReference, row.GetString("State"), row.GetString("OrderReference"));
        }
    }
}

/// <summary>Why a key was voided.</summary>
internal static class VoidReasons
{
    public const string Expired = "expired";
    public const string ByOps = "voided-by-ops";

    public static ShardCounts CountsChange(string reason) => new(-1, 0, 0, 1, reason == Expired ? 1 : 0, 0m, 0);
}
