using Fulfilment.Catalogue;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;
using Fulfilment.Ops;

namespace Fulfilment.Functions.ImportKeys;

/// <summary>
/// POST /api/ops/skus/{sku}/keys — import card keys: one per line, or a JSON array of strings; read as it arrives,
/// never held whole (up to <see cref="KeyImport.MaxKeysPerUpload"/> keys, within the server's request size limit).
/// </summary>
internal sealed class ImportKeysFunction(OpsAuthentication ops, SkuCatalogue catalogue, KeyImport import) : IHttpFunction
{
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

        var isJson = context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
        try
        {
            var report = await import.ImportAsync(sku, KeyImport.ReadUploadAsync(context.Request.Body, isJson, context.RequestAborted), context.RequestAborted);
            return report.Error is null
                ? Results.Json(report)
                : ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_upload", report.Error, report);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", "The upload is larger than the server accepts: split it.");
        }
    }
}
