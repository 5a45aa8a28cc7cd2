namespace Fulfilment.Contract;

/// <summary>
/// A payment-provider credential as ops see it: its id, provider, dates, and the identifiers that are not secret
/// (merchant id, key serial, app id, seller id). Never a secret or key.
/// </summary>
public sealed record PaymentCredentialSummary(
    string CredentialId, string Provider, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RetiresAt, bool Active,
    string? MerchantId, string? PublicKeySerial, string? AppId, string? SellerId);
