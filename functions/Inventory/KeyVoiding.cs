using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Storage;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>
/// Takes unsold keys out of stock for good: one key, or every key in stock of a batch (a supplier recalled it, or it
/// expired). Only keys in stock can be voided: a reserved key belongs to an order in flight and a sold key to its buyer.
/// Each void is a transaction with the shard's counts, like every other transition.
/// </summary>
internal sealed class KeyVoiding(TableServiceClient tables, TimeProvider clock, ILogger<KeyVoiding> logger)
{
    /// <summary>What <see cref="VoidKeyAsync"/> answers for a key id the SKU does not have.</summary>
    public const string NoSuchKey = "missing";

    private const int KeysPerTransaction = 45; // two actions per key and the counts
    private readonly TableClient table = tables.GetTableClient(TableNames.CardKeys);

    /// <summary>Voids one key in stock: answers null when voided, else the key's state, or <see cref="NoSuchKey"/>.</summary>
    public async Task<string?> VoidKeyAsync(Sku sku, string keyId, CancellationToken cancellationToken)
    {
        foreach (var shard in sku.PastShardCounts.Append(sku.ShardCount).Select(count => ShardOf(keyId, count)).Distinct())
        {
            var partition = Partition(sku.Id, shard);
            while (true)
            {
                var counts = await ShardCounts.ReadAsync(table, partition, cancellationToken);
                var key = await table.GetEntityIfExistsAsync<TableEntity>(partition, KeyRow(keyId), cancellationToken: cancellationToken);
                if (!key.HasValue)
                {
                    break;
                }

                if (key.Value!.GetString("State") != Available)
                {
                    return key.Value.GetString("State");
                }

                var seq = key.Value.GetInt64("Seq") ?? throw new InvalidOperationException($"Key {keyId} of {sku.Id} is available but has no place in the stock queue.");
                var actions = CardKeyInventory.VoidActions(partition, seq, keyId, VoidReasons.ByOps, clock.GetUtcNow()).ToList();
                actions.Add(counts.Write(partition, VoidReasons.CountsChange(VoidReasons.ByOps)));
                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                    logger.LogWarning("Key {KeyId} of {Sku} voided by ops", keyId, sku.Id);
                    return null;
                }
                catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
                {
                    // The shard changed (the key may just have been claimed): look again.
                }
            }
        }

        return NoSuchKey;
    }

    /// <summary>Voids every key of the batch still in stock, shard by shard; an expired batch's keys are voided as expired.</summary>
    public async Task<BatchVoidReport> VoidBatchAsync(Sku sku, KeyBatch batch, CancellationToken cancellationToken)
    {
        var reason = batch.IsExpiredAt(clock.GetUtcNow()) ? VoidReasons.Expired : VoidReasons.ByOps;
        int voided = 0, reserved = 0;
        foreach (var shard in AllShards(sku))
        {
            var partition = Partition(sku.Id, shard);
            while (true)
            {
                var counts = await ShardCounts.ReadAsync(table, partition, cancellationToken);
                var inStock = await QueryBatchRowsAsync(partition, AvailablePrefix, batch.BatchId, KeysPerTransaction, cancellationToken);
                if (inStock.Count == 0)
                {
                    break;
                }

                var actions = inStock.SelectMany(row => CardKeyInventory.VoidActions(
                    partition, long.Parse(row.RowKey[AvailablePrefix.Length..], System.Globalization.CultureInfo.InvariantCulture), row.GetString("KeyId"), reason, clock.GetUtcNow())).ToList();
                actions.Add(counts.Write(partition, new ShardCounts(-inStock.Count, 0, 0, inStock.Count, reason == VoidReasons.Expired ? inStock.Count : 0, 0m, 0)));
                try
                {
                    await table.SubmitTransactionAsync(actions, cancellationToken);
                    voided += inStock.Count;
                }
                catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
                {
                    // Claims changed the shard meanwhile: read it again.
                }
            }

            reserved += (await QueryBatchRowsAsync(partition, ReservationPrefix, batch.BatchId, int.MaxValue, cancellationToken)).Count;
        }

        logger.LogWarning("Batch {BatchId} of {Sku}: {Voided} key(s) in stock voided ({Reason}); {Reserved} reserved for orders in flight",
            batch.BatchId, sku.Id, voided, reason, reserved);
        return new BatchVoidReport(sku.Id, batch.BatchId, reason, voided, reserved);
    }

    /// <summary>Each batch with its keys by state. Reads every key row of the SKU: an ops report, never on the way of a sale.</summary>
    public async Task<List<BatchReport>> ReportAsync(Sku sku, IReadOnlyList<KeyBatch> batches, CancellationToken cancellationToken)
    {
        var states = new Dictionary<(string BatchId, string State), int>();
        foreach (var shard in AllShards(sku))
        {
            await foreach (var key in table.QueryAsync<TableEntity>(RangeFilter(Partition(sku.Id, shard), KeyPrefix, After(KeyPrefix)), cancellationToken: cancellationToken))
            {
                var k = (key.GetString("BatchId") ?? "", key.GetString("State") ?? "");
                states[k] = states.GetValueOrDefault(k) + 1;
            }
        }

        var now = clock.GetUtcNow();
        return batches.Select(b => new BatchReport(
            b, b.IsExpiredAt(now),
            states.GetValueOrDefault((b.BatchId, Available)),
            states.GetValueOrDefault((b.BatchId, Reserved)),
            states.GetValueOrDefault((b.BatchId, Sold)),
            states.GetValueOrDefault((b.BatchId, Voided)))).ToList();
    }

    private async Task<List<TableEntity>> QueryBatchRowsAsync(string partition, string prefix, string batchId, int take, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {prefix} and RowKey lt {After(prefix)} and BatchId eq {batchId}");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
            if (rows.Count == take)
            {
                break;
            }
        }

        return rows;
    }
}
