using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace Fulfilment.Storage;

/// <summary>Creates the tables and queues the app needs before it serves anything.</summary>
internal sealed class StorageSetup(TableServiceClient tables, QueueServiceClient queues, IOptions<QueueOptions> queueOptions)
{
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(TableNames.All.Select(name => tables.GetTableClient(name).CreateIfNotExistsAsync(cancellationToken)));
        var o = queueOptions.Value;
        string[] triggered = [o.OrderFulfilmentQueue, o.RedemptionRetryQueue, o.PartnerNotificationQueue];
        var names = triggered.Concat(triggered.Select(q => q + QueueMessages.PoisonSuffix)).Append(o.OpsAlertsQueue).Append(o.StockAlertsQueue);
        await Task.WhenAll(names.Select(name => queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
    }
}
