using System.Globalization;
using Fulfilment.Catalogue;
using Fulfilment.Delivery;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;

namespace Fulfilment.Functions.ImportKeys;

/// <summary>
/// POST /api/ops/skus/{sku}/keys — import card keys: one per line, or a JSON array of strings; read as it arrives,
/// never held whole (up to <see cref="KeyImport.MaxKeysPerUpload"/> keys, within the server's request size limit).
/// The query names the batch: <c>supplier</c>, <c>unitCost</c> (default: the SKU's), <c>currency</c> (the SKU's),
/// <c>expiresAt</c>; or <c>batchId</c> to add to an earlier upload's batch.
/// </summary>
internal sealed class ImportKeysFunction(
    SkuCatalogue catalogue, KeyBatches batches, StockArrival arrival, TimeProvider clock) : IHttpFunction
{
    public string Name => "ImportKeys";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (sku, notFound) = await catalogue.FindCardKeySkuAsync(context);
        if (sku is null)
        {
            return notFound!;
        }

        var (batch, problem) = await BatchOfAsync(sku, context.Request.Query, context.RequestAborted);
        if (problem is not null)
        {
            return problem;
        }

        var isJson = context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
        try
        {
            var report = await arrival.ImportAsync(sku, batch!, KeyImport.ReadUploadAsync(context.Request.Body, isJson, context.RequestAborted), context.RequestAborted);
            return report.Error is null
                ? Results.Json(report)
                : ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_upload", report.Error, report);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", "The upload is larger than the server accepts: split it.");
        }
    }

    /// <summary>The batch the upload goes into: an earlier one named by <c>batchId</c>, or a new one described by the query.</summary>
    private async Task<(KeyBatch? Batch, IResult? Problem)> BatchOfAsync(Sku sku, IQueryCollection query, CancellationToken cancellationToken)
    {
        if (query["batchId"].ToString() is { Length: > 0 } batchId)
        {
            if (query.Keys.Any(k => k != "batchId"))
            {
                return (null, ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_batch", "An upload into an earlier batch takes its supplier, cost, currency and expiry: give only batchId."));
            }

            var earlier = await batches.FindAsync(sku.Id, batchId, cancellationToken);
            return earlier is null ? (null, ApiResults.NotFound($"No batch '{batchId}' of SKU '{sku.Id}'.")) : (earlier, null);
        }

        var problems = new List<string>();
        var supplier = query["supplier"].ToString() is { Length: > 0 } s ? s : null;
        if (supplier is { Length: > 100 }) problems.Add("supplier must be at most 100 characters");
        decimal? unitCost = sku.UnitCost;
        if (query["unitCost"].ToString() is { Length: > 0 } cost)
        {
            unitCost = decimal.TryParse(cost, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0 ? parsed : null;
            if (unitCost is null) problems.Add("unitCost must be a non-negative number");
        }

        var currency = query["currency"].ToString() is { Length: > 0 } c ? c : sku.Currency;
        if (currency != sku.Currency) problems.Add($"currency must be the SKU's currency ({sku.Currency}): margins are reckoned in it");
        DateTimeOffset? expiresAt = null;
        if (query["expiresAt"].ToString() is { Length: > 0 } expiry)
        {
            if (!DateTimeOffset.TryParse(expiry, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) problems.Add("expiresAt must be an ISO 8601 time");
            else if (parsed <= clock.GetUtcNow()) problems.Add("expiresAt is in the past: these keys could never be sold");
            else expiresAt = parsed;
        }

        if (problems.Count > 0)
        {
            return (null, ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_batch", "The batch is not valid.", problems));
        }

        return (await batches.CreateAsync(sku.Id, supplier, unitCost, currency, expiresAt, cancellationToken), null);
    }
}
