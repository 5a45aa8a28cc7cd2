using System.Globalization;
using Azure;
using Azure.Data.Tables;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>
/// One shard's keys by state, and the cost of those sold. Stored in the shard's <c>!counts</c> row and changed only
/// in the same transaction as the keys, conditional on the row's ETag (a shard with no row yet has no keys).
/// <para>
/// The row also holds the shard's stock queue: keys in stock have <c>avail|{seq}</c> rows numbered in the order they
/// came in; <see cref="Head"/> is the first number not yet taken, <see cref="Tail"/> the next number to give. A claim
/// reads the rows it needs from the head (a few by point reads, more with one range query over just those numbers:
/// never a scan of the shard), oldest first; a number whose row is gone (a key voided by ops) is skipped.
/// </para>
/// </summary>
internal sealed record ShardCounts(int Available, int Reserved, int Sold, int Void, int Expired, decimal SoldCost, int SoldWithoutCost)
{
    public static readonly ShardCounts None = new(0, 0, 0, 0, 0, 0m, 0);

    /// <summary>The row's ETag when read; null when the shard has no counts row yet.</summary>
    public ETag? ETag { get; init; }

    /// <summary>The number of the oldest key in stock (or of a gap before it).</summary>
    public long Head { get; init; }

    /// <summary>The number the next key put in stock gets.</summary>
    public long Tail { get; init; }

    public static ShardCounts From(TableEntity? row) => row is null
        ? None
        : new ShardCounts(
            row.GetInt32("Available") ?? 0,
            row.GetInt32("Reserved") ?? 0,
            row.GetInt32("Sold") ?? 0,
            row.GetInt32("Void") ?? 0,
            row.GetInt32("Expired") ?? 0,
            decimal.Parse(row.GetString("SoldCost") ?? "0", CultureInfo.InvariantCulture),
            row.GetInt32("SoldWithoutCost") ?? 0) { ETag = row.ETag, Head = row.GetInt64("Head") ?? 0, Tail = row.GetInt64("Tail") ?? 0 };

    /// <summary>Reads a shard's counts (with the ETag to write them back under).</summary>
    public static async Task<ShardCounts> ReadAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, CountsRow, cancellationToken: cancellationToken);
        return From(row.HasValue ? row.Value : null);
    }

    /// <summary>A SKU's counts: the sum of its shards' (one point read per shard, never a scan of keys).</summary>
    public static async Task<ShardCounts> ReadSkuAsync(TableClient table, Catalogue.Sku sku, CancellationToken cancellationToken)
    {
        var shards = await Task.WhenAll(AllShards(sku).Select(shard => ReadAsync(table, Partition(sku.Id, shard), cancellationToken)));
        return shards.Aggregate(None, (sum, shard) => sum + shard);
    }

    public static ShardCounts operator +(ShardCounts a, ShardCounts b) => new(
        a.Available + b.Available, a.Reserved + b.Reserved, a.Sold + b.Sold, a.Void + b.Void, a.Expired + b.Expired,
        a.SoldCost + b.SoldCost, a.SoldWithoutCost + b.SoldWithoutCost);

    /// <summary>
    /// The action that writes these counts, as changed by <paramref name="change"/> and with the stock queue's new head
    /// and tail, in a transaction — if nobody changed them since they were read.
    /// </summary>
    public TableTransactionAction Write(string partition, ShardCounts change, long? head = null, long? tail = null)
    {
        var next = this + change;
        var row = new TableEntity(partition, CountsRow)
        {
            ["Available"] = next.Available,
            ["Reserved"] = next.Reserved,
            ["Sold"] = next.Sold,
            ["Void"] = next.Void,
            ["Expired"] = next.Expired,
            ["SoldCost"] = next.SoldCost.ToString(CultureInfo.InvariantCulture),
            ["SoldWithoutCost"] = next.SoldWithoutCost,
            ["Head"] = head ?? Head,
            ["Tail"] = tail ?? Tail,
        };
        return ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }
}
