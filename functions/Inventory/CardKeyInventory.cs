using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Orders;
using Fulfilment.Storage;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>Counts of a SKU's keys by state.</summary>
internal sealed record StockLevels(string Sku, int Available, int Reserved, int Sold);

/// <summary>
/// Claims, sells and releases card keys. A claim is one conditional entity-group transaction (delete the
/// <c>avail</c> row at the ETag read, add the reservation, mark the key reserved): two workers can never
/// claim the same key, whatever their number.
/// </summary>
internal sealed class CardKeyInventory(TableServiceClient tables, DataKeyRing dataKeys, ILogger<CardKeyInventory> logger)
{
    private const int CandidatesPerQuery = 16;
    private const int MaxQueriesPerShard = 8;
    private readonly TableClient table = tables.GetTableClient(TableNames.CardKeys);

    /// <summary>Reserves up to <paramref name="count"/> keys for the order; fewer means the SKU ran out.</summary>
    public async Task<List<KeyRef>> ClaimAsync(Sku sku, string orderReference, int count, CancellationToken cancellationToken)
    {
        var claimed = new List<KeyRef>();
        foreach (var shard in RandomOrder(sku.ShardCount))
        {
            for (var query = 0; query < MaxQueriesPerShard && claimed.Count < count; query++)
            {
                var candidates = await FindAvailableAsync(sku.Id, shard, cancellationToken);
                if (candidates.Count == 0)
                {
                    break;
                }

                foreach (var candidate in candidates)
                {
                    if (claimed.Count == count)
                    {
                        break;
                    }

                    if (await TryReserveAsync(candidate, orderReference, cancellationToken))
                    {
                        claimed.Add(new KeyRef(shard, candidate.RowKey[AvailablePrefix.Length..]));
                    }
                }
            }

            if (claimed.Count == count)
            {
                break;
            }
        }

        return claimed;
    }

    /// <summary>Keys reserved for the order by any attempt, including one that crashed before binding them.</summary>
    public async Task<List<KeyRef>> FindReservationsAsync(Sku sku, string orderReference, CancellationToken cancellationToken)
    {
        var prefix = ReservationPrefixOf(orderReference);
        var found = new List<KeyRef>();
        foreach (var shard in Enumerable.Range(0, sku.ShardCount))
        {
            var partition = Partition(sku.Id, shard);
            await foreach (var row in table.QueryAsync<TableEntity>(
                RangeFilter(partition, prefix, After(prefix)), select: ["RowKey"], cancellationToken: cancellationToken))
            {
                found.Add(KeyRefOfReservation(row.RowKey, shard));
            }
        }

        return found;
    }

    /// <summary>Reserved → sold, for keys bound to a delivered order. Idempotent: keys already sold are skipped.</summary>
    public Task SellAsync(Sku sku, string orderReference, IEnumerable<KeyRef> keys, CancellationToken cancellationToken) =>
        TransitionAsync(sku, keys, (key, ct) => VerifySoldAsync(sku, orderReference, key, ct), key =>
        [
            new(TableTransactionActionType.Delete, new TableEntity(Partition(sku.Id, key.Shard), ReservationRow(orderReference, key.KeyId)), ETag.All),
            new(TableTransactionActionType.UpdateMerge, new TableEntity(Partition(sku.Id, key.Shard), KeyRow(key.KeyId))
            {
                ["State"] = Sold,
                ["SoldAt"] = DateTimeOffset.UtcNow,
            }, ETag.All),
        ], cancellationToken);

    /// <summary>Reserved → available, for keys an order did not keep.</summary>
    public Task ReleaseAsync(Sku sku, string orderReference, IEnumerable<KeyRef> keys, CancellationToken cancellationToken) =>
        TransitionAsync(sku, keys, (_, _) => Task.CompletedTask, key =>
        [
            new(TableTransactionActionType.Delete, new TableEntity(Partition(sku.Id, key.Shard), ReservationRow(orderReference, key.KeyId)), ETag.All),
            new(TableTransactionActionType.Add, new TableEntity(Partition(sku.Id, key.Shard), AvailableRow(key.KeyId))),
            new(TableTransactionActionType.UpdateMerge, new TableEntity(Partition(sku.Id, key.Shard), KeyRow(key.KeyId))
            {
                ["State"] = Available,
                ["OrderReference"] = "",
            }, ETag.All),
        ], cancellationToken);

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

