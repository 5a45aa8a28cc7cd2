namespace Fulfilment.Contract;

/// <summary>A sold key the buyer keeps although the payment came back: its id (never the key), the order it was sold to, why, and when it was flagged.</summary>
public sealed record CompromisedKey(string KeyId, string PartnerId, string OrderId, string Reason, DateTimeOffset FlaggedAt);
