namespace Fulfilment.Crypto;

/// <summary>A key-encryption key (KEK): a 256-bit secret and the version that names it in every wrapped DEK.</summary>
internal sealed record KeyEncryptionKey(string Version, byte[] Key);
