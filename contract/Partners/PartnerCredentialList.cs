namespace Fulfilment.Contract;

/// <summary>A partner's webhook secrets and API keys: ids and dates, never the secrets.</summary>
public sealed record PartnerCredentialList(string PartnerId, IReadOnlyList<WebhookSecretSummary> WebhookSecrets, IReadOnlyList<ApiKeySummary> ApiKeys);
