namespace Fulfilment.Contract;

/// <summary>
/// A card-key SKU's keys by state (void counts the expired ones too), what the keys sold cost, how many of them have no
/// known cost, and the margin on them (null while a sold key's cost is unknown).
/// </summary>
public sealed record StockLevels(
    string Sku, int Available, int Reserved, int Sold, int Void, int Expired, decimal SoldCost, int SoldWithoutCost, decimal? SoldMargin,
    int? LowStockThreshold);
