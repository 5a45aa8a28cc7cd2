using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;

namespace Fulfilment.Functions.ListKeyBatches;

/// <summary>
/// GET /api/ops/skus/{sku}/batches — the SKU's import batches, oldest first: supplier, unit cost, currency, import time,
/// expiry, whether it expired, and its keys by state. Expired batches with keys still in stock are the ones to void.
/// </summary>
internal sealed class ListKeyBatchesFunction(SkuCatalogue catalogue, KeyBatches batches, KeyVoiding voiding) : IHttpFunction
{
    public string Name => "ListKeyBatches";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (sku, notFound) = await catalogue.FindCardKeySkuAsync(context);
        if (sku is null)
        {
            return notFound!;
        }

        var report = await voiding.ReportAsync(sku, await batches.ListAsync(sku.Id, context.RequestAborted), context.RequestAborted);
        return Results.Json(new KeyBatchList(sku.Id, [.. report.Select(r => new Contract.KeyBatch(
            r.Batch.BatchId, r.Batch.Supplier, r.Batch.UnitCost, r.Batch.Currency, r.Batch.ImportedAt, r.Batch.ExpiresAt,
            r.Expired, r.Batch.Imported, r.Available, r.Reserved, r.Sold, r.Void))]));
    }
}
