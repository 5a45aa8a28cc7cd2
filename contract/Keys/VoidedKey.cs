namespace Fulfilment.Contract;

/// <summary>A key taken out of stock for good.</summary>
public sealed record VoidedKey(string Sku, string KeyId, string State, string Reason);
