using Fulfilment.Contract;
using Fulfilment.Orders;

namespace Fulfilment.Ops;

/// <summary>An order as ops see it and its story in time order: every state change, supplier call and notification attempt.</summary>
internal sealed class OrderTraceQuery(OrderBook orders)
{
    public async Task<OrderTrace?> GetAsync(string partnerId, string orderId, CancellationToken cancellationToken)
    {
        if (await orders.GetAsync(partnerId, orderId, cancellationToken) is not { } order)
        {
            return null;
        }

        var notifications = await orders.GetNotificationAttemptsAsync(partnerId, orderId, cancellationToken);
        var events = order.StateChanges
            .Select(c => new OrderTraceEvent(c.At, OrderTraceEvent.StateKind, c.Reason is null ? c.State : $"{c.State}: {c.Reason}", State: c.State, Reason: c.Reason))
            .Concat(order.History.Select(a => new OrderTraceEvent(
                a.At, OrderTraceEvent.SupplierCallKind, $"{a.Action} at {a.Supplier}: {a.Outcome}" + (a.Detail is null ? "" : $" ({a.Detail})"),
                Supplier: a.Supplier, ClientReference: a.ClientReference, Outcome: a.Outcome, LatencyMilliseconds: a.LatencyMilliseconds, Reason: a.Detail)))
            .Concat(notifications.Select(n => new OrderTraceEvent(
                n.At, OrderTraceEvent.NotificationKind, $"partner told '{n.State}' (attempt {n.Attempt}): {n.Status}" + (n.Error is null ? "" : $" ({n.Error})"),
                State: n.State, Attempt: n.Attempt, Status: n.Status, Reason: n.Error)))
            .OrderBy(e => e.At)
            .ToList();
        return new OrderTrace(OpsView(order), events);
    }

    /// <summary>Everything but key material (key ids only) and the buyer's full account.</summary>
    public static OpsOrder OpsView(Order o) => new(
        o.PartnerId, o.OrderId, o.Sku, o.SkuKind, o.Quantity, o.Amount, o.Currency, o.BuyerReference, AccountMask.Of(o.TargetAccount),
        o.State, o.StateReason, o.Keys.Select(k => k.KeyId).ToList(), o.PaidAt, o.DeliveredAt, o.FinalAt, o.Supplier, o.ClientReference,
        o.SupplierReference, o.NotificationStatus, o.NotificationAttempts, o.NotificationError,
        o.OpenedAt, o.ExpiresAt, o.PaymentReference, o.PaymentProvider, o.PaymentId, o.RiskRule, o.RiskDetail);
}
