using Fulfilment.Catalogue;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;
using Fulfilment.Ops;

namespace Fulfilment.Functions.ImportKeys;

/// <summary>POST /api/ops/skus/{sku}/keys — import card keys: one per line, or a JSON array of strings.</summary>
internal sealed class ImportKeysFunction(OpsAuthentication ops, SkuCatalogue catalogue, KeyImport import) : IHttpFunction
{
    public const int MaxUploadBytes = 16 * 1024 * 1024;

    public string Name => "ImportKeys";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        if (ops.Challenge(context.Request) is { } challenge)
        {
            return challenge;
        }

        var skuId = (string)context.GetRouteValue("sku")!;
        var sku = await catalogue.FindAsync(skuId, context.RequestAborted);
        if (sku is null || sku.Kind != SkuKind.CardKey)
        {
            return ApiResults.NotFound($"No card-key SKU '{skuId}'.");
        }

        var body = await ApiResults.ReadBodyAsync(context.Request, MaxUploadBytes);
        if (body is null)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"An upload must be at most {MaxUploadBytes} bytes.");
        }

        var entries = KeyImport.ParseUpload(body, context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true);
        if (entries is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_upload", "A JSON upload must be an array of strings.");
        }

        return Results.Json(await import.ImportAsync(sku, entries, context.RequestAborted));
    }
}
