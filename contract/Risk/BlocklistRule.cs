namespace Fulfilment.Contract;

/// <summary>
/// Who may not buy. Buyer references and IP ranges (CIDR, or one address) are kept as given. Target accounts, e-mails
/// and phones are kept only as keyed hashes: they are given in plain and answered as <c>hmac:…</c>, and a list sent back
/// with its <c>hmac:…</c> entries keeps them.
/// </summary>
public sealed record BlocklistRule(
    IReadOnlyList<string>? BuyerReferences = null,
    IReadOnlyList<string>? TargetAccounts = null,
    IReadOnlyList<string>? Emails = null,
    IReadOnlyList<string>? Phones = null,
    IReadOnlyList<string>? IpRanges = null);
