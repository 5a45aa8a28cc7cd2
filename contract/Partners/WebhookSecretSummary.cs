namespace Fulfilment.Contract;

/// <summary>A webhook secret by its id: when it was made and last verified a webhook, and when it retires (null: never).</summary>
public sealed record WebhookSecretSummary(string SecretId, DateTimeOffset? CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RetiresAt, bool Active);
