using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.Crypto;

/// <summary>
/// Envelope encryption: random 256-bit DEKs, stored wrapped (AES-256-GCM) by the current KEK together with the
/// KEK's version. One DEK per import batch. A SKU also has a fingerprint key, wrapped the same way, that turns a
/// card key into its key id (HMAC) so duplicates are found without decrypting anything.
/// Unwrapped keys are cached: many instances each hold what they used, nothing else relies on it.
/// </summary>
internal sealed class DataKeyRing(TableServiceClient tables, IKeyEncryptionKeys keks, TimeProvider clock) : IKekWrappedRows
{
    public const int MaxKeysPerDek = 1 << 20;
    private const string FingerprintKeyId = "fingerprint";

    private readonly TableClient table = tables.GetTableClient(TableNames.DataKeys);
    private readonly ConcurrentDictionary<(string Sku, string Id), Task<byte[]>> unwrapped = new();

    public async Task<DataKey> CreateAsync(string sku, CancellationToken cancellationToken)
    {
        var id = $"{clock.GetUtcNow():yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var key = RandomNumberGenerator.GetBytes(Aead.KeySize);
        await table.AddEntityAsync(await WrapAsync(sku, id, key, cancellationToken), cancellationToken);
        unwrapped[(sku, id)] = Task.FromResult(key);
        return new DataKey(id, key);
    }

    public Task<byte[]> GetAsync(string sku, string id, CancellationToken cancellationToken) =>
        unwrapped.GetOrAddSucceeding((Sku: sku, Id: id), k => UnwrapStoredAsync(k.Sku, k.Id, CancellationToken.None), cancellationToken);

    /// <summary>The SKU's fingerprint key, created on first use; concurrent first uses agree on one.</summary>
    public async Task<byte[]> GetFingerprintKeyAsync(string sku, CancellationToken cancellationToken)
    {
        if (unwrapped.TryGetValue((sku, FingerprintKeyId), out var cached) && cached.IsCompletedSuccessfully)
        {
            return await cached;
        }

        var existing = await table.GetEntityIfExistsAsync<TableEntity>(sku, FingerprintKeyId, cancellationToken: cancellationToken);
        if (!existing.HasValue)
        {
            try
            {
                var key = RandomNumberGenerator.GetBytes(Aead.KeySize);
                await table.AddEntityAsync(await WrapAsync(sku, FingerprintKeyId, key, cancellationToken), cancellationToken);
                unwrapped[(sku, FingerprintKeyId)] = Task.FromResult(key);
                return key;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Another importer created it first: use theirs.
            }
        }

        return await GetAsync(sku, FingerprintKeyId, cancellationToken);
    }

    public string TableName => TableNames.DataKeys;

    public async Task<bool> RewrapAsync(TableEntity row, KeyEncryptionKey current, CancellationToken cancellationToken)
    {
        var kek = await keks.GetVersionAsync(row.GetString("KekVersion"), cancellationToken);
        var ad = AssociatedData(row.PartitionKey, row.RowKey);
        var key = Aead.Open(kek.Key, row.GetBinary("WrappedKey"), ad);
        return await KekWrappedRows.ReplaceIfUnchangedAsync(table, row, new TableEntity(row.PartitionKey, row.RowKey)
        {
            ["WrappedKey"] = Aead.Seal(current.Key, key, ad),
            ["KekVersion"] = current.Version,
        }, cancellationToken);
    }

    private async Task<TableEntity> WrapAsync(string sku, string id, byte[] key, CancellationToken cancellationToken)
    {
        var kek = await keks.GetCurrentAsync(cancellationToken);
        return new TableEntity(sku, id)
        {
            ["WrappedKey"] = Aead.Seal(kek.Key, key, AssociatedData(sku, id)),
            ["KekVersion"] = kek.Version,
            ["CreatedAt"] = clock.GetUtcNow(),
        };
    }

    private async Task<byte[]> UnwrapStoredAsync(string sku, string id, CancellationToken cancellationToken)
    {
        var entity = (await table.GetEntityIfExistsAsync<TableEntity>(sku, id, cancellationToken: cancellationToken)).Value
            ?? throw new SealedValueException($"data key {id} of SKU {sku} does not exist");
        var version = entity.GetString("KekVersion");
        try
        {
            var kek = await keks.GetVersionAsync(version, cancellationToken);
            return Aead.Open(kek.Key, entity.GetBinary("WrappedKey"), AssociatedData(sku, id));
        }
        catch (SealedValueException e)
        {
            throw new SealedValueException($"data key {id} of SKU {sku} (wrapped under KEK version '{version}') does not open: {e.Message}");
        }
    }

    private static string AssociatedData(string sku, string id) => $"dek|v1|{sku}|{id}";
}
