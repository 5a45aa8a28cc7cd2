namespace Fulfilment.Crypto;

/// <summary>Where KEKs come from: Key Vault in Azure, a development key from settings locally.</summary>
internal interface IKeyEncryptionKeys
{
    /// <summary>The KEK new wraps use; may be cached for a few minutes.</summary>
    Task<KeyEncryptionKey> GetCurrentAsync(CancellationToken cancellationToken);

    /// <summary>The current KEK as the source has it now, bypassing (and refreshing) the cache.</summary>
    Task<KeyEncryptionKey> RefreshCurrentAsync(CancellationToken cancellationToken);

    Task<KeyEncryptionKey> GetVersionAsync(string version, CancellationToken cancellationToken);
}
