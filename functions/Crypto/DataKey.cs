namespace Fulfilment.Crypto;

/// <summary>A data-encryption key (DEK) in plaintext, in memory only.</summary>
internal sealed record DataKey(string Id, byte[] Key);
