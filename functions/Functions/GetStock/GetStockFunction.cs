using Fulfilment.Catalogue;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;

namespace Fulfilment.Functions.GetStock;

/// <summary>GET /api/ops/skus/{sku}/stock — keys available, reserved, sold and void (expired among them), from the shards' counts; the cost and margin of those sold.</summary>
internal sealed class GetStockFunction(SkuCatalogue catalogue, CardKeyInventory inventory) : IHttpFunction
{
    public string Name => "GetStock";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (sku, notFound) = await catalogue.FindCardKeySkuAsync(context);
        if (sku is null)
        {
            return notFound!;
        }

        var stock = await inventory.GetStockAsync(sku, context.RequestAborted);
        return Results.Json(new Contract.StockLevels(
            stock.Sku, stock.Available, stock.Reserved, stock.Sold, stock.Void, stock.Expired, stock.SoldCost, stock.SoldWithoutCost,
            stock.SoldMargin(sku), sku.LowStockThreshold));
    }
}
