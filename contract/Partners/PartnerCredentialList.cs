namespace Fulfilment.Contract;

/// <summary>A partner's webhook secrets, API keys and payment-provider credentials: ids and dates, never the secrets.</summary>
public sealed record PartnerCredentialList(string PartnerId, IReadOnlyList<WebhookSecretSummary> WebhookSecrets, IReadOnlyList<ApiKeySummary> ApiKeys,
    IReadOnlyList<PaymentCredentialSummary> PaymentCredentials);
