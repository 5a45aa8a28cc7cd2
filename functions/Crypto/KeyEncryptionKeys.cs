using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;

namespace Fulfilment.Crypto;

/// <summary>A key-encryption key (KEK): a 256-bit secret and the version that names it in every wrapped DEK.</summary>
internal sealed record KeyEncryptionKey(string Version, byte[] Key);

/// <summary>Where KEKs come from: Key Vault in Azure, a development key from settings locally.</summary>
internal interface IKeyEncryptionKeys
{
    /// <summary>The KEK new wraps use; may be cached for a few minutes.</summary>
    Task<KeyEncryptionKey> GetCurrentAsync(CancellationToken cancellationToken);

    /// <summary>The current KEK as the source has it now, bypassing (and refreshing) the cache.</summary>
    Task<KeyEncryptionKey> RefreshCurrentAsync(CancellationToken cancellationToken);

    Task<KeyEncryptionKey> GetVersionAsync(string version, CancellationToken cancellationToken);
}

internal sealed class KeyVaultOptions
{
    /// <summary>Vault URI; when empty the development KEK is used (refused in Production).</summary>
    public string? Uri { get; set; }

    [Required]
    public string KekSecretName { get; set; } = "card-key-kek";
}

internal sealed class DevKekOptions
{
    /// <summary>Base64 of 32 bytes. For local use only.</summary>
    public string? Key { get; set; }
}

/// <summary>KEKs held as Key Vault secrets (secret versions are key versions), cached in memory.</summary>
internal sealed class KeyVaultKeyEncryptionKeys(SecretClient secrets, IOptions<KeyVaultOptions> options, TimeProvider clock)
    : IKeyEncryptionKeys
{
    private readonly ConcurrentDictionary<string, Task<KeyEncryptionKey>> versions = new();
    private CurrentKek? current; // replaced whole, so concurrent readers never see half an update

    /// <summary>How long an instance keeps wrapping under a version after a newer one became current.</summary>
    public static readonly TimeSpan CurrentVersionLifetime = TimeSpan.FromMinutes(5);

    public async Task<KeyEncryptionKey> GetCurrentAsync(CancellationToken cancellationToken) =>
        current is { } cached && clock.GetUtcNow() - cached.FetchedAt < CurrentVersionLifetime
            ? cached.Key
            : await RefreshCurrentAsync(cancellationToken);

    public async Task<KeyEncryptionKey> RefreshCurrentAsync(CancellationToken cancellationToken)
    {
        var secret = (await secrets.GetSecretAsync(options.Value.KekSecretName, cancellationToken: cancellationToken)).Value;
        var key = ToKek(secret);
        current = new CurrentKek(key, clock.GetUtcNow());
        versions.TryAdd(key.Version, Task.FromResult(key));
        return key;
    }

    public Task<KeyEncryptionKey> GetVersionAsync(string version, CancellationToken cancellationToken) =>
        versions.GetOrAddSucceeding(version, async v =>
        {
            var secret = (await secrets.GetSecretAsync(options.Value.KekSecretName, v, CancellationToken.None)).Value;
            return ToKek(secret);
        }, cancellationToken);

    private sealed record CurrentKek(KeyEncryptionKey Key, DateTimeOffset FetchedAt);

    private static KeyEncryptionKey ToKek(KeyVaultSecret secret)
    {
        var bytes = Convert.FromBase64String(secret.Value);
        if (bytes.Length != Aead.KeySize)
        {
            throw new InvalidOperationException($"Key Vault secret {secret.Name} version {secret.Properties.Version} is not 32 bytes of base64.");
        }

        return new KeyEncryptionKey(secret.Properties.Version, bytes);
    }
}

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
