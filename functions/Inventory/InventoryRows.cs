using System.Globalization;
using Fulfilment.Catalogue;
using Fulfilment.Orders;

namespace Fulfilment.Inventory;

/// <summary>
/// Layout of the CardKeys table. A SKU's keys are spread over <see cref="Sku.ShardCount"/> partitions
/// (<c>{sku}|{shard}</c>); a key's shard follows from its id. In its partition a key has:
/// <list type="bullet">
/// <item><c>key|{keyId}</c> — the key itself: sealed ciphertext, DEK id, state (available, reserved, sold), order;</item>
/// <item><c>avail|{keyId}</c> — present while the key is in stock, so finding stock never scans sold keys;</item>
/// <item><c>resv|{partnerId}|{orderId}|{keyId}</c> — present while the key is reserved for that order, so a
/// retried fulfilment finds what an earlier, crashed attempt reserved with one range query per shard.</item>
/// </list>
/// Every transition rewrites these rows in one entity-group transaction: a key is never in two states.
/// </summary>
internal static class InventoryRows
{
    public const string Available = "available";
    public const string Reserved = "reserved";
    public const string Sold = "sold";

    public const string KeyPrefix = "key|";
    public const string AvailablePrefix = "avail|";
    public const string ReservationPrefix = "resv|";

    public static string Partition(string sku, int shard) => $"{sku}|{shard.ToString("D2", CultureInfo.InvariantCulture)}";

    public static int ShardOf(string keyId, int shardCount) =>
        int.Parse(keyId.AsSpan(0, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture) % shardCount;

    public static string KeyRow(string keyId) => KeyPrefix + keyId;

    public static string AvailableRow(string keyId) => AvailablePrefix + keyId;

    public static string ReservationRow(string orderReference, string keyId) => $"{ReservationPrefix}{orderReference}|{keyId}";

    public static string ReservationPrefixOf(string orderReference) => $"{ReservationPrefix}{orderReference}|";

    /// <summary>The first row key after every row key that starts with <paramref name="prefix"/>.</summary>
    public static string After(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>An OData filter for the rows of one partition whose row keys lie in [from, to).</summary>
    public static string RangeFilter(string partition, string from, string to) =>
        Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}");

    public static KeyRef KeyRefOfReservation(string rowKey, int shard) => new(shard, rowKey[(rowKey.LastIndexOf('|') + 1)..]);
}
