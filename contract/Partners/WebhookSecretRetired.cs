namespace Fulfilment.Contract;

/// <summary>When the retired webhook secret stops verifying webhooks and signing callbacks.</summary>
public sealed record WebhookSecretRetired(string PartnerId, string SecretId, DateTimeOffset RetiresAt);
