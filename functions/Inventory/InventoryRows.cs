using System.Globalization;
using Fulfilment.Catalogue;

namespace Fulfilment.Inventory;

/// <summary>
/// Layout of the CardKeys table. A SKU's keys are spread over shard partitions (<c>{sku}|{shard}</c>); a key's shard
/// follows from its id and the SKU's shard count when it was imported. In its partition a key has:
/// <list type="bullet">
/// <item><c>key|{keyId}</c> — the key itself: sealed ciphertext, DEK id, batch, state (available, reserved, sold,
/// void), order;</item>
/// <item><c>avail|{seq}</c> — present while the key is in stock, numbered in the shard's stock queue (see
/// <see cref="ShardCounts"/>), with the key id, batch, cost and expiry: claims read the numbers they need from the
/// queue's head (a few by point reads, more with one range query over just those), and never read sold keys;</item>
/// <item><c>resv|{partnerId}|{orderId}|{keyId}</c> — present while the key is reserved for that order, so a retried
/// fulfilment finds what an earlier, crashed attempt reserved with one range query per shard;</item>
/// <item><c>!counts</c> — the shard's counts by state. Every transition rewrites the rows above <em>and</em> this row,
/// conditional on its ETag, in one entity-group transaction: the counts cannot drift from the keys.</item>
/// </list>
/// The SKU's <see cref="StockMap"/> row (partition <c>{sku}</c>) says which shards may have keys in stock.
/// </summary>
internal static class InventoryRows
{
    public const string Available = "available";
    public const string Reserved = "reserved";
    public const string Sold = "sold";
    public const string Voided = "void";

    public const string KeyPrefix = "key|";
    public const string AvailablePrefix = "avail|";
    public const string ReservationPrefix = "resv|";

    public const string CountsRow = "!counts";

    public static string Partition(string sku, int shard) => $"{sku}|{shard.ToString("D2", CultureInfo.InvariantCulture)}";

    public static int ShardOf(string keyId, int shardCount) =>
        int.Parse(keyId.AsSpan(0, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture) % shardCount;

    public static string KeyRow(string keyId) => KeyPrefix + keyId;

    public static string AvailableRow(long seq) => AvailablePrefix + seq.ToString("D12", CultureInfo.InvariantCulture);

    public static string ReservationRow(string orderReference, string keyId) => $"{ReservationPrefix}{orderReference}|{keyId}";

    public static string ReservationPrefixOf(string orderReference) => $"{ReservationPrefix}{orderReference}|";

    /// <summary>The first row key after every row key that starts with <paramref name="prefix"/>.</summary>
    public static string After(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>An OData filter for the rows of one partition whose row keys lie in [from, to).</summary>
    public static string RangeFilter(string partition, string from, string to) =>
        Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}");

    public static KeyRef KeyRefOfReservation(string rowKey, int shard) => new(shard, rowKey[(rowKey.LastIndexOf('|') + 1)..]);

    /// <summary>Every shard a key of the SKU may be in: its current shard count and every earlier one.</summary>
    public static IEnumerable<int> AllShards(Sku sku) => Enumerable.Range(0, sku.ShardSlots);
}
