namespace Fulfilment.Contract;

/// <summary>
/// An order as ops see it: everything but key material (key ids only) and the buyer's full account (masked to its last
/// four characters); the supplier, our client reference and theirs; how the partner's notification went; for an order
/// opened before payment, when it was opened, its payment reference and window; once paid, who took the payment and its id there; the risk rule that held or refused it, with its figures.
/// </summary>
public sealed record OpsOrder(
    string PartnerId, string OrderId, string Sku, string SkuKind, int Quantity, decimal Amount, string Currency, string BuyerReference,
    string? TargetAccount, string State, string? StateReason, IReadOnlyList<string> KeyIds, DateTimeOffset? PaidAt,
    DateTimeOffset? DeliveredAt, DateTimeOffset? FinalAt, string? Supplier, string? ClientReference, string? SupplierReference,
    string? NotificationStatus, int NotificationAttempts, string? NotificationError,
    DateTimeOffset? OpenedAt, DateTimeOffset? ExpiresAt, string? PaymentReference, string? PaymentProvider, string? PaymentId,
    string? RiskRule = null, string? RiskDetail = null);
