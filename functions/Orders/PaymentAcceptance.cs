using Azure;
using Fulfilment.Catalogue;
using Fulfilment.Observability;

namespace Fulfilment.Orders;

/// <summary>
/// Turns a verified payment notification into a paid order: check it against the acceptance rules (the catalogue
/// first, <see cref="IOrderAcceptanceRule"/>), write the order durably, queue its fulfilment; only then may the sender
/// be told it succeeded. Every refusal writes nothing. A duplicate (a retried or concurrent delivery of the same
/// payment) finds the order already written and never causes a second fulfilment.
/// </summary>
internal sealed class PaymentAcceptance(
    SkuCatalogue catalogue,
    OrderBook orders,
    OpenOrders openOrders,
    FulfilmentRequests fulfilment,
    IEnumerable<IOrderAcceptanceRule> rules,
    TimeProvider clock,
    ILogger<PaymentAcceptance> logger)
{
    private readonly IOrderAcceptanceRule[] rules = [.. rules]; // in the order registered, enumerated for every payment
    /// <param name="notificationId">The sender's id of this notification (kept on the order).</param>
    public async Task<PaymentAcceptanceResult> AcceptAsync(string partnerId, string notificationId, PaymentNotification notification, CancellationToken cancellationToken)
    {
        var sku = await catalogue.FindAsync(notification.Sku, cancellationToken);
        if (sku is null)
        {
            return PaymentAcceptanceResult.Refused("unknown_sku", $"No SKU '{notification.Sku}'.");
        }

        foreach (var rule in rules)
        {
            if (await rule.CheckAsync(partnerId, notification, sku, cancellationToken) is { } refusal)
            {
                return PaymentAcceptanceResult.Refused(refusal);
            }
        }

        // The open-orders row first: if we die after writing the order and before queueing it, a sweep finds it.
        using var span = OrderTracing.Start("accept payment", partnerId, notification.OrderId, kind: System.Diagnostics.ActivityKind.Server);
        var candidate = NewOrder(partnerId, notificationId, notification, sku);
        await openOrders.AddAsync(candidate, cancellationToken);
        var (outcome, order) = await orders.PlaceAsync(candidate, cancellationToken);
        if (outcome != PlaceOutcome.Created)
        {
            await openOrders.RemoveAsync(candidate, cancellationToken); // the order was paid before: its own row stands
        }

        switch (outcome)
        {
            case PlaceOutcome.Conflict:
                logger.LogWarning("Order {OrderId} of partner {PartnerId}: notification {NotificationId} differs from the order already paid", order.OrderId, partnerId, notificationId);
                return PaymentAcceptanceResult.Refused("order_conflict",
                    $"Order '{order.OrderId}' was already paid with a different SKU, quantity, amount, currency or buyer.");
            case PlaceOutcome.Created:
                logger.LogInformation("Order {OrderId} of partner {PartnerId} paid: {Quantity} x {Sku} (notification {NotificationId})",
                    order.OrderId, partnerId, order.Quantity, order.Sku, notificationId);
                await fulfilment.RequestAsync(partnerId, order.OrderId, cancellationToken);
                return PaymentAcceptanceResult.Accepted(order, duplicate: false);
            default:
                // A still-paid order may be a retry after a crash between writing it and queueing it: queue it
                // again. Fulfilment is idempotent, so a duplicate racing the first delivery costs one no-op message.
                if (order.State == OrderState.Paid)
                {
                    await fulfilment.RequestAsync(partnerId, order.OrderId, cancellationToken);
                }

                logger.LogInformation("Order {OrderId} of partner {PartnerId}: duplicate notification {NotificationId}, order is {State}",
                    order.OrderId, partnerId, notificationId, order.State);
                return PaymentAcceptanceResult.Accepted(order, duplicate: true);
        }
    }

    private Order NewOrder(string partnerId, string notificationId, PaymentNotification n, Sku sku) => new(
        partnerId, n.OrderId, n.Sku, sku.Kind, n.Quantity, n.Amount, n.Currency, n.BuyerReference, n.TargetAccount, notificationId,
        OrderState.Paid, null, [], clock.GetUtcNow(), null, ETag.All);
}
