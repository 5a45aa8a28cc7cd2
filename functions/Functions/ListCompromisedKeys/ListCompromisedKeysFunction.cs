using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;

namespace Fulfilment.Functions.ListCompromisedKeys;

/// <summary>GET /api/ops/skus/{sku}/keys/compromised — sold keys whose sale was refunded or disputed, oldest first: void them at the issuer.</summary>
internal sealed class ListCompromisedKeysFunction(SkuCatalogue catalogue, CompromisedKeys compromised) : IHttpFunction
{
    public string Name => "ListCompromisedKeys";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var sku = (string)context.GetRouteValue("sku")!;
        if (!SkuId.IsValid(sku) || await catalogue.FindAsync(sku, context.RequestAborted) is null)
        {
            return ApiResults.NotFound($"No SKU '{sku}'.");
        }

        var keys = await compromised.ListAsync(sku, context.RequestAborted);
        return Results.Json(new CompromisedKeyList(sku, [.. keys.Select(k => new Contract.CompromisedKey(k.KeyId, k.PartnerId, k.OrderId, k.Reason, k.FlaggedAt))]));
    }
}
