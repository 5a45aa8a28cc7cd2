namespace Fulfilment.RedemptionLog;

/// <summary>What happened to an order in the end, as its partner reads it in its redemption log: no key material, no internals (see <see cref="Orders.PartnerReason"/>).</summary>
internal sealed record RedemptionLogEntry(
    string EventId,
    string Event,
    DateTimeOffset At,
    string OrderId,
    string Sku,
    string Kind,
    string Status,
    int Quantity,
    decimal Amount,
    string Currency,
    string BuyerReference,
    string? ReasonCode,
    string? Reason);

internal static class RedemptionEvent
{
    public const string KeyDelivered = "key-delivered";
    public const string TopUpCredited = "top-up-credited";
    public const string RedemptionDone = "redemption-done";
    public const string OrderFailed = "order-failed";
    public const string NeedsAttention = "needs-attention";
}
