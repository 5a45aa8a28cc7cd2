using Fulfilment.Catalogue;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;
using Fulfilment.Ops;

namespace Fulfilment.Functions.GetStock;

/// <summary>GET /api/ops/skus/{sku}/stock — available, reserved and sold key counts.</summary>
internal sealed class GetStockFunction(OpsAuthentication ops, SkuCatalogue catalogue, CardKeyInventory inventory) : IHttpFunction
{
    public string Name => "GetStock";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        if (ops.Challenge(context.Request) is { } challenge)
        {
            return challenge;
        }

        var skuId = (string)context.GetRouteValue("sku")!;
        return await catalogue.FindAsync(skuId, context.RequestAborted) is { Kind: SkuKind.CardKey } sku
            ? Results.Json(await inventory.GetStockAsync(sku, context.RequestAborted))
            : ApiResults.NotFound($"No card-key SKU '{skuId}'.");
    }
}
