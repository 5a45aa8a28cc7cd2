namespace Fulfilment.Orders;

/// <summary>
/// What a partner may tell us of the buyer for its risk rules, as the order keeps it: keyed hashes of the e-mail and
/// phone (the plain values are hashed on arrival and never stored), the IP address, and the partner's risk score 0-100.
/// </summary>
internal sealed record BuyerSignals(string? EmailHash, string? PhoneHash, string? Ip, int? RiskScore)
{
    public static readonly BuyerSignals None = new(null, null, null, null);
}
