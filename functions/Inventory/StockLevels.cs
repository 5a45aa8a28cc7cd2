using Fulfilment.Catalogue;

namespace Fulfilment.Inventory;

/// <summary>A SKU's keys by state (void includes the expired ones), and the cost of the keys sold.</summary>
internal sealed record StockLevels(
    string Sku, int Available, int Reserved, int Sold, int Void, int Expired, decimal SoldCost, int SoldWithoutCost)
{
    /// <summary>Price × keys sold − what those keys cost (each at its batch's unit cost); null if a sold key's cost is unknown.</summary>
    public decimal? SoldMargin(Sku sku) => SoldWithoutCost == 0 ? sku.UnitPrice * Sold - SoldCost : null;
}
