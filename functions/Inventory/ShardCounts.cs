using System.Globalization;
using Azure;
using Azure.Data.Tables;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>
/// One shard's keys by state, and the cost of those sold. Stored in the shard's <c>!counts</c> row and changed only
/// in the same transaction as the keys, conditional on the row's ETag (a shard with no row yet has no keys).
/// </summary>
internal sealed record ShardCounts(int Available, int Reserved, int Sold, int Void, int Expired, decimal SoldCost, int SoldWithoutCost)
{
    public static readonly ShardCounts None = new(0, 0, 0, 0, 0, 0m, 0);

    /// <summary>The row's ETag when read; null when the shard has no counts row yet.</summary>
    public ETag? ETag { get; init; }

    public static ShardCounts From(TableEntity? row) => row is null
        ? None
        : new ShardCounts(
            row.GetInt32("Available") ?? 0,
            row.GetInt32("Reserved") ?? 0,
            row.GetInt32("Sold") ?? 0,
            row.GetInt32("Void") ?? 0,
            row.GetInt32("Expired") ?? 0,
            decimal.Parse(row.GetString("SoldCost") ?? "0", CultureInfo.InvariantCulture),
            row.GetInt32("SoldWithoutCost") ?? 0) { ETag = row.ETag };

    /// <summary>Reads a shard's counts (with the ETag to write them back under).</summary>
    public static async Task<ShardCounts> ReadAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, CountsRow, cancellationToken: cancellationToken);
        return From(row.HasValue ? row.Value : null);
    }

    public static ShardCounts operator +(ShardCounts a, ShardCounts b) => new(
        a.Available + b.Available, a.Reserved + b.Reserved, a.Sold + b.Sold, a.Void + b.Void, a.Expired + b.Expired,
        a.SoldCost + b.SoldCost, a.SoldWithoutCost + b.SoldWithoutCost);

    /// <summary>The action that writes these counts (as changed by <paramref name="change"/>) in a transaction, if nobody changed them since.</summary>
    public TableTransactionAction Write(string partition, ShardCounts change)
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
        };
        return ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }
}
