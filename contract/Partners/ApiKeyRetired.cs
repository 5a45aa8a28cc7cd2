namespace Fulfilment.Contract;

/// <summary>When the retired API key stops authenticating.</summary>
public sealed record ApiKeyRetired(string PartnerId, string KeyId, DateTimeOffset RetiresAt);
