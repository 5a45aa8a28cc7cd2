namespace Fulfilment.Contract;

/// <summary>An API key by its id: when it was made and last authenticated a request, and when it retires (null: never).</summary>
public sealed record ApiKeySummary(string KeyId, DateTimeOffset? CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RetiresAt, bool Active);
