using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Orders;
using Fulfilment.Storage;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>One rejected entry of an upload: its line (or 1-based array position) and why.</summary>
internal sealed record RejectedKey(int Line, string Reason);

/// <summary>What an import did. <see cref="Error"/> says why it stopped early (the keys before it were imported).</summary>
internal sealed record ImportReport(
    string Sku, string BatchId, int Received, int Imported, IReadOnlyList<RejectedKey> Rejected, int OrdersReleased, string? Error = null);

/// <summary>The upload is not what it claims to be (a JSON upload that is not an array of strings).</summary>
internal sealed class InvalidUploadException(string message) : Exception(message);

/// <summary>
/// Imports card keys into a SKU's inventory, streaming: the upload is read and written a chunk at a time, never held
/// whole. Every entry is validated, sealed under a batch DEK (AES-256-GCM, bound to its row; a new DEK every
/// <see cref="DataKeyRing.MaxKeysPerDek"/> keys), and written in entity-group transactions together with the shard's
/// counts (so one shard's transactions go one after another; shards go in parallel). Blanks, duplicates within the
/// upload (by key id, i.e. keyed fingerprint, remembered for the whole upload) and keys already in stock (the insert
/// conflicts; for keys imported under an earlier shard count, one point read: never a scan) are rejected with their
/// line. Shards that got keys are marked in the stock map after each chunk; then orders awaiting stock of the SKU are
/// queued again, oldest first.
/// </summary>
internal sealed class KeyImport(
    TableServiceClient tables, DataKeyRing dataKeys, KeyBatches batches, StockMap stockMap, CardKeyInventory inventory, LowStockWatch lowStock,
    AwaitingStockList awaiting, ILogger<KeyImport> logger)
{
    public const int MaxKeyLength = CardKeyText.MaxLength;
    public const int MaxKeysPerUpload = 250_000;
    private const int KeysPerTransaction = 49; // two entities per key and the counts: 100 per transaction at most
    private const int KeysPerChunk = 5_000;
    private const int ConcurrentShards = 8;

    private readonly TableClient table = tables.GetTableClient(TableNames.CardKeys);

    /// <summary>Reads an upload as it arrives: one key per line, or a JSON array of strings.</summary>
    public static async IAsyncEnumerable<(int Line, string Text)> ReadUploadAsync(
        Stream body, bool isJson, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var line = 0;
        if (isJson)
        {
            var keys = JsonSerializer.DeserializeAsyncEnumerable<string?>(body, cancellationToken: cancellationToken);
            await using var reading = keys.GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                try
                {
                    if (!await reading.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (JsonException e)
                {
                    throw new InvalidUploadException($"A JSON upload must be an array of strings; after {line} entries: {e.Message}");
                }

                yield return (++line, reading.Current ?? "");
            }
        }

        using var reader = new StreamReader(body, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            yield return (++line, text);
        }
    }

    public async Task<ImportReport> ImportAsync(
        Sku sku, KeyBatch batch, IAsyncEnumerable<(int Line, string Text)> entries, CancellationToken cancellationToken)
    {
        var rejected = new ConcurrentBag<RejectedKey>();
        var fingerprintKey = await dataKeys.GetFingerprintKeyAsync(sku.Id, cancellationToken);
        var firstLineOf = new Dictionary<string, int>();
        var chunk = new List<(int Line, string KeyId, string Key)>(KeysPerChunk);
        DataKey? dek = null;
        var progress = new ImportProgress();
        int received = 0, sealedUnderDek = 0;

        async Task WriteChunkAsync()
        {
            if (dek is null || sealedUnderDek + chunk.Count > DataKeyRing.MaxKeysPerDek)
            {
                (dek, sealedUnderDek) = (await dataKeys.CreateAsync(sku.Id, cancellationToken), 0);
            }

            sealedUnderDek += chunk.Count;
            await WriteAsync(sku, batch, chunk, dek, rejected, progress, cancellationToken);
            chunk.Clear();
            logger.LogInformation("Importing into {Sku}: {Received} keys read, {Imported} imported so far", sku.Id, received, progress.Count);
        }

        string? error = null;
        try
        {
            try
            {
                await foreach (var (line, text) in entries.WithCancellation(cancellationToken))
                {
                    if (++received > MaxKeysPerUpload)
                    {
                        throw new InvalidUploadException($"An upload may hold at most {MaxKeysPerUpload} keys: import the rest in another upload.");
                    }

                    if (Validate(sku, text, line, fingerprintKey, rejected) is not var (keyId, key))
                    {
                        continue;
                    }

                    if (!firstLineOf.TryAdd(keyId, line))
                    {
                        rejected.Add(new RejectedKey(line, $"duplicate of line {firstLineOf[keyId]}"));
                        continue;
                    }

                    chunk.Add((line, keyId, key));
                    if (chunk.Count == KeysPerChunk)
                    {
                        await WriteChunkAsync();
                    }
                }
            }
            catch (InvalidUploadException e)
            {
                received = Math.Min(received, MaxKeysPerUpload);
                error = $"{e.Message} The keys read before this ({received}) were imported as reported.";
            }

            if (chunk.Count > 0)
            {
                await WriteChunkAsync();
            }
        }
        finally
        {
            // Also after a failure: the batch counts what its shards' counts hold.
            if (progress.Count > 0)
            {
                await batches.AddImportedAsync(batch, progress.Count, CancellationToken.None);
            }
        }

        var imported = progress.Count;
        if (imported > 0)
        {
            await lowStock.CheckAsync(sku, await inventory.GetStockAsync(sku, cancellationToken), cancellationToken);
        }

        var released = imported > 0 ? await awaiting.ReleaseAsync(sku.Id, imported, cancellationToken) : 0;
        logger.LogInformation("Imported {Imported} of {Received} keys into {Sku}, batch {BatchId} ({Rejected} rejected); {Released} waiting orders queued",
            imported, received, sku.Id, batch.BatchId, rejected.Count, released);
        return new ImportReport(sku.Id, batch.BatchId, received, imported, rejected.OrderBy(r => r.Line).ToList(), released, error);
    }

    /// <summary>Keys written so far, counted as each transaction commits.</summary>
    private sealed class ImportProgress
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public void Imported(int keys) => Interlocked.Add(ref count, keys);
    }

    /// <summary>A valid entry's key id and key, or null after recording why it is rejected.</summary>
    private static (string KeyId, string Key)? Validate(Sku sku, string text, int line, byte[] fingerprintKey, ConcurrentBag<RejectedKey> rejected)
    {
        var (key, problem) = CardKeyText.Clean(text);
        if (key is not null)
        {
            // Same identity, same key id: a near-duplicate conflicts with the key already imported.
            return (CardKeyCipher.KeyId(fingerprintKey, CardKeyText.Identity(key, sku.CaseSensitiveKeys)), key);
        }

        rejected.Add(new RejectedKey(line, problem!));
        return null;
    }

    /// <summary>Writes a chunk's keys, one shard's transactions after another, several shards at a time, adding the new ones to <paramref name="progress"/>.</summary>
    private async Task WriteAsync(
        Sku sku, KeyBatch batch, List<(int Line, string KeyId, string Key)> keys, DataKey dek, ConcurrentBag<RejectedKey> rejected,
        ImportProgress progress, CancellationToken cancellationToken)
    {
        var stocked = new ConcurrentDictionary<int, int>(); // shard → keys written there
        try
        {
            await Parallel.ForEachAsync(keys.GroupBy(k => ShardOf(k.KeyId, sku.ShardCount)),
                new ParallelOptions { MaxDegreeOfParallelism = ConcurrentShards, CancellationToken = cancellationToken },
                async (shard, ct) =>
                {
                    var fresh = await NotImportedEarlierAsync(sku, shard.ToList(), rejected, ct);
                    await WriteShardAsync(sku, batch, shard.Key, fresh, dek, rejected, written => stocked.AddOrUpdate(shard.Key, written, (_, n) => n + written), ct);
                });
        }
        finally
        {
            // Whatever failed, every shard that got keys is marked, or its keys would be counted yet never claimed.
            // (Marking a shard that turns out empty costs a claim one read: it unmarks it.)
            await stockMap.MarkStockedAsync(sku.Id, stocked.Keys.ToList(), CancellationToken.None);
            progress.Imported(stocked.Values.Sum());
        }
    }

    /// <summary>
    /// A key imported while the SKU had another shard count may live in another shard: it is looked up there (one point
    /// read per earlier shard count), so it is rejected as already in stock just like a key whose insert conflicts.
    /// </summary>
    private async Task<List<(int Line, string KeyId, string Key)>> NotImportedEarlierAsync(
        Sku sku, List<(int Line, string KeyId, string Key)> keys, ConcurrentBag<RejectedKey> rejected, CancellationToken cancellationToken)
    {
        if (sku.PastShardCounts.Count == 0)
        {
            return keys;
        }

        var fresh = new ConcurrentBag<(int Line, string KeyId, string Key)>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            var current = ShardOf(key.KeyId, sku.ShardCount);
            foreach (var shard in sku.PastShardCounts.Select(count => ShardOf(key.KeyId, count)).Where(s => s != current).Distinct())
            {
                if ((await table.GetEntityIfExistsAsync<TableEntity>(Partition(sku.Id, shard), KeyRow(key.KeyId), cancellationToken: ct)).HasValue)
                {
                    rejected.Add(new RejectedKey(key.Line, "already in stock"));
                    return;
                }
            }

            fresh.Add(key);
        });
        return fresh.OrderBy(k => k.Line).ToList();
    }

    /// <summary>
    /// Writes one shard's keys in transactions of <see cref="KeysPerTransaction"/>, each also adding them to the shard's
    /// counts, telling <paramref name="written"/> after each transaction (so a failure later loses no count), and with 0
    /// before sending each one and on meeting a key already there: the shard may have keys, whatever happens next.
    /// </summary>
    private async Task WriteShardAsync(
        Sku sku, KeyBatch batch, int shard, List<(int Line, string KeyId, string Key)> keys, DataKey dek, ConcurrentBag<RejectedKey> rejected,
        Action<int> written, CancellationToken cancellationToken)
    {
        var partition = Partition(sku.Id, shard);
        var counts = await ShardCounts.ReadAsync(table, partition, cancellationToken);
        foreach (var transaction in keys.Chunk(KeysPerTransaction))
        {
            var pending = transaction.ToList();
            while (pending.Count > 0)
            {
                var actions = pending.SelectMany((k, i) => Rows(sku.Id, partition, k.KeyId, k.Key, dek, batch, counts.Tail + i)).ToList();
                var added = new ShardCounts(pending.Count, 0, 0, 0, 0, 0m, 0);
                actions.Add(counts.Write(partition, added, tail: counts.Tail + pending.Count));
                try
                {
                    // Told before sending: if this call fails or is cancelled, the transaction may still have committed.
                    written(0);
                    var responses = await table.SubmitTransactionAsync(actions, cancellationToken);
                    counts = (counts + added) with { ETag = responses.Value[^1].Headers.ETag, Head = counts.Head, Tail = counts.Tail + pending.Count };
                    written(pending.Count);
                    break;
                }
                catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } index && index < actions.Count - 1 && e.Status == 409)
                {
                    // That key is already in this SKU's inventory (in any state, sold included): reject it, retry the rest.
                    var duplicate = pending[index / 2];
                    rejected.Add(new RejectedKey(duplicate.Line, "already in stock"));
                    pending.RemoveAt(index / 2);
                    written(0);
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412)
                {
                    // A claim or another import changed the shard's counts: read them again.
                    counts = await ShardCounts.ReadAsync(table, partition, cancellationToken);
                }
            }
        }
    }

    /// <summary>The two rows of a newly imported key: the sealed key, and its place <paramref name="seq"/> in the shard's stock queue.</summary>
    internal static IEnumerable<TableTransactionAction> Rows(string sku, string partition, string keyId, string key, DataKey dek, KeyBatch batch, long seq)
    {
        yield return new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, KeyRow(keyId))
        {
            ["State"] = Available,
            ["DekId"] = dek.Id,
            ["SealedKey"] = CardKeyCipher.Seal(dek.Key, sku, keyId, key),
            ["FormatVersion"] = CardKeyCipher.FormatVersion,
            ["BatchId"] = batch.BatchId,
            ["ImportedAt"] = DateTimeOffset.UtcNow,
            ["Seq"] = seq,
        });
        yield return new TableTransactionAction(TableTransactionActionType.Add, CardKeyInventory.InStockRow(
            partition, seq, keyId, batch.BatchId, batch.UnitCost?.ToString(System.Globalization.CultureInfo.InvariantCulture), batch.ExpiresAt));
    }
}
