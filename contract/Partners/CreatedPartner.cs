namespace Fulfilment.Contract;

/// <summary>A new partner's first credentials, shown this once: only the API key's hash is stored.</summary>
public sealed record CreatedPartner(string PartnerId, string Name, string WebhookSecret, string CallbackSecret, string ApiKey, string KeyId);
