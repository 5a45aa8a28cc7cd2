using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Crypto;
using Fulfilment.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace Fulfilment.Partners;

/// <summary>
/// Partners in Table Storage. Webhook secrets are stored sealed under the KEK; API keys only as hashes.
/// Lookups are cached briefly per instance (a new secret or key takes effect within <see cref="CacheLifetime"/>).
/// </summary>
internal sealed class PartnerDirectory(TableServiceClient tables, IKeyEncryptionKeys keks, IMemoryCache cache) : IKekWrappedRows
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private const string PartnerRow = "partner";

    private readonly TableClient partners = tables.GetTableClient(TableNames.Partners);
    private readonly TableClient apiKeys = tables.GetTableClient(TableNames.PartnerApiKeys);

    /// <summary>Creates a partner with one webhook secret and one API key; returns them (the only time the key is shown).</summary>
    public async Task<(Partner Partner, string ApiKey)?> CreateAsync(string id, string name, Uri? callbackUrl, CancellationToken cancellationToken)
    {
        var partner = new Partner(id, name, [PartnerCredentials.NewWebhookSecret()]) { CallbackUrl = callbackUrl };
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
        var secret = PartnerCredentials.NewWebhookSecret();
        var updated = await ToEntityAsync(partner with { WebhookSecrets = [.. partner.WebhookSecrets, secret] }, cancellationToken);
        await partners.UpdateEntityAsync(updated, entity.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
        cache.Remove(("partner", id));
        return secret;
    }

    public async Task<string> AddApiKeyAsync(string partnerId, CancellationToken cancellationToken)
    {
        var apiKey = PartnerCredentials.NewApiKey();
        await apiKeys.AddEntityAsync(
            new TableEntity(PartnerCredentials.HashApiKey(apiKey), "")
            {
                ["PartnerId"] = partnerId,
                ["CreatedAt"] = DateTimeOffset.UtcNow,
            },
            cancellationToken);
        return apiKey;
    }

    /// <summary>
    /// Revokes one of the partner's API keys by its key id: at once on this instance, within
    /// <see cref="CacheLifetime"/> on the others. False if the partner has no such key.
    /// </summary>
    public async Task<bool> RevokeApiKeyAsync(string partnerId, string keyId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {keyId} and PartitionKey lt {keyId + "~"} and PartnerId eq {partnerId}");
        var revoked = false;
        await foreach (var key in apiKeys.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            await apiKeys.DeleteEntityAsync(key.PartitionKey, key.RowKey, cancellationToken: cancellationToken);
            cache.Remove(("api-key", key.PartitionKey));
            revoked = true;
        }

        return revoked;
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
        return entity.HasValue ? cache.Set(("api-key", hash), entity.Value!.GetString("PartnerId"), CacheLifetime) : null;
    }

    private async Task<TableEntity> ToEntityAsync(Partner partner, CancellationToken cancellationToken)
    {
        var kek = await keks.GetCurrentAsync(cancellationToken);
        var secrets = JsonSerializer.SerializeToUtf8Bytes(partner.WebhookSecrets);
        return new TableEntity(partner.Id, PartnerRow)
        {
            ["Name"] = partner.Name,
            ["CallbackUrl"] = partner.CallbackUrl?.ToString(),
            ["SealedWebhookSecrets"] = Aead.Seal(kek.Key, secrets, AssociatedData(partner.Id)),
            ["KekVersion"] = kek.Version,
        };
    }

    private async Task<Partner> FromEntityAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var kek = await keks.GetVersionAsync(entity.GetString("KekVersion"), cancellationToken);
        var secrets = Aead.Open(kek.Key, entity.GetBinary("SealedWebhookSecrets"), AssociatedData(entity.PartitionKey));
        return new Partner(entity.PartitionKey, entity.GetString("Name"), JsonSerializer.Deserialize<string[]>(Encoding.UTF8.GetString(secrets))!)
        {
            CallbackUrl = entity.GetString("CallbackUrl") is { Length: > 0 } url ? new Uri(url) : null,
        };
    }

    public string TableName => TableNames.Partners;

    public async Task<bool> RewrapAsync(TableEntity row, KeyEncryptionKey current, CancellationToken cancellationToken)
    {
        var kek = await keks.GetVersionAsync(row.GetString("KekVersion"), cancellationToken);
        var secrets = Aead.Open(kek.Key, row.GetBinary("SealedWebhookSecrets"), AssociatedData(row.PartitionKey));
        return await KekWrappedRows.ReplaceIfUnchangedAsync(partners, row, new TableEntity(row.PartitionKey, row.RowKey)
        {
            ["SealedWebhookSecrets"] = Aead.Seal(current.Key, secrets, AssociatedData(row.PartitionKey)),
            ["KekVersion"] = current.Version,
        }, cancellationToken);
    }

    private static string AssociatedData(string partnerId) => $"webhook-secrets|v1|{partnerId}";
}
