namespace Fulfilment.Contract;

/// <summary>
/// What happened to an order in the end, as its partner reads it in its redemption log: <see cref="Event"/> is
/// <c>key-delivered</c>, <c>top-up-credited</c>, <c>redemption-done</c>, <c>order-failed</c> or <c>needs-attention</c>.
/// No key material; a stable reason code, never our internals.
/// </summary>
public sealed record RedemptionLogEntry(
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
