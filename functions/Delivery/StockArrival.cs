using Fulfilment.Catalogue;
using Fulfilment.Inventory;
using Fulfilment.Orders;

namespace Fulfilment.Delivery;

/// <summary>Card keys arriving: an upload imported into the SKU's stock, then the orders waiting for stock of it queued again.</summary>
internal sealed class StockArrival(KeyImport import, AwaitingStockList awaiting)
{
    public async Task<ImportReport> ImportAsync(Sku sku, KeyBatch batch, IAsyncEnumerable<(int Line, string Text)> entries, CancellationToken cancellationToken)
    {
        var report = await import.ImportAsync(sku, batch, entries, cancellationToken);
        if (report.Imported == 0)
        {
            return report;
        }

        // Oldest first, after a partial upload too. Not the uploader's cancellation: the keys are in whether or not it
        // waits for the answer, and the orders waiting for them should not wait for the stalled-order sweep.
        return report with { OrdersReleased = await awaiting.ReleaseAsync(sku.Id, report.Imported, CancellationToken.None) };
    }
}
