namespace Fulfilment.Orders;

/// <summary>One thing that happened to an order: a state change, a supplier call, or a notification attempt.</summary>
internal sealed record OrderTraceEvent(
    DateTimeOffset At,
    string Kind,
    string Summary,
    string? State = null,
    string? Reason = null,
    string? Supplier = null,
    string? ClientReference = null,
    string? Outcome = null,
    long? LatencyMilliseconds = null,
    int? Attempt = null,
    string? Status = null);

/// <summary>What ops see of an order: everything but key material (key ids only) and the buyer's full account.</summary>
internal sealed record OpsOrderView(
    string PartnerId, string OrderId, string Sku, string SkuKind, int Quantity, decimal Amount, string Currency, string BuyerReference,
    string? TargetAccount, string State, string? StateReason, IReadOnlyList<string> KeyIds, DateTimeOffset PaidAt,
    DateTimeOffset? DeliveredAt, DateTimeOffset? FinalAt, string? Supplier, string? ClientReference, string? SupplierReference,
    string? NotificationStatus, int NotificationAttempts, string? NotificationError);

/// <summary>An order's story in time order: every state change, supplier call and notification attempt.</summary>
internal sealed class OrderTrace(OrderBook orders)
{
    public const string StateKind = "state";
    public const string SupplierCallKind = "supplier-call";
    public const string NotificationKind = "notification";

    public async Task<(OpsOrderView Order, IReadOnlyList<OrderTraceEvent> Events)?> GetAsync(string partnerId, string orderId, CancellationToken cancellationToken)
    {
        if (await orders.GetAsync(partnerId, orderId, cancellationToken) is not { } order)
        {
            return null;
        }

        var notifications = await orders.GetNotificationAttemptsAsync(partnerId, orderId, cancellationToken);
        var events = order.StateChanges
            .Select(c => new OrderTraceEvent(c.At, StateKind, c.Reason is null ? c.State : $"{c.State}: {c.Reason}", State: c.State, Reason: c.Reason))
            .Concat(order.History.Select(a => new OrderTraceEvent(
                a.At, SupplierCallKind, $"{a.Action} at {a.Supplier}: {a.Outcome}" + (a.Detail is null ? "" : $" ({a.Detail})"),
                Supplier: a.Supplier, ClientReference: a.ClientReference, Outcome: a.Outcome, LatencyMilliseconds: a.LatencyMilliseconds, Reason: a.Detail)))
            .Concat(notifications.Select(n => new OrderTraceEvent(
                n.At, NotificationKind, $"partner told '{n.State}' (attempt {n.Attempt}): {n.Status}" + (n.Error is null ? "" : $" ({n.Error})"),
                State: n.State, Attempt: n.Attempt, Status: n.Status, Reason: n.Error)))
            .OrderBy(e => e.At)
            .ToList();
        return (View(order), events);
    }

    private static OpsOrderView View(Order o) => new(
        o.PartnerId, o.OrderId, o.Sku, o.SkuKind, o.Quantity, o.Amount, o.Currency, o.BuyerReference, MaskAccount(o.TargetAccount),
        o.State, o.StateReason, o.Keys.Select(k => k.KeyId).ToList(), o.PaidAt, o.DeliveredAt, o.FinalAt, o.Supplier, o.ClientReference,
        o.SupplierReference, o.NotificationStatus, o.NotificationAttempts, o.NotificationError);

    /// <summary>Enough of an account to recognise it, not to reuse it.</summary>
    public static string? MaskAccount(string? account) =>
        account is null ? null : account.Length > 4 ? new string('*', account.Length - 4) + account[^4..] : "****";
}

/// <summary>Trace events leave out the fields that do not apply to their kind.</summary>
internal static class OrderTraceJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
