namespace Fulfilment.Contract;

/// <summary>
/// An order opened before payment (<c>POST /api/partners/{partnerId}/orders</c>): the partner's order id (opening it again
/// with the same request answers the same order), the SKU and quantity, the buyer's reference, and the account to credit
/// for top-ups and redemptions; optionally, for the shop's risk rules, the buyer's e-mail, phone (kept only as keyed
/// hashes) and IP, and the partner's risk score 0-100. Read strictly: no unknown field, no field twice, every field of its type.
/// </summary>
public sealed record OpenOrderRequest(
    string OrderId, string Sku, int Quantity, string BuyerReference, string? TargetAccount = null,
    string? BuyerEmail = null, string? BuyerPhone = null, string? BuyerIp = null, int? RiskScore = null);
