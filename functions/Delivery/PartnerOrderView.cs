namespace Fulfilment.Delivery;

/// <summary>The order as its partner sees it: stable reason codes, never our internals (suppliers, references, errors).</summary>
internal sealed record PartnerOrderView(
    string OrderId, string Sku, int Quantity, decimal Amount, string Currency, string BuyerReference,
    string State, string? ReasonCode, string? Reason, DateTimeOffset PaidAt, DateTimeOffset? DeliveredAt, IReadOnlyList<DeliveredKey> Keys);
