namespace Fulfilment.Catalogue;

/// <summary>A sellable item: its kind, unit price and currency, and over how many partitions new card keys are spread.</summary>
internal sealed record Sku(string Id, string Name, string Kind, decimal UnitPrice, string Currency, int ShardCount)
{
    /// <summary>
    /// Top-ups and redemptions: the suppliers to ask, in failover order. Card keys: the suppliers that sell codes (gift
    /// cards) to buy from, in failover order, when local stock cannot serve an order.
    /// </summary>
    public IReadOnlyList<string> Suppliers { get; init; } = [];

    /// <summary>The product as the suppliers name it.</summary>
    public string? ProductCode { get; init; }

    /// <summary>The product as one supplier names it, where it differs from <see cref="ProductCode"/>.</summary>
    public IReadOnlyList<SupplierProduct> SupplierProducts { get; init; } = [];

    /// <summary>The product code to send <paramref name="supplier"/>: its own, else the SKU's; null if neither.</summary>
    public string? ProductCodeFor(string supplier) => SupplierProducts.FirstOrDefault(p => p.Supplier == supplier)?.ProductCode ?? ProductCode;

    /// <summary>What one unit costs us (a key's purchase price, a supplier's price), in <see cref="Currency"/>; null if not told.</summary>
    public decimal? UnitCost { get; init; }

    /// <summary>What we keep per unit sold; null while the cost is unknown.</summary>
    public decimal? UnitMargin => UnitPrice - UnitCost;

    /// <summary>Card keys: shard counts used by earlier imports (keys stay where they were imported).</summary>
    public IReadOnlyList<int> PastShardCounts { get; init; } = [];

    /// <summary>Card keys: how many shard partitions may hold keys, whatever the shard count at their import.</summary>
    public int ShardSlots => PastShardCounts.Append(ShardCount).Max();

    /// <summary>Card keys: when the keys available fall to this many, one alert is raised (until stock rises above it again).</summary>
    public int? LowStockThreshold { get; init; }

    /// <summary>
    /// Card keys: whether an order opened before payment holds its keys (reserved for it) until its payment window ends,
    /// so the buyer who is paying is not sold out meanwhile. Off by default.
    /// </summary>
    public bool HoldStock { get; init; }

    /// <summary>
    /// Card keys bought from suppliers: the most the SKU may spend on codes per UTC day, in <see cref="Currency"/>, each
    /// code counted at <see cref="UnitCost"/>. Required with suppliers: spending is never unbounded.
    /// </summary>
    public decimal? DailyCodeSpendCap { get; init; }

    /// <summary>Card keys: whether codes are bought from suppliers when local stock cannot serve an order.</summary>
    public bool BuysCodes => Kind == SkuKind.CardKey && Suppliers.Count > 0;

    /// <summary>Card keys: whether two keys that differ only in case are two keys (fixed once keys are imported).</summary>
    public bool CaseSensitiveKeys { get; init; } = true;
}
