namespace Fulfilment.Inventory;

/// <summary>A sold key flagged compromised: the order it was sold to, why, and when.</summary>
internal sealed record CompromisedKey(string KeyId, string PartnerId, string OrderId, string Reason, DateTimeOffset FlaggedAt);
