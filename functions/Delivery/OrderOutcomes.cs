using Fulfilment.Notifications;
using Fulfilment.Orders;
using Fulfilment.RedemptionLog;

namespace Fulfilment.Delivery;

/// <summary>
/// What follows an order's final state (or its hold for review): its risk counts given back if it no longer counts, its entry in the partner's redemption log, then the partner's
/// notification; then the order leaves the open-orders index (soon, batched with others). All idempotent, so a
/// redelivered message may publish again.
/// </summary>
internal sealed class OrderOutcomes(RedemptionLogBook log, NotificationQueue notifications, OpenOrders openOrders, RiskScreening risk)
{
    public async Task PublishAsync(Order order, CancellationToken cancellationToken)
    {
        if (!order.IsToldToPartner)
        {
            return;
        }

        if (!order.CountsForRisk)
        {
            await risk.GiveBackAsync(order, cancellationToken); // refused, cancelled, refunded, failed: its units no longer count
        }

        await log.AppendAsync(order, cancellationToken);
        await notifications.NotifyAsync(order, cancellationToken);
        openOrders.RemoveSoon(order);
    }
}
