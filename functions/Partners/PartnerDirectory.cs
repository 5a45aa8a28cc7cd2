using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Crypto;
using Fulfilment.Serialization;
using Fulfilment.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace Fulfilment.Partners;

/// <summary>
/// Partners in Table Storage. Webhook secrets and payment-provider credentials are stored sealed under the KEK; API keys only as hashes.
/// Lookups are cached briefly per instance (a new secret or key takes effect within <see cref="CacheLifetime"/>).
/// </summary>
internal sealed class PartnerDirectory(TableServiceClient tables, IKeyEncryptionKeys keks, IMemoryCache cache, TimeProvider clock) : IKekWrappedRows
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const string PartnerRow = "partner";

    private readonly TableClient partners = tables.GetTableClient(TableNames.Partners);
    private readonly TableClient apiKeys = tables.GetTableClient(TableNames.PartnerApiKeys);

    /// <summary>Creates a partner with one webhook secret and one API key; returns them (the only time the key is shown).</summary>
    public async Task<(Partner Partner, string ApiKey)?> CreateAsync(string id, string name, Uri? callbackUrl, CancellationToken cancellationToken)
    {
        var partner = new Partner(id, name, [WebhookSecret.New(clock.GetUtcNow())]) { CallbackUrl = callbackUrl };
        try
        {
            await partners.AddEntityAsync(await ToEntityAsync(partner, cancellationToken), cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }

        var apiKey = await AddApiKeyAsync(id, cancellationToken);
        return (partner, apiKey);
    }

    /// <summary>Whether this instance knows the partner already (a recent lookup found it): no storage call.</summary>
    public bool IsKnown(string id) => cache.TryGetValue(("partner", id), out Partner? _);

    /// <summary>The partner as stored now, not as cached.</summary>
    public Task<Partner?> FindFreshAsync(string id, CancellationToken cancellationToken)
    {
        cache.Remove(("partner", id));
        return FindAsync(id, cancellationToken);
    }

    /// <summary>The partner, or null. Only partners found are cached: unknown ids grow nothing.</summary>
    public async Task<Partner?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(("partner", id), out Partner? known))
        {
            return known;
        }

        var entity = await partners.GetEntityIfExistsAsync<TableEntity>(id, PartnerRow, cancellationToken: cancellationToken);
        return entity.HasValue ? cache.Set(("partner", id), await FromEntityAsync(entity.Value!, cancellationToken), CacheLifetime) : null;
    }

    /// <summary>Adds an active webhook secret (rotation: the old ones stay valid until removed).</summary>
    public async Task<string?> AddWebhookSecretAsync(string id, CancellationToken cancellationToken)
    {
        var entity = await partners.GetEntityIfExistsAsync<TableEntity>(id, PartnerRow, cancellationToken: cancellationToken);
        if (!entity.HasValue)
        {
            return null;
        }

        var partner = await FromEntityAsync(entity.Value!, cancellationToken);
        var secret = WebhookSecret.New(clock.GetUtcNow());
        var updated = await ToEntityAsync(partner with { Secrets = [.. partner.Secrets, secret] }, cancellationToken);
        await partners.UpdateEntityAsync(updated, entity.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
        cache.Remove(("partner", id));
        return secret.Value;
    }

    /// <summary>What retiring a credential did.</summary>
    internal enum RetireOutcome
    {
        Retired,
        NotFound,
        LastActive,
    }

    /// <summary>
    /// Retires a webhook secret after <paramref name="overlap"/> (for the partner to switch to another): then it verifies
    /// and signs nothing. The partner's last active secret cannot be retired: add a new one first.
    /// </summary>
    public async Task<RetireOutcome> RetireWebhookSecretAsync(string id, string secretId, TimeSpan overlap, CancellationToken cancellationToken)
    {
        var entity = await partners.GetEntityIfExistsAsync<TableEntity>(id, PartnerRow, cancellationToken: cancellationToken);
        var partner = entity.HasValue ? await FromEntityAsync(entity.Value!, cancellationToken) : null;
        var now = clock.GetUtcNow();
        if (partner?.Secrets.FirstOrDefault(s => s.Id == secretId && s.IsActiveAt(now)) is not { } retiring)
        {
            return RetireOutcome.NotFound;
        }

        if (partner.ActiveSecrets(now).Count(s => s.RetiresAt is null) <= 1 && retiring.RetiresAt is null)
        {
            return RetireOutcome.LastActive;
        }

        var secrets = partner.Secrets.Select(s => s.Id == secretId ? s with { RetiresAt = now + overlap } : s).ToList();
        await partners.UpdateEntityAsync(await ToEntityAsync(partner with { Secrets = secrets }, cancellationToken), entity.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
        cache.Remove(("partner", id));
        return RetireOutcome.Retired;
    }

    /// <summary>
    /// Notes that a credential (a webhook secret or a payment-provider credential, by id) verified a notification, at
    /// most every few minutes (a lost race just skips it).
    /// </summary>
    public async Task NoteCredentialUsedAsync(Partner partner, string credentialId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var lastUsed = partner.Secrets.FirstOrDefault(s => s.Id == credentialId)?.LastUsedAt
            ?? partner.ProviderCredentials.FirstOrDefault(c => c.Id == credentialId)?.LastUsedAt;
        if (!partner.Secrets.Any(s => s.Id == credentialId) && !partner.ProviderCredentials.Any(c => c.Id == credentialId)
            || now - lastUsed < LastUsedGranularity || !TakeTurnToNote(credentialId, now))
        {
            return;
        }

        var entity = await partners.GetEntityIfExistsAsync<TableEntity>(partner.Id, PartnerRow, cancellationToken: cancellationToken);
        if (!entity.HasValue)
        {
            return;
        }

        var stored = await FromEntityAsync(entity.Value!, cancellationToken);
        stored = stored with { Secrets = [.. stored.Secrets.Select(s => s.Id == credentialId ? s with { LastUsedAt = now } : s)] };
        stored = stored with { ProviderCredentials = [.. stored.ProviderCredentials.Select(c => c.Id == credentialId ? c with { LastUsedAt = now } : c)] };
        try
        {
            await partners.UpdateEntityAsync(await ToEntityAsync(stored, cancellationToken), entity.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            cache.Remove(("partner", partner.Id));
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
        }
    }

    /// <summary>Adds an active credential for a payment provider (rotation: the others stay valid until retired); false if there is no such partner.</summary>
    public async Task<bool> AddProviderCredentialAsync(string id, ProviderCredential credential, CancellationToken cancellationToken)
    {
        var entity = await partners.GetEntityIfExistsAsync<TableEntity>(id, PartnerRow, cancellationToken: cancellationToken);
        if (!entity.HasValue)
        {
            return false;
        }

        var partner = await FromEntityAsync(entity.Value!, cancellationToken);
        var updated = partner with { ProviderCredentials = [.. partner.ProviderCredentials, credential] };
        await partners.UpdateEntityAsync(await ToEntityAsync(updated, cancellationToken), entity.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
        cache.Remove(("partner", id));
        return true;
    }

    /// <summary>
    /// Retires a payment-provider credential after <paramref name="overlap"/>: then it verifies nothing. Unlike the last
    /// webhook secret, the last credential for a provider may go: the partner then simply takes no notifications from it.
    /// </summary>
    public async Task<bool> RetireProviderCredentialAsync(string id, string credentialId, TimeSpan overlap, CancellationToken cancellationToken)
    {
        var entity = await partners.GetEntityIfExistsAsync<TableEntity>(id, PartnerRow, cancellationToken: cancellationToken);
        var partner = entity.HasValue ? await FromEntityAsync(entity.Value!, cancellationToken) : null;
        var now = clock.GetUtcNow();
        if (partner is null || !partner.ProviderCredentials.Any(c => c.Id == credentialId && c.IsActiveAt(now)))
        {
            return false;
        }

        var credentials = partner.ProviderCredentials.Select(c => c.Id == credentialId ? c with { RetiresAt = now + overlap } : c).ToList();
        await partners.UpdateEntityAsync(
            await ToEntityAsync(partner with { ProviderCredentials = credentials }, cancellationToken), entity.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
        cache.Remove(("partner", id));
        return true;
    }

    /// <summary>A credential's last use is written at most this often.</summary>
    public static readonly TimeSpan LastUsedGranularity = TimeSpan.FromMinutes(5);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> lastNoted = new();

    /// <summary>
    /// True for one caller per credential per <see cref="LastUsedGranularity"/> on this instance: a burst of notifications
    /// verified by a credential whose cached last use is stale writes it once, not once per notification. (One entry per credential.)
    /// </summary>
    private bool TakeTurnToNote(string secretId, DateTimeOffset now)
    {
        var previous = lastNoted.GetOrAdd(secretId, DateTimeOffset.MinValue);
        return now - previous >= LastUsedGranularity && lastNoted.TryUpdate(secretId, now, previous);
    }

    /// <summary>The partner's API keys as ops see them: key id, created, last used, when retired. Never the keys.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(string partnerId, CancellationToken cancellationToken)
    {
        var keys = new List<ApiKeyInfo>();
        await foreach (var key in apiKeys.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartnerId eq {partnerId}"), cancellationToken: cancellationToken))
        {
            keys.Add(new ApiKeyInfo(key.PartitionKey[..PartnerCredentials.ApiKeyIdLength], key.GetDateTimeOffset("CreatedAt"), key.GetDateTimeOffset("LastUsedAt"), key.GetDateTimeOffset("RetiresAt")));
        }

        return [.. keys.OrderBy(k => k.CreatedAt)];
    }

    /// <summary>Retires an API key after <paramref name="overlap"/>: from then on it authenticates nothing.</summary>
    public Task<bool> RetireApiKeyAsync(string partnerId, string keyId, TimeSpan overlap, CancellationToken cancellationToken) =>
        ChangeApiKeyAsync(partnerId, keyId, (key, ct) => apiKeys.UpdateEntityAsync(
            new TableEntity(key.PartitionKey, key.RowKey) { ["RetiresAt"] = clock.GetUtcNow() + overlap }, key.ETag, TableUpdateMode.Merge, ct), cancellationToken);

    public async Task<string> AddApiKeyAsync(string partnerId, CancellationToken cancellationToken)
    {
        var apiKey = PartnerCredentials.NewApiKey();
        await apiKeys.AddEntityAsync(
            new TableEntity(PartnerCredentials.HashApiKey(apiKey), "")
            {
                ["PartnerId"] = partnerId,
                ["CreatedAt"] = clock.GetUtcNow(),
            },
            cancellationToken);
        return apiKey;
    }

    /// <summary>
    /// Revokes one of the partner's API keys by its key id: at once on this instance, within
    /// <see cref="CacheLifetime"/> on the others. False if the partner has no such key.
    /// </summary>
    public Task<bool> RevokeApiKeyAsync(string partnerId, string keyId, CancellationToken cancellationToken) =>
        ChangeApiKeyAsync(partnerId, keyId, (key, ct) => apiKeys.DeleteEntityAsync(key.PartitionKey, key.RowKey, cancellationToken: ct), cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the partner's API key named by its key id and forgets it here; false if there is none.</summary>
    private async Task<bool> ChangeApiKeyAsync(
        string partnerId, string keyId, Func<TableEntity, CancellationToken, Task<Response>> change, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {keyId} and PartitionKey lt {keyId + "~"} and PartnerId eq {partnerId}");
        var changed = false;
        await foreach (var key in apiKeys.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            await change(key, cancellationToken);
            cache.Remove(("api-key", key.PartitionKey));
            changed = true;
        }

        return changed;
    }

    /// <summary>Whether this instance knows the key already (a recent lookup found it): no storage call.</summary>
    public bool IsKnownApiKey(string apiKey) => cache.TryGetValue(("api-key", PartnerCredentials.HashApiKey(apiKey)), out string? _);

    /// <summary>The partner an API key belongs to, or null for an unknown key. Only keys found are cached: bad tokens grow nothing.</summary>
    public async Task<string?> AuthenticateAsync(string apiKey, CancellationToken cancellationToken)
    {
        var hash = PartnerCredentials.HashApiKey(apiKey);
        if (cache.TryGetValue(("api-key", hash), out string? known))
        {
            return known;
        }

        var entity = await apiKeys.GetEntityIfExistsAsync<TableEntity>(hash, "", cancellationToken: cancellationToken);
        if (!entity.HasValue || entity.Value!.GetDateTimeOffset("RetiresAt") is { } retires && retires <= clock.GetUtcNow())
        {
            return null;
        }

        if (!(clock.GetUtcNow() - entity.Value.GetDateTimeOffset("LastUsedAt") < LastUsedGranularity))
        {
            await apiKeys.UpdateEntityAsync(new TableEntity(hash, "") { ["LastUsedAt"] = clock.GetUtcNow() }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }

        // Cached no longer than until it retires.
        var lifetime = entity.Value.GetDateTimeOffset("RetiresAt") is { } until && until - clock.GetUtcNow() < CacheLifetime ? until - clock.GetUtcNow() : CacheLifetime;
        return cache.Set(("api-key", hash), entity.Value.GetString("PartnerId"), lifetime);
    }

    private async Task<TableEntity> ToEntityAsync(Partner partner, CancellationToken cancellationToken)
    {
        var kek = await keks.GetCurrentAsync(cancellationToken);
        var secrets = JsonSerializer.SerializeToUtf8Bytes(partner.Secrets, AppJson.Options);
        return new TableEntity(partner.Id, PartnerRow)
        {
            ["Name"] = partner.Name,
            ["CallbackUrl"] = partner.CallbackUrl?.ToString(),
            ["SealedWebhookSecrets"] = Aead.Seal(kek.Key, secrets, AssociatedData(partner.Id)),
            ["SealedProviderCredentials"] = partner.ProviderCredentials.Count == 0 ? null
                : Aead.Seal(kek.Key, JsonSerializer.SerializeToUtf8Bytes(partner.ProviderCredentials, AppJson.Options), ProviderCredentialsData(partner.Id)),
            ["KekVersion"] = kek.Version,
        };
    }

    private async Task<Partner> FromEntityAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var kek = await keks.GetVersionAsync(entity.GetString("KekVersion"), cancellationToken);
        var secrets = Aead.Open(kek.Key, entity.GetBinary("SealedWebhookSecrets"), AssociatedData(entity.PartitionKey));
        var credentials = entity.GetBinary("SealedProviderCredentials") is { } sealedCredentials
            ? JsonSerializer.Deserialize<List<ProviderCredential>>(Aead.Open(kek.Key, sealedCredentials, ProviderCredentialsData(entity.PartitionKey)), AppJson.Options)!
            : [];
        return new Partner(entity.PartitionKey, entity.GetString("Name"), ReadSecrets(secrets))
        {
            CallbackUrl = entity.GetString("CallbackUrl") is { Length: > 0 } url ? new Uri(url) : null,
            ProviderCredentials = credentials,
        };
    }

    /// <summary>The sealed secrets: records, or (as first stored) plain strings, which become records with derived ids.</summary>
    private static List<WebhookSecret> ReadSecrets(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.String
                ? new WebhookSecret(PartnerCredentials.SecretIdOf(e.GetString()!), e.GetString()!, null)
                : e.Deserialize<WebhookSecret>(AppJson.Options)!)
            .ToList();
    }

    public string TableName => TableNames.Partners;

    public async Task<bool> RewrapAsync(TableEntity row, KeyEncryptionKey current, CancellationToken cancellationToken)
    {
        var kek = await keks.GetVersionAsync(row.GetString("KekVersion"), cancellationToken);
        var secrets = Aead.Open(kek.Key, row.GetBinary("SealedWebhookSecrets"), AssociatedData(row.PartitionKey));
        var rewrapped = new TableEntity(row.PartitionKey, row.RowKey)
        {
            ["SealedWebhookSecrets"] = Aead.Seal(current.Key, secrets, AssociatedData(row.PartitionKey)),
            ["KekVersion"] = current.Version,
        };
        if (row.GetBinary("SealedProviderCredentials") is { } sealedCredentials)
        {
            var credentials = Aead.Open(kek.Key, sealedCredentials, ProviderCredentialsData(row.PartitionKey));
            rewrapped["SealedProviderCredentials"] = Aead.Seal(current.Key, credentials, ProviderCredentialsData(row.PartitionKey));
        }

        return await KekWrappedRows.ReplaceIfUnchangedAsync(partners, row, rewrapped, cancellationToken);
    }

    private static string AssociatedData(string partnerId) => $"webhook-secrets|v1|{partnerId}";

    private static string ProviderCredentialsData(string partnerId) => $"provider-credentials|v1|{partnerId}";
}
