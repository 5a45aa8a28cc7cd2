using Fulfilment.Catalogue;
using Fulfilment.Inventory;
using Fulfilment.Orders;

namespace Fulfilment.Delivery;

/// <summary>
/// A refund or dispute reaches its order. Recorded once per reversal (its provider id), then by what the order is:
/// <list type="bullet">
/// <item>not delivered yet, refunded in full or disputed: <c>cancelled</c>. Card keys reserved for it go back to stock
/// (under the order's lease, which also stops any attempt that read it earlier from binding them); a top-up or
/// redemption never submitted is never submitted. One already in flight is reconciled first (its supplier call is not
/// abandoned), never submitted again, and ops are alerted;</item>
/// <item>delivered: <c>refunded</c> or <c>disputed</c>, its card keys flagged compromised (never back to stock; listed
/// per SKU for ops to void upstream) — for a partial refund, as many keys as the refund covers; a top-up or redemption
/// already credited is flagged for ops to recover;</item>
/// <item>failed (nothing delivered): <c>cancelled</c>.</item>
/// </list>
/// Every final change goes to the redemption log and the partner (<c>order.refunded</c>, <c>order.disputed</c>) and shows in the trace.
/// </summary>
internal sealed class PaymentReversals(
    OrderBook orders,
    PaymentReferences references,
    SkuCatalogue catalogue,
    CardKeyInventory inventory,
    CompromisedKeys compromised,
    AwaitingStockList awaiting,
    OrderOutcomes outcomes,
    TimeProvider clock,
    ILogger<PaymentReversals> logger)
{
    public async Task<PaymentAcceptanceResult> ReverseAsync(string partnerId, PaymentReversal reversal, CancellationToken cancellationToken)
    {
        var orderId = reversal.Reference is { } reference ? await references.FindOrderAsync(partnerId, reference, cancellationToken) : null;
        if (orderId is null && reversal.PaymentId is { } paymentId)
        {
            orderId = await references.FindOrderByPaymentAsync(partnerId, reversal.Provider, paymentId, cancellationToken);
        }

        var order = orderId is null ? null : await orders.GetAsync(partnerId, orderId, cancellationToken);
        if (order is null)
        {
            logger.LogWarning("Partner {PartnerId}: {Provider} {Kind} {ReversalId} names a payment that is none of its orders", partnerId, reversal.Provider, reversal.Kind, reversal.ReversalId);
            return PaymentAcceptanceResult.Refused("unknown_order", "No order of this partner was paid by that payment.");
        }

        while (true)
        {
            if (order.Reversals.Contains(reversal.ReversalId))
            {
                await outcomes.PublishAsync(order, cancellationToken); // an attempt may have died before publishing
                return PaymentAcceptanceResult.Accepted(order, duplicate: true);
            }

            var (changed, opsFlag) = Decide(order, reversal);
            var written = await orders.TryChangeAsync(changed, cancellationToken);
            if (written is null)
            {
                order = await orders.GetAsync(order.PartnerId, order.OrderId, cancellationToken) ?? order;
                continue;
            }

            logger.LogWarning("Order {OrderId} of partner {PartnerId}: {Provider} {Kind} {ReversalId} recorded, order is {State}: {Reason}",
                written.OrderId, written.PartnerId, reversal.Provider, reversal.Kind, reversal.ReversalId, written.State, written.StateReason);
            written = await FollowUpAsync(order, written, cancellationToken);
            await outcomes.PublishAsync(written, cancellationToken);
            return PaymentAcceptanceResult.Accepted(written, duplicate: false) with { OpsFlag = opsFlag is null ? null : (written.OrderId, opsFlag) };
        }
    }

    /// <summary>The order with the reversal recorded, and what ops must do about it (null: nothing).</summary>
    private (Order Changed, string? OpsFlag) Decide(Order order, PaymentReversal reversal)
    {
        var refunded = Math.Min(order.Amount, reversal.Cumulative ? Math.Max(order.RefundedAmount, reversal.Amount) : order.RefundedAmount + reversal.Amount);
        var kind = reversal.Kind == ReversalKind.Dispute ? ReversalKind.Dispute : order.ReversalKind ?? ReversalKind.Refund;
        var what = $"{reversal.Provider} {reversal.Kind} {reversal.ReversalId}: {refunded} of {order.Amount} {order.Currency} back to the buyer";
        var recorded = order with
        {
            RefundedAmount = refunded,
            ReversalKind = kind,
            Reversals = [.. order.Reversals, reversal.ReversalId],
            StateReason = what,
        };
        var full = recorded.IsFullyReversed;
        var now = clock.GetUtcNow();
        var final = recorded.WithNewOutcome(now);
        var inFlight = order.State is OrderState.Submitting or OrderState.Reconciling or OrderState.RetryScheduled
            || (order.State == OrderState.Paid && order.ClientReference is not null);
        return order.State switch
        {
            _ when order.IsAwaitingPayment => (recorded, $"{what}, but its payment was never taken here"),
            _ when reversal.Currency != order.Currency => (order with { Reversals = recorded.Reversals, StateReason = what },
                $"{what}: the currency is not the order's, so nothing was changed"),
            OrderState.Delivered when order.SkuKind == SkuKind.CardKey => (final with { State = kind == ReversalKind.Dispute ? OrderState.Disputed : OrderState.Refunded }, null),
            OrderState.Delivered => (final with { State = kind == ReversalKind.Dispute ? OrderState.Disputed : OrderState.Refunded },
                $"{what}; the {order.SkuKind} was already credited at {order.Supplier}: recover it there if you can"),
            OrderState.Failed => (final with { State = OrderState.Cancelled }, null),
            OrderState.Refunded when kind == ReversalKind.Dispute => (final with { State = OrderState.Disputed }, null), // a new final state: its own log entry and callback
            OrderState.Cancelled or OrderState.Refunded or OrderState.Disputed => (recorded, null),
            OrderState.NeedsAttention => (recorded, $"{what} while its outcome at the supplier is unknown: reconcile it, and recover the credit if it went through"),
            _ when inFlight => (recorded, $"{what} while its supplier call is in flight: it is reconciled first and never submitted again; recover the credit if it went through"),
            _ when !full => (recorded, $"{what}: a partial refund before delivery; the order is still fulfilled in full"),
            _ => (final with { State = OrderState.Cancelled, LeaseUntil = order.SkuKind == SkuKind.CardKey ? now + Order.LeaseDuration : null }, null),
        };
    }

    /// <summary>Keys: a cancelled card-key order's reservations go back to stock; a refunded or disputed one's keys are flagged compromised.</summary>
    private async Task<Order> FollowUpAsync(Order before, Order after, CancellationToken cancellationToken)
    {
        if (after.SkuKind != SkuKind.CardKey || await catalogue.FindAsync(after.Sku, cancellationToken) is not { } sku)
        {
            return after;
        }

        if (after.State == OrderState.Cancelled && before.State != OrderState.Cancelled)
        {
            // Under the lease just written: no attempt that read the order before can bind a key to it any more.
            if (before.ClaimStartedAt is not null)
            {
                await inventory.ReleaseAsync(sku, after.Reference, await inventory.FindReservationsAsync(sku, after.Reference, cancellationToken), cancellationToken);
            }

            await awaiting.RemoveIfPresentAsync(after, cancellationToken);
            return await orders.TryChangeAsync(after with { LeaseUntil = null }, cancellationToken) ?? after;
        }

        var flagged = after.State is OrderState.Refunded or OrderState.Disputed ? after.RefundedQuantity : 0;
        if (flagged > 0 && after.Keys.Count > 0)
        {
            await compromised.FlagAsync(sku.Id, after.Keys.TakeLast(flagged), after.PartnerId, after.OrderId,
                $"sold, then {(after.State == OrderState.Disputed ? "disputed" : "refunded")}", cancellationToken);
        }

        return after;
    }
}
