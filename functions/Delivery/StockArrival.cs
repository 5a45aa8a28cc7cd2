using Fulfilment.Contract;
using Fulfilment.Inventory;
using Fulfilment.Orders;
using KeyBatch = Fulfilment.Inventory.KeyBatch;
using Sku = Fulfilment.Catalogue.Sku;

namespace Fulfilment.Delivery;

/// <summary>Card keys arriving: an upload imported into the SKU's stock, then the orders waiting for stock of it queued again.</summary>
internal sealed class StockArrival(KeyImport import, AwaitingStockList awaiting)
{
    public async Task<ImportReport> ImportAsync(Sku sku, KeyBatch batch, IAsyncEnumerable<(int Line, string Text)> entries, CancellationToken cancellationToken)
    {
        var imported = await import.ImportAsync(sku, batch, entries, cancellationToken);

        // Oldest first, after a partial upload too. Not the uploader's cancellation: the keys are in whether or not it
        // waits for the answer, and the orders waiting for them should not wait for the stalled-order sweep.
        var released = imported.Imported == 0 ? 0 : await awaiting.ReleaseAsync(sku.Id, imported.Imported, CancellationToken.None);
        return new ImportReport(
            imported.Sku, imported.BatchId, imported.Received, imported.Imported,
            [.. imported.Rejected.Select(r => new ImportRejection(r.Line, r.Reason))], released, imported.Error);
    }
}
