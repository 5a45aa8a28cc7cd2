using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Crypto;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;

namespace Fulfilment.Functions.VoidKey;

/// <summary>POST /api/ops/skus/{sku}/keys/{keyId}/void — takes one key in stock out of stock for good; 409 if it is reserved, sold or void.</summary>
internal sealed class VoidKeyFunction(SkuCatalogue catalogue, KeyVoiding voiding) : IHttpFunction
{
    public string Name => "VoidKey";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (sku, notFound) = await catalogue.FindCardKeySkuAsync(context);
        if (sku is null)
        {
            return notFound!;
        }

        var keyId = (string)context.GetRouteValue("keyId")!;
        if (keyId.Length != CardKeyCipher.KeyIdLength || !keyId.All(char.IsAsciiHexDigitLower))
        {
            return ApiResults.NotFound($"No key '{keyId}' in SKU '{sku.Id}'.");
        }

        return await voiding.VoidKeyAsync(sku, keyId, context.RequestAborted) switch
        {
            null => Results.Json(new VoidedKey(sku.Id, keyId, InventoryRows.Voided, VoidReasons.ByOps)),
            KeyVoiding.NoSuchKey => ApiResults.NotFound($"No key '{keyId}' in SKU '{sku.Id}'."),
            var state => ApiResults.Error(StatusCodes.Status409Conflict, "key_not_in_stock",
                $"Key '{keyId}' is {state}: only keys in stock can be voided (a reserved key belongs to an order in flight, a sold key to its buyer)."),
        };
    }
}
