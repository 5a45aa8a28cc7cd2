namespace Fulfilment.Contract;

/// <summary>
/// A paid order as the partner's shop reports it. <see cref="TargetAccount"/> is the account to credit, for top-ups and
/// redemptions, and optionally, for the shop's risk rules, the buyer's e-mail, phone and IP and a risk score 0-100. The amount may also be sent as a decimal string ("30.00"); the app checks it is price × quantity.
/// </summary>
public sealed record PaymentData(
    string OrderId, string Sku, int Quantity, decimal Amount, string Currency, string BuyerReference, string? TargetAccount = null,
    string? BuyerEmail = null, string? BuyerPhone = null, string? BuyerIp = null, int? RiskScore = null);
