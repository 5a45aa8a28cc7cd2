using Fulfilment.Catalogue;
using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Inventory;

namespace Fulfilment.Functions.VoidKeyBatch;

/// <summary>
/// POST /api/ops/skus/{sku}/batches/{batchId}/void — voids every key of the batch still in stock (as expired if the batch
/// expired); answers how many, and how many were reserved for orders in flight (run it again once those settle).
/// </summary>
internal sealed class VoidKeyBatchFunction(SkuCatalogue catalogue, KeyBatches batches, KeyVoiding voiding) : IHttpFunction
{
    public string Name => "VoidKeyBatch";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var (sku, notFound) = await catalogue.FindCardKeySkuAsync(context);
        if (sku is null)
        {
            return notFound!;
        }

        var batchId = (string)context.GetRouteValue("batchId")!;
        return await batches.FindAsync(sku.Id, batchId, context.RequestAborted) is { } batch
            ? Results.Json(Answer(await voiding.VoidBatchAsync(sku, batch, context.RequestAborted)))
            : ApiResults.NotFound($"No batch '{batchId}' of SKU '{sku.Id}'.");
    }

    private static Contract.BatchVoidReport Answer(Inventory.BatchVoidReport report) =>
        new(report.Sku, report.BatchId, report.Reason, report.Voided, report.Reserved);
}
