namespace Fulfilment.Contract;

/// <summary>
/// A SKU with its price, cost and margin per unit; for card keys, its stock and the margin of the keys sold so far
/// (price × sold − what those keys cost, by their batches; null if a sold key's cost is unknown).
/// </summary>
public sealed record SkuSummary(
    string Sku, string Name, string Kind, string Currency, decimal UnitPrice, decimal? UnitCost, decimal? UnitMargin,
    decimal? MarginPercent, int? LowStockThreshold, SkuStock? Stock, decimal? SoldMargin);
