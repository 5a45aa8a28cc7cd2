namespace Fulfilment.Contract;

/// <summary>
/// An order as its partner reads it (<c>GET /api/partners/{partnerId}/orders/{orderId}</c>): its state, a stable reason
/// code when it failed, and once delivered its card keys. Never our internals: suppliers, references, errors. An order
/// opened before payment has no <see cref="PaidAt"/> yet: it shows the <see cref="PaymentReference"/> to hand the payment
/// provider and until when it waits for payment (<see cref="ExpiresAt"/>).
/// </summary>
public sealed record PartnerOrder(
    string OrderId, string Sku, int Quantity, decimal Amount, string Currency, string BuyerReference,
    string State, string? ReasonCode, string? Reason, DateTimeOffset? PaidAt, DateTimeOffset? DeliveredAt, IReadOnlyList<DeliveredKey> Keys,
    string? PaymentReference, DateTimeOffset? ExpiresAt);
