using System.Text.Json;
using Fulfilment.Serialization;
using Fulfilment.Storage;
using Microsoft.Extensions.Options;

namespace Fulfilment.Ops;

/// <summary>Raises an alert for ops: a message on the ops-alerts queue and an error log line, both with the order id.</summary>
internal sealed class OpsAlerts(QueueMessages queueMessages, IOptions<QueueNames> queues, TimeProvider clock, ILogger<OpsAlerts> logger)
{
    public async Task RaiseAsync(string kind, string partnerId, string orderId, string reason, CancellationToken cancellationToken)
    {
        logger.LogError("Ops alert {AlertKind} for order {OrderId} of partner {PartnerId}: {Reason}", kind, orderId, partnerId, reason);
        await queueMessages.SendAsync(
            queues.Value.OpsAlertsQueue,
            JsonSerializer.Serialize(new { kind, partnerId, orderId, reason, raisedAt = clock.GetUtcNow() }, AppJson.Options),
            cancellationToken);
    }
}
