using Fulfilment.Hosting;
using Fulfilment.Notifications;
using Fulfilment.Storage;

namespace Fulfilment.Functions.NotifyPartner;

/// <summary>Queue-triggered: tells a partner its order reached a final state.</summary>
internal sealed class NotifyPartnerFunction(NotificationSender notifier) : IQueueFunction
{
    public string Name => "NotifyPartner";

    public Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken) =>
        notifier.SendAsync(
            NotificationQueue.Parse(invocation.MessageText)
                ?? throw new PoisonMessageException("message is not a partner notification ({\"partnerId\", \"orderId\", \"state\", \"attempt\"})"),
            cancellationToken);
}
