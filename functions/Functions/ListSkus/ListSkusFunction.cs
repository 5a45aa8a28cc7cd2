using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Inventory;

namespace Fulfilment.Functions.ListSkus;

/// <summary>
/// GET /api/ops/skus — every SKU with its price, cost and margin per unit, and for card keys its stock and the margin
/// of the keys sold so far: price × sold − what those keys cost, by their batches (null if a sold key's cost is unknown).
/// </summary>
internal sealed class ListSkusFunction(SkuCatalogue catalogue, CardKeyInventory inventory) : IHttpFunction
{
    public string Name => "ListSkus";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var rows = new List<SkuSummary>();
        foreach (var sku in await catalogue.ListAsync(context.RequestAborted))
        {
            var stock = sku.Kind == SkuKind.CardKey ? await inventory.GetStockAsync(sku, context.RequestAborted) : null;
            rows.Add(new SkuSummary(
                sku.Id, sku.Name, sku.Kind, sku.Currency, sku.UnitPrice, sku.UnitCost, sku.UnitMargin,
                sku.UnitMargin is { } margin ? Math.Round(margin / sku.UnitPrice * 100, 2) : null,
                sku.LowStockThreshold,
                stock is null ? null : new SkuStock(stock.Available, stock.Reserved, stock.Sold, stock.Void, stock.Expired),
                stock?.SoldMargin(sku)));
        }

        return Results.Json(new SkuList(rows));
    }
}
