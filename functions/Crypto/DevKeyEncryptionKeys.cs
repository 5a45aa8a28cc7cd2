using Microsoft.Extensions.Options;

namespace Fulfilment.Crypto;

/// <summary>A fixed KEK from settings, standing in for Key Vault on a developer's machine.</summary>
internal sealed class DevKeyEncryptionKeys : IKeyEncryptionKeys
{
    public const string Version = "dev";
    private readonly KeyEncryptionKey key;

    public DevKeyEncryptionKeys(IOptions<DevKekOptions> options)
    {
        var bytes = string.IsNullOrWhiteSpace(options.Value.Key) ? [] : Convert.FromBase64String(options.Value.Key);
        if (bytes.Length != Aead.KeySize)
        {
            throw new InvalidOperationException("DevKek:Key must be base64 of exactly 32 bytes when KeyVault:Uri is not set.");
        }

        key = new KeyEncryptionKey(Version, bytes);
    }

    public Task<KeyEncryptionKey> GetCurrentAsync(CancellationToken cancellationToken) => Task.FromResult(key);

    public Task<KeyEncryptionKey> RefreshCurrentAsync(CancellationToken cancellationToken) => Task.FromResult(key);

    public Task<KeyEncryptionKey> GetVersionAsync(string version, CancellationToken cancellationToken) =>
        version == Version
            ? Task.FromResult(key)
            : throw new SealedValueException($"KEK version '{version}' is not available from the development KEK");
}
