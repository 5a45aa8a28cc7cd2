namespace Fulfilment.Contract;

/// <summary>
/// A SKU as saved. <see cref="ShardSlots"/>: how many partitions may hold its keys, whatever the shard count at their
/// import (<see cref="PastShardCounts"/>); <see cref="UnitMargin"/> is null while the cost is unknown; <see cref="HoldStock"/>:
/// orders opened before payment hold their keys; <see cref="DailyCodeSpendCap"/>: card keys bought from suppliers, the
/// most spent on codes per UTC day.
/// </summary>
public sealed record Sku(
    string Id, string Name, string Kind, decimal UnitPrice, string Currency, int ShardCount, IReadOnlyList<string> Suppliers,
    string? ProductCode, decimal? UnitCost, decimal? UnitMargin, IReadOnlyList<int> PastShardCounts, int ShardSlots,
    int? LowStockThreshold, bool CaseSensitiveKeys, bool HoldStock, IReadOnlyList<SupplierProduct> SupplierProducts,
    decimal? DailyCodeSpendCap);
