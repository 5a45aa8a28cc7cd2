using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Fulfilment.Storage;

/// <summary>
/// Creates the tables and queues the app needs before it serves anything. It lists what exists first (one request
/// each for tables and queues) and creates only what is missing, so that a start against a ready account costs two
/// requests, not one per table and queue.
/// </summary>
internal sealed class StorageSetup(TableServiceClient tables, QueueServiceClient queues, IOptions<QueueNames> queueOptions)
{
    public Task EnsureCreatedAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(EnsureTablesAsync(cancellationToken), EnsureQueuesAsync(cancellationToken));

    private async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var table in tables.QueryAsync(cancellationToken: cancellationToken))
        {
            existing.Add(table.Name);
        }

        await Task.WhenAll(TableNames.All.Where(name => !existing.Contains(name))
            .Select(name => tables.GetTableClient(name).CreateIfNotExistsAsync(cancellationToken)));
    }

    private async Task EnsureQueuesAsync(CancellationToken cancellationToken)
    {
        var o = queueOptions.Value;
        string[] triggered = [o.OrderFulfilmentQueue, o.RedemptionRetryQueue, o.PartnerNotificationQueue];
        var names = triggered.Concat(triggered.Select(q => q + QueueMessages.PoisonSuffix)).Append(o.OpsAlertsQueue).Append(o.StockAlertsQueue);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var queue in queues.GetQueuesAsync(cancellationToken: cancellationToken))
        {
            existing.Add(queue.Name);
        }

        await Task.WhenAll(names.Where(name => !existing.Contains(name))
            .Select(name => queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
    }
}
