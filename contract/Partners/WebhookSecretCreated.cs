namespace Fulfilment.Contract;

/// <summary>One more webhook secret for a partner, the callback secret derived from it, and the id that names it.</summary>
public sealed record WebhookSecretCreated(string PartnerId, string WebhookSecret, string CallbackSecret, string SecretId);
