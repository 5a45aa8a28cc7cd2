using Azure;
using Fulfilment.Catalogue;
using Fulfilment.Observability;

namespace Fulfilment.Orders;

/// <summary>
/// Turns a verified payment notification into a paid order: check it against the acceptance rules (the catalogue
/// first, <see cref="IOrderAcceptanceRule"/>), write the order durably, queue its fulfilment; only then may the sender
/// be told it succeeded. Every refusal writes nothing. A duplicate (a retried or concurrent delivery of the same
/// payment) finds the order already written and never causes a second fulfilment. An order the partner opened before
/// payment is paid once: by the first notification of a payment that matches its amount and currency
/// (<see cref="AcceptForReferenceAsync"/> for a provider's notification naming its payment reference). The shop's risk
/// rules screen every payment (<see cref="RiskScreening"/>): the order is written paid, held for review or refused by
/// risk, never dropped, and its fulfilment request tells the partner either way.
/// </summary>
internal sealed class PaymentAcceptance(
    SkuCatalogue catalogue,
    OrderBook orders,
    PaymentReferences references,
    PaymentHolds holds,
    OpenOrders openOrders,
    FulfilmentRequests fulfilment,
    RiskScreening risk,
    IEnumerable<IOrderAcceptanceRule> rules,
    TimeProvider clock,
    ILogger<PaymentAcceptance> logger)
{
    /// <summary>The provider name of payments notified in the provider-neutral Standard Webhooks format.</summary>
    public const string StandardWebhooks = "standard-webhooks";

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
        var candidate = await risk.ScreenPaymentAsync(NewOrder(partnerId, notificationId, notification, sku), cancellationToken);
        await openOrders.AddAsync(candidate, cancellationToken);
        var (outcome, order) = await orders.PlaceAsync(candidate, cancellationToken);
        if (outcome != PlaceOutcome.Created)
        {
            await openOrders.RemoveAsync(candidate, cancellationToken); // the order was paid before: its own row stands
        }

        switch (outcome)
        {
            case PlaceOutcome.Conflict:
                foreach (var counter in candidate.RiskCounters.Except(order.RiskCounters))
                {
                    await risk.GiveBackAsync(candidate with { RiskCounters = [counter] }, cancellationToken); // counted under the other purchase's id: not this one's
                }

                logger.LogWarning("Order {OrderId} of partner {PartnerId}: notification {NotificationId} differs from the order already paid", order.OrderId, partnerId, notificationId);
                return PaymentAcceptanceResult.Refused("order_conflict",
                    $"Order '{order.OrderId}' was already paid with a different SKU, quantity, amount, currency or buyer.");
            case PlaceOutcome.Created:
                logger.LogInformation("Order {OrderId} of partner {PartnerId} paid: {Quantity} x {Sku} (notification {NotificationId}), {State}",
                    order.OrderId, partnerId, order.Quantity, order.Sku, notificationId, order.State);
                await fulfilment.RequestAsync(partnerId, order.OrderId, cancellationToken);
                return PaymentAcceptanceResult.Accepted(order, duplicate: false);
            default:
                if (order.IsAwaitingPayment)
                {
                    return await PayAsync(order, new ProviderPayment(StandardWebhooks, notificationId, notificationId, notification.Amount, notification.Currency), cancellationToken);
                }

                // A still-paid order may be a retry after a crash between writing it and queueing it: queue it
                // again. Fulfilment is idempotent, so a duplicate racing the first delivery costs one no-op message.
                if (order.State is OrderState.Paid or OrderState.HeldForReview or OrderState.RefusedByRisk)
                {
                    await fulfilment.RequestAsync(partnerId, order.OrderId, cancellationToken);
                }

                logger.LogInformation("Order {OrderId} of partner {PartnerId}: duplicate notification {NotificationId}, order is {State}",
                    order.OrderId, partnerId, notificationId, order.State);
                return PaymentAcceptanceResult.Accepted(order, duplicate: true);
        }
    }

    /// <summary>
    /// A payment provider's notice that the order it names by its payment reference is paid. A reference this partner
    /// never handed out (or another partner's) is refused (<c>unknown_order</c>), so the provider retries and it is logged.
    /// </summary>
    public async Task<PaymentAcceptanceResult> AcceptForReferenceAsync(string partnerId, ProviderPayment payment, CancellationToken cancellationToken)
    {
        var orderId = await references.FindOrderAsync(partnerId, payment.Reference, cancellationToken);
        var order = orderId is null ? null : await orders.GetAsync(partnerId, orderId, cancellationToken);
        if (order is null)
        {
            logger.LogWarning("Partner {PartnerId}: {Provider} notification {NotificationId} names payment reference {Reference}, which is none of its orders",
                partnerId, payment.Provider, payment.NotificationId, payment.Reference);
            return PaymentAcceptanceResult.Refused("unknown_order", "No order of this partner has that payment reference.");
        }

        return await PayAsync(order, payment, cancellationToken);
    }

    /// <summary>
    /// Pays an opened order (ETag-conditional: of concurrent notices, one pays it and the others find it paid). The
    /// open-orders row goes first, as for any paid order. A payment whose amount or currency is not the order's pays
    /// nothing: the order is flagged and ops alerted. A second, different payment of a paid order is answered as
    /// received (the provider must stop retrying) but flagged, for ops to refund.
    /// </summary>
    private async Task<PaymentAcceptanceResult> PayAsync(Order order, ProviderPayment payment, CancellationToken cancellationToken)
    {
        using var span = OrderTracing.Start("pay opened order", order.PartnerId, order.OrderId, kind: System.Diagnostics.ActivityKind.Server);
        while (true)
        {
            if (!order.IsAwaitingPayment)
            {
                if (order.PaymentProvider == payment.Provider && order.PaymentId == payment.PaymentId)
                {
                    if (order.State is OrderState.Paid or OrderState.HeldForReview or OrderState.RefusedByRisk)
                    {
                        await fulfilment.RequestAsync(order.PartnerId, order.OrderId, cancellationToken); // as for any duplicate, above
                    }

                    logger.LogInformation("Order {OrderId} of partner {PartnerId}: duplicate {Provider} notification {NotificationId} of payment {PaymentId}, order is {State}",
                        order.OrderId, order.PartnerId, payment.Provider, payment.NotificationId, payment.PaymentId, order.State);
                    return PaymentAcceptanceResult.Accepted(order, duplicate: true);
                }

                return PaymentAcceptanceResult.Accepted(order, duplicate: true) with
                {
                    OpsFlag = (order.OrderId, $"order was already paid by {order.PaymentProvider} payment {order.PaymentId}; {payment.Provider} payment {payment.PaymentId} " +
                        $"of {payment.Amount} {payment.Currency} paid it again and must be refunded"),
                };
            }

            if (payment.Amount != order.Amount || payment.Currency != order.Currency)
            {
                var reason = $"{payment.Provider} payment {payment.PaymentId} of {payment.Amount} {payment.Currency} does not match the order's " +
                    $"{order.Amount} {order.Currency}: not fulfilled, to be refunded";
                if (order.StateReason != reason && await orders.TryChangeAsync(order with { StateReason = reason }, cancellationToken) is null)
                {
                    order = await orders.GetAsync(order.PartnerId, order.OrderId, cancellationToken) ?? order;
                    continue;
                }

                return PaymentAcceptanceResult.Refused("amount_mismatch", $"The payment of {payment.Amount} {payment.Currency} does not match the order's {order.Amount} {order.Currency}.")
                    with { OpsFlag = (order.OrderId, reason) };
            }

            var paid = await risk.ScreenPaymentAsync(order with
            {
                State = OrderState.Paid,
                StateReason = $"by {payment.Provider} payment {payment.PaymentId}",
                PaidAt = clock.GetUtcNow(),
                WebhookId = payment.NotificationId,
                PaymentProvider = payment.Provider,
                PaymentId = payment.PaymentId,
            }, cancellationToken);
            await openOrders.AddAsync(paid, cancellationToken);
            await references.AddPaymentAsync(paid.PartnerId, paid.OrderId, payment.Provider, payment.PaymentId, cancellationToken);
            if (await orders.TryChangeAsync(paid, cancellationToken) is not { } written)
            {
                await openOrders.RemoveAsync(paid, cancellationToken); // another notice changed it first: its own row stands
                order = await orders.GetAsync(order.PartnerId, order.OrderId, cancellationToken)
                    ?? throw new InvalidOperationException($"Order {order.OrderId} vanished while being paid.");
                continue;
            }

            logger.LogInformation("Order {OrderId} of partner {PartnerId} paid by {Provider} payment {PaymentId} (notification {NotificationId}), {State}",
                written.OrderId, written.PartnerId, payment.Provider, payment.PaymentId, payment.NotificationId, written.State);
            await fulfilment.RequestAsync(written.PartnerId, written.OrderId, cancellationToken);
            await holds.RemoveAsync(written, cancellationToken); // its held keys are its fulfilment's now (the timer would remove it too)
            return PaymentAcceptanceResult.Accepted(written, duplicate: false);
        }
    }

    private Order NewOrder(string partnerId, string notificationId, PaymentNotification n, Sku sku) => new(
        partnerId, n.OrderId, n.Sku, sku.Kind, n.Quantity, n.Amount, n.Currency, n.BuyerReference, n.TargetAccount, notificationId,
        OrderState.Paid, null, [], clock.GetUtcNow(), null, ETag.All)
    {
        PaymentProvider = StandardWebhooks,
        PaymentId = notificationId,
        Signals = risk.SignalsOf(n.Buyer),
    };
}
