namespace Fulfilment.Contract;

/// <summary>
/// <c>PUT /api/ops/skus/{sku}</c>: what the SKU is (<c>card-key</c>, <c>direct-top-up</c> or <c>redemption</c>), its price
/// and cost per unit in a three-letter currency. Card keys only: <see cref="ShardCount"/> (partitions for new imports,
/// 1-64), <see cref="LowStockThreshold"/>, <see cref="CaseSensitiveKeys"/> (fixed once keys are imported),
/// <see cref="HoldStock"/> (orders opened before payment hold their keys until their payment window ends). Top-ups and
/// redemptions: <see cref="Suppliers"/> (in failover order), <see cref="ProductCode"/>, and
/// <see cref="SupplierProducts"/> for a supplier that names the product its own way. Card keys may name suppliers that
/// sell codes (gift cards), bought when local stock cannot serve an order: then <see cref="UnitCost"/> and
/// <see cref="DailyCodeSpendCap"/> (per UTC day, in the SKU's currency, each code counted at its unit cost) are required.
/// </summary>
public sealed record SaveSkuRequest(
    string Name,
    string Kind,
    decimal UnitPrice,
    string Currency,
    decimal? UnitCost = null,
    IReadOnlyList<string>? Suppliers = null,
    string? ProductCode = null,
    int? ShardCount = null,
    int? LowStockThreshold = null,
    bool? CaseSensitiveKeys = null,
    bool? HoldStock = null,
    IReadOnlyList<SupplierProduct>? SupplierProducts = null,
    decimal? DailyCodeSpendCap = null);
