using Fulfilment.Notifications;
using Fulfilment.Orders;
using Fulfilment.RedemptionLog;

namespace Fulfilment.Delivery;

/// <summary>
/// What follows an order's final state: its entry in the partner's redemption log, then the partner's
/// notification; then the order leaves the open-orders index (soon, batched with others). All idempotent, so a
/// redelivered message may publish again.
/// </summary>
internal sealed class OrderOutcomes(RedemptionLogBook log, NotificationQueue notifications, OpenOrders openOrders)
{
    public async Task PublishAsync(Order order, CancellationToken cancellationToken)
    {
        if (!order.IsTerminal)
        {
            return;
        }

        await log.AppendAsync(order, cancellationToken);
        await notifications.NotifyAsync(order, cancellationToken);
        openOrders.RemoveSoon(order);
    }
}
