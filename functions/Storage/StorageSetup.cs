using Azure.Data.Tables;
using Azure.Storage.Queues;
using Fulfilment.Notifications;
using Microsoft.Extensions.Options;

namespace Fulfilment.Storage;

/// <summary>Creates the tables and queues the app needs before it serves anything.</summary>
internal sealed class StorageSetup(TableServiceClient tables, QueueServiceClient queues, IOptions<QueueOptions> queueOptions)
{
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(TableNames.All.Select(name => tables.GetTableClient(name).CreateIfNotExistsAsync(cancellationToken)));
        var fulfilment = queueOptions.Value.OrderFulfilmentQueue;
        await Task.WhenAll(
            queues.GetQueueClient(fulfilment).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(fulfilment + QueueMessages.PoisonSuffix).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(queueOptions.Value.OpsAlertsQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(queueOptions.Value.PartnerNotificationQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(queueOptions.Value.PartnerNotificationQueue + PartnerNotifications.DeadSuffix).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(queueOptions.Value.RedemptionRetryQueue).CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            queues.GetQueueClient(queueOptions.Value.RedemptionRetryQueue + QueueMessages.PoisonSuffix).CreateIfNotExistsAsync(cancellationToken: cancellationToken));
    }
}
