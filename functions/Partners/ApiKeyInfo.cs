namespace Fulfilment.Partners;

/// <summary>An API key as ops see it: its id, never the key.</summary>
internal sealed record ApiKeyInfo(string KeyId, DateTimeOffset? CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RetiresAt);
