using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.Orders;

/// <summary>
/// Orders waiting for keys of a SKU, oldest paid first (the row key starts with the payment time).
/// An import asks for as many of them to be fulfilled as its new keys can cover.
/// </summary>
internal sealed class AwaitingStockList(TableServiceClient tables, FulfilmentRequests requests, ILogger<AwaitingStockList> logger)
{
    private readonly TableClient table = tables.GetTableClient(TableNames.AwaitingStock);

    public Task AddAsync(Order order, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(
            new TableEntity(order.Sku, RowKey(order))
            {
                ["PartnerId"] = order.PartnerId,
                ["OrderId"] = order.OrderId,
                ["Quantity"] = order.Quantity,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Deleting a row that is not there succeeds (the SDK treats 404 on delete as done).</summary>
    public Task RemoveIfPresentAsync(Order order, CancellationToken cancellationToken) =>
        table.DeleteEntityAsync(order.Sku, RowKey(order), cancellationToken: cancellationToken);

    /// <summary>Queues the oldest waiting orders whose quantities fit in <paramref name="newKeys"/>; returns how many.</summary>
    public async Task<int> ReleaseAsync(string sku, int newKeys, CancellationToken cancellationToken)
    {
        var released = 0;
        var covered = 0;
        await foreach (var waiting in table.QueryAsync<TableEntity>(e => e.PartitionKey == sku, cancellationToken: cancellationToken))
        {
            if (covered >= newKeys)
            {
                break;
            }

            var orderId = waiting.GetString("OrderId");
            await requests.RequestAsync(waiting.GetString("PartnerId"), orderId, cancellationToken);
            logger.LogInformation("Order {OrderId} awaiting stock of {Sku} is queued for fulfilment again", orderId, sku);
            covered += waiting.GetInt32("Quantity") ?? 1;
            released++;
        }

        return released;
    }

    /// <summary>The SKUs that have orders waiting.</summary>
    public async Task<IReadOnlyList<string>> SkusWithWaitingOrdersAsync(CancellationToken cancellationToken)
    {
        var skus = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            skus.Add(row.PartitionKey);
        }

        return [.. skus];
    }

    /// <summary>
    /// Queues, oldest first, the waiting orders that <paramref name="available"/> keys can each fully cover, skipping
    /// an order too big for what is left (it waits on, without churning); returns how many were queued.
    /// </summary>
    public async Task<int> ReleaseCoveredAsync(string sku, int available, CancellationToken cancellationToken)
    {
        var released = 0;
        await foreach (var waiting in table.QueryAsync<TableEntity>(e => e.PartitionKey == sku, cancellationToken: cancellationToken))
        {
            var quantity = waiting.GetInt32("Quantity") ?? 1;
            if (quantity > available)
            {
                continue;
            }

            var orderId = waiting.GetString("OrderId");
            await requests.RequestAsync(waiting.GetString("PartnerId"), orderId, cancellationToken);
            logger.LogInformation("Order {OrderId} awaiting stock of {Sku} is queued for fulfilment again: {Available} key(s) in stock", orderId, sku, available);
            available -= quantity;
            released++;
        }

        return released;
    }

    private static string RowKey(Order order) => $"{order.PaidTime.UtcTicks:D19}|{order.Reference}";
}
