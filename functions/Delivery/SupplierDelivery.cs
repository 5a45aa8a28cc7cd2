using System.Diagnostics;
using Fulfilment.Catalogue;
using Fulfilment.Observability;
using Fulfilment.Ops;
using Fulfilment.Orders;
using Fulfilment.Serialization;
using Fulfilment.Storage;
using Fulfilment.Suppliers;
using Microsoft.Extensions.Options;

namespace Fulfilment.Delivery;

/// <summary>
/// Delivers a direct top-up (直充) or a redemption through the SKU's suppliers without ever crediting twice:
/// <list type="bullet">
/// <item>our client reference is stored on the order (ETag-conditional) before the supplier hears of it, so every
/// later attempt — after a timeout, a 5xx, a crash — asks about it instead of submitting blindly;</item>
/// <item>an unknown outcome puts the order in <c>reconciling</c>: a delayed queue message queries the supplier
/// with exponential back-off and jitter; still unknown at the deadline → <c>needs-attention</c> and an ops alert;</item>
/// <item>only "never received" allows a resubmit (same reference, so the supplier dedupes it), and only a confirmed
/// failure a failover to the SKU's next supplier with a new reference;</item>
/// <item>a permanent rejection (invalid account) fails the order with the supplier's reason.</item>
/// </list>
/// A redemption has one platform: a confirmed failure or a refusal is retried there with a new reference after an
/// exponential back-off (messages on the redemption retry queue); after the maximum attempts the order fails and its
/// history goes to that queue's poison queue for ops.
/// Every supplier call is recorded in the order's history.
/// </summary>
internal sealed class SupplierDelivery(
    OrderBook orders,
    SupplierDirectory suppliers,
    SupplierFollowUp followUp,
    FulfilmentRequests requests,
    OpsAlerts alerts,
    QueueMessages queueMessages,
    OrderOutcomes outcomes,
    IOptions<QueueNames> queues,
    IOptions<SupplierDeliveryOptions> options,
    TimeProvider clock,
    ILogger<SupplierDelivery> logger)
{
    public async Task DeliverAsync(Order order, Sku sku, CancellationToken cancellationToken)
    {
        switch (order.State)
        {
            case var _ when order.IsTerminal:
                // An attempt may have died between the final state and queueing the partner's notification.
                await outcomes.PublishAsync(order, cancellationToken);
                break;
            case OrderState.Paid when sku.Suppliers.Count == 0 || sku.ProductCodeFor(sku.Suppliers[0]) is null || order.TargetAccount is null:
                await followUp.ChangeAsync(order with { State = OrderState.Failed, StateReason = $"SKU {sku.Id} has no supplier or product code", FailureCode = PartnerReason.NotFulfillable }, cancellationToken);
                break;
            case OrderState.Paid:
                await SubmitAsync(order, sku, sku.Suppliers[0], newReference: true, cancellationToken);
                break;
            case OrderState.Submitting or OrderState.Reconciling:
                // Submitting: an attempt may have died after the supplier got our reference. Never submit blindly: ask.
                await ReconcileAsync(order, sku, cancellationToken);
                break;
            case OrderState.RetryScheduled:
                await SubmitAsync(order, sku, order.Supplier!, newReference: true, cancellationToken);
                break;
        }
    }

    private async Task SubmitAsync(Order order, Sku sku, string supplier, bool newReference, CancellationToken cancellationToken)
    {
        if (newReference && order.ReversalKind is not null)
        {
            // The buyer has the money back: a new credit would be a gift. A call in flight was reconciled before this.
            await followUp.ChangeAsync(order with { State = OrderState.Cancelled, StateReason = $"payment {order.ReversalKind} recorded: never submitted again" }, cancellationToken);
            return;
        }

        var count = newReference ? order.SubmitCount + 1 : order.SubmitCount;
        var reference = newReference ? $"{order.PartnerId}:{order.OrderId}:{count}" : order.ClientReference!;
        var submitting = await followUp.ChangeAsync(
            order with
            {
                State = OrderState.Submitting,
                Supplier = supplier,
                ClientReference = reference,
                SubmitCount = count,
                ReconcileBy = order.ReconcileBy ?? clock.GetUtcNow() + TimeSpan.FromMinutes(options.Value.ReconcileDeadlineMinutes),
            },
            cancellationToken);
        logger.LogInformation("Order {OrderId} is {State}: asking {Supplier} to credit {Amount} {Currency} as {ClientReference}",
            order.OrderId, OrderState.Submitting, supplier, order.Amount, order.Currency, reference);

        using var span = OrderTracing.Start("supplier submit", order.PartnerId, order.OrderId);
        span?.SetTag("supplier", supplier);
        var started = Stopwatch.GetTimestamp();
        var outcome = await suppliers.Get(supplier).SubmitAsync(
            new CreditRequest(order.PartnerId, order.OrderId, reference, sku.ProductCodeFor(supplier) ?? "", order.TargetAccount!, order.Amount, order.Currency), cancellationToken);
        await RecordAsync(submitting, sku, "submit", outcome, started, cancellationToken);
    }

    private async Task ReconcileAsync(Order order, Sku sku, CancellationToken cancellationToken)
    {
        using var span = OrderTracing.Start("supplier query", order.PartnerId, order.OrderId);
        span?.SetTag("supplier", order.Supplier);
        var started = Stopwatch.GetTimestamp();
        var outcome = await suppliers.Get(order.Supplier!).QueryAsync(order.ClientReference!, cancellationToken);
        await RecordAsync(order, sku, "query", outcome, started, cancellationToken);
    }

    private async Task RecordAsync(Order order, Sku sku, string action, SupplierOutcome outcome, long started, CancellationToken cancellationToken)
    {
        var recorded = followUp.Record(order, action, outcome, started);

        switch (outcome.Verdict)
        {
            case SupplierVerdict.Succeeded:
                await followUp.ChangeAsync(recorded with
                {
                    State = OrderState.Delivered, StateReason = null, SupplierReference = outcome.SupplierReference, DeliveredAt = clock.GetUtcNow(),
                }, cancellationToken);
                logger.LogInformation("Order {OrderId} delivered: {Supplier} credited {Account} ({SupplierReference})",
                    order.OrderId, order.Supplier, AccountMask.Of(order.TargetAccount), outcome.SupplierReference);
                break;

            case SupplierVerdict.Rejected:
                await followUp.ChangeAsync(recorded with { State = OrderState.Failed, StateReason = $"{order.Supplier} rejected the credit: {outcome.Reason}", FailureCode = PartnerReason.AccountRejected }, cancellationToken);
                logger.LogWarning("Order {OrderId} is {State}: {Supplier} rejected it: {Reason}", order.OrderId, OrderState.Failed, order.Supplier, outcome.Reason);
                break;

            case SupplierVerdict.NotFound:
                // The supplier never got our reference: submitting it again is safe (the supplier dedupes it anyway).
                await SubmitAsync(recorded, sku, order.Supplier!, newReference: false, cancellationToken);
                break;

            case SupplierVerdict.ReferenceConflict:
                // The supplier holds our reference for another credit and may have credited under it: never a
                // refundable failure, never a blind new reference. Ops must look.
                await followUp.NeedsAttentionAsync(recorded, $"{order.Supplier} holds {order.ClientReference} for a different credit: {outcome.Reason}", cancellationToken);
                break;

            case SupplierVerdict.Failed when sku.Kind == SkuKind.Redemption:
                await RetryRedemptionAsync(recorded, outcome, cancellationToken);
                break;

            case SupplierVerdict.Failed when NextSupplier(sku, order.Supplier!) is { } next:
                logger.LogWarning("Order {OrderId}: {Supplier} confirmed it did not credit ({Reason}); failing over to {NextSupplier}",
                    order.OrderId, order.Supplier, outcome.Reason, next);
                await SubmitAsync(recorded, sku, next, newReference: true, cancellationToken);
                break;

            case SupplierVerdict.Failed:
                await followUp.ChangeAsync(recorded with { State = OrderState.Failed, StateReason = $"no supplier could credit: {order.Supplier}: {outcome.Reason}", FailureCode = PartnerReason.NotFulfilled }, cancellationToken);
                logger.LogWarning("Order {OrderId} is {State}: {Supplier}: {Reason}; no supplier left", order.OrderId, OrderState.Failed, order.Supplier, outcome.Reason);
                break;

            default:
                // Pending, unknown, or not sent at all (our circuit breaker or rate limiter, the supplier's 429, a
                // credentials refusal): ask again later, within the order's deadline. Nothing that was never sent
                // uses up one of a redemption's attempts.
                await followUp.AskAgainLaterAsync(recorded, outcome, cancellationToken);
                break;
        }
    }

    /// <summary>The platform did not redeem (confirmed): submit again with a new reference after a back-off, or give up.</summary>
    private async Task RetryRedemptionAsync(Order order, SupplierOutcome outcome, CancellationToken cancellationToken)
    {
        if (order.SubmitCount >= options.Value.RedemptionMaxAttempts)
        {
            var reason = $"{order.Supplier} did not redeem after {order.SubmitCount} attempts: {outcome.Verdict} {outcome.Reason}";
            await followUp.ChangeAsync(order with { State = OrderState.Failed, StateReason = reason, FailureCode = PartnerReason.NotFulfilled }, cancellationToken);
            await queueMessages.PoisonAsync(
                queues.Value.RedemptionRetryQueue,
                System.Text.Json.JsonSerializer.Serialize(new { order.PartnerId, order.OrderId, reason, order.History }, AppJson.Options),
                "RetryRedemption",
                reason,
                order.SubmitCount,
                cancellationToken);
            logger.LogWarning("Order {OrderId} is {State}: {Reason}; its history went to the poison queue", order.OrderId, OrderState.Failed, reason);
            return;
        }

        var delay = followUp.Backoff(order.SubmitCount - 1, outcome.RetryAfter);
        await followUp.ChangeAsync(order with { State = OrderState.RetryScheduled, StateReason = $"{outcome.Verdict}: {outcome.Reason}" }, cancellationToken);
        logger.LogInformation("Order {OrderId} is {State}: attempt {Attempt} at {Supplier} failed; next in {Delay}",
            order.OrderId, OrderState.RetryScheduled, order.SubmitCount, order.Supplier, delay);
        await requests.RequestRedemptionRetryAsync(order.PartnerId, order.OrderId, delay, cancellationToken);
    }

    /// <summary>
    /// A supplier called back about an order (its body is never believed): a delivered order is checked again, any other
    /// has its supplier asked now rather than at its next back-off.
    /// </summary>
    public async Task HearCallbackAsync(string supplier, string partnerId, string orderId, CancellationToken cancellationToken)
    {
        if (await orders.GetAsync(partnerId, orderId, cancellationToken) is { State: OrderState.Delivered } delivered && delivered.Supplier == supplier)
        {
            await RecheckDeliveredAsync(delivered, cancellationToken);
            return;
        }

        await requests.RequestAsync(partnerId, orderId, cancellationToken);
        logger.LogInformation("Order {OrderId}: {Supplier} called back; asking it now", orderId, supplier);
    }

    /// <summary>
    /// The supplier called back about an order already delivered: it is asked again, and if it no longer says the
    /// account was credited (DT One's rare manual <c>REVERSED</c>), ops are alerted: the buyer was credited and the credit
    /// taken back, which only people can settle with the supplier and the partner. The order stays delivered.
    /// </summary>
    private async Task RecheckDeliveredAsync(Order order, CancellationToken cancellationToken)
    {
        var outcome = await suppliers.Get(order.Supplier!).QueryAsync(order.ClientReference!, cancellationToken);
        if (outcome.Verdict is not (SupplierVerdict.Failed or SupplierVerdict.Rejected or SupplierVerdict.NotFound))
        {
            return; // still credited, or nothing certain to say
        }

        var reason = $"{order.Supplier} now says {outcome.Verdict} ({outcome.Reason}) for {order.ClientReference}, delivered at {order.DeliveredAt:u}";
        logger.LogError("Order {OrderId} was delivered but its credit was taken back: {Reason}", order.OrderId, reason);
        await alerts.RaiseAsync("supplier-reversed", order.PartnerId, order.OrderId, reason, cancellationToken);
    }

    private static string? NextSupplier(Sku sku, string current)
    {
        var index = sku.Suppliers.ToList().IndexOf(current);
        return index >= 0 && index + 1 < sku.Suppliers.Count ? sku.Suppliers[index + 1] : null;
    }
}
