using System.Text.Json;
using Fulfilment.Observability;
using Fulfilment.Orders;
using Fulfilment.Partners;
using Fulfilment.Serialization;
using Fulfilment.Storage;
using Microsoft.Extensions.Options;

namespace Fulfilment.Notifications;

/// <summary>
/// Queues partner notifications for orders that reached a terminal state (delivered, failed, needs-attention),
/// retries them with back-off, and after the last attempt puts them in the poison queue (<c>&lt;queue&gt;-poison</c>), where
/// ops see why and can replay them.
/// </summary>
internal sealed class NotificationQueue(
    QueueMessages queueMessages, IOptions<QueueNames> queues, IOptions<NotificationOptions> options, PartnerDirectory partners)
{
    /// <summary>Queues the notification of a terminal order, if its partner has a callback URL.</summary>
    public async Task NotifyAsync(Order order, CancellationToken cancellationToken)
    {
        if (order.IsToldToPartner && (await partners.FindAsync(order.PartnerId, cancellationToken))?.CallbackUrl is not null)
        {
            await SendAsync(new NotificationRequest(order.PartnerId, order.OrderId, order.State, 1) { TraceParent = OrderTracing.CurrentParent }, null, cancellationToken);
        }
    }

    /// <summary>Queues the notification of the order's final state again (ops' resend): null, or why it cannot be sent.</summary>
    public async Task<string?> ResendAsync(Order order, CancellationToken cancellationToken)
    {
        if (!order.IsToldToPartner)
        {
            return $"the order is {order.State}: partners are told about final states and holds for review only";
        }

        if ((await partners.FindAsync(order.PartnerId, cancellationToken))?.CallbackUrl is null)
        {
            return $"partner {order.PartnerId} has no callback URL";
        }

        await SendAsync(new NotificationRequest(order.PartnerId, order.OrderId, order.State, 1), null, cancellationToken);
        return null;
    }

    public Task RetryAsync(NotificationRequest request, CancellationToken cancellationToken)
    {
        var delay = RetryDelay.Exponential(options.Value.FirstDelaySeconds, options.Value.MaxDelaySeconds, request.Attempt - 1);
        return SendAsync(request with { Attempt = request.Attempt + 1 }, delay, cancellationToken);
    }

    public Task DeadLetterAsync(NotificationRequest request, string error, CancellationToken cancellationToken) =>
        queueMessages.PoisonAsync(
            queues.Value.PartnerNotificationQueue,
            JsonSerializer.Serialize(request, AppJson.Options),
            "NotifyPartner",
            $"partner did not accept the notification after {request.Attempt} attempts: {error}",
            request.Attempt,
            cancellationToken);

    public static NotificationRequest? Parse(string messageText)
    {
        try
        {
            var request = JsonSerializer.Deserialize<NotificationRequest>(messageText, AppJson.Options);
            return request is { PartnerId.Length: > 0, OrderId.Length: > 0, State.Length: > 0, Attempt: > 0 } ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private Task SendAsync(NotificationRequest request, TimeSpan? delay, CancellationToken cancellationToken) =>
        queueMessages.SendAsync(queues.Value.PartnerNotificationQueue, JsonSerializer.Serialize(request, AppJson.Options), cancellationToken, delay);
}
