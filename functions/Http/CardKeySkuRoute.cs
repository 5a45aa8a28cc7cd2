using Fulfilment.Catalogue;

namespace Fulfilment.Http;

/// <summary>The card-key SKU an ops route names in <c>{sku}</c>.</summary>
internal static class CardKeySkuRoute
{
    /// <summary>
    /// The SKU as stored now (not cached: ops must see the current shard counts), or the 404 to answer when there is no
    /// card-key SKU of that id.
    /// </summary>
    public static async Task<(Sku? Sku, IResult? NotFound)> FindCardKeySkuAsync(this SkuCatalogue catalogue, HttpContext context)
    {
        var skuId = (string)context.GetRouteValue("sku")!;
        return await catalogue.FindFreshAsync(skuId, context.RequestAborted) is { Kind: SkuKind.CardKey } sku
            ? (sku, null)
            : (null, ApiResults.NotFound($"No card-key SKU '{skuId}'."));
    }
}
