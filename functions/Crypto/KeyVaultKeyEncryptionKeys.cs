using System.Collections.Concurrent;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Options;

namespace Fulfilment.Crypto;

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