    public async Task<bool> HasStockAsync(Sku sku, CancellationToken cancellationToken)
    {
        foreach (var shard in Enumerable.Range(0, sku.ShardCount))
        {
            if ((await FindAvailableAsync(sku.Id, shard, cancellationToken, from: AvailablePrefix, take: 1)).Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    public async Task<StockLevels> GetStockAsync(Sku sku, CancellationToken cancellationToken)
    {
        int available = 0, reserved = 0, sold = 0;
        foreach (var shard in Enumerable.Range(0, sku.ShardCount))
        {
            var partition = Partition(sku.Id, shard);
            await foreach (var key in table.QueryAsync<TableEntity>(
                RangeFilter(partition, KeyPrefix, After(KeyPrefix)), select: ["State"], cancellationToken: cancellationToken))
            {
                switch (key.GetString("State"))
                {
                    case Available: available++; break;
                    case Reserved: reserved++; break;
                    case Sold: sold++; break;
                }
            }
        }

        return new StockLevels(sku.Id, available, reserved, sold);
    }

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

    private async Task<List<TableEntity>> FindAvailableAsync(
        string sku, int shard, CancellationToken cancellationToken, string? from = null, int take = CandidatesPerQuery)
    {
        // Start at a random point of the shard's stock (key ids are uniformly random) so concurrent claimers
        // mostly see different keys; wrap around to the start when the tail is short.
        var partition = Partition(sku, shard);
        var start = from ?? AvailablePrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        var found = await QueryAvailableAsync(partition, start, take, cancellationToken);
        if (found.Count < take && start != AvailablePrefix)
        {
            found.AddRange((await QueryAvailableAsync(partition, AvailablePrefix, take - found.Count, cancellationToken))
                .Where(e => string.CompareOrdinal(e.RowKey, start) < 0));
        }

        return found;
    }

    private async Task<List<TableEntity>> QueryAvailableAsync(string partition, string from, int take, CancellationToken cancellationToken)
    {
        var found = new List<TableEntity>(take);
        await foreach (var page in table.QueryAsync<TableEntity>(
            RangeFilter(partition, from, After(AvailablePrefix)), maxPerPage: take, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
        {
            found.AddRange(page.Values.Take(take));
            break;
        }

        return found;
    }

    private async Task<bool> TryReserveAsync(TableEntity available, string orderReference, CancellationToken cancellationToken)
    {
        var keyId = available.RowKey[AvailablePrefix.Length..];
        var now = DateTimeOffset.UtcNow;
        try
        {
            await table.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.Delete, available, available.ETag),
                    new(TableTransactionActionType.Add, new TableEntity(available.PartitionKey, ReservationRow(orderReference, keyId))
                    {
                        ["ReservedAt"] = now,
                    }),
                    new(TableTransactionActionType.UpdateMerge, new TableEntity(available.PartitionKey, KeyRow(keyId))
                    {
                        ["State"] = Reserved,
                        ["OrderReference"] = orderReference,
                        ["ReservedAt"] = now,
                    }, ETag.All),
                ],
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            // Another worker claimed it first.
            return false;
        }
    }

    /// <summary>
    /// Applies a per-key transition, one transaction per shard (at most 100 actions each). A key whose reservation
    /// is gone was settled by an earlier attempt: <paramref name="alreadySettled"/> checks it.
    /// </summary>
    private async Task TransitionAsync(
        Sku sku,
        IEnumerable<KeyRef> keys,
        Func<KeyRef, CancellationToken, Task> alreadySettled,
        Func<KeyRef, TableTransactionAction[]> actionsFor,
        CancellationToken cancellationToken)
    {
        foreach (var shard in keys.GroupBy(k => k.Shard))
        {
            foreach (var chunk in shard.Chunk(30))
            {
                try
                {
                    await table.SubmitTransactionAsync(chunk.SelectMany(actionsFor), cancellationToken);
                }
                catch (RequestFailedException e) when (e.Status == 404)
                {
                    // Some reservation is already settled (a retry): settle the rest one by one.
                    foreach (var key in chunk)
                    {
                        try
                        {
                            await table.SubmitTransactionAsync(actionsFor(key), cancellationToken);
                        }
                        catch (RequestFailedException one) when (one.Status == 404)
                        {
                            await alreadySettled(key, cancellationToken);
                        }
                    }
                }
            }
        }
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

    private static IEnumerable<int> RandomOrder(int count)
    {
        var shards = Enumerable.Range(0, count).ToArray();
        Random.Shared.Shuffle(shards);
        return shards;
    }
}
