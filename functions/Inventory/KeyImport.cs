using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Storage;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>
/// Imports card keys into a SKU's inventory, streaming: the upload is written as it is read, never held whole (see
/// <see cref="UploadWriter"/>). Every entry is validated, sealed under a batch DEK (AES-256-GCM, bound to its row; a new
/// DEK every <see cref="DataKeyRing.MaxKeysPerDek"/> keys), and written in full entity-group transactions together with
/// the shard's counts (so one shard's transactions go one after another; shards go in parallel). Blanks, duplicates
/// within the upload (by key id, i.e. keyed fingerprint, remembered for the whole upload) and keys already in stock
/// (the insert conflicts; for keys imported under an earlier shard count, one point read: never a scan) are rejected
/// with their line. Shards that got keys are marked in the stock map every <see cref="KeysPerProgress"/> keys read and
/// at the end.
/// </summary>
internal sealed class KeyImport(
    TableServiceClient tables, DataKeyRing dataKeys, KeyBatches batches, StockMap stockMap, CardKeyInventory inventory, LowStockWatch lowStock,
    TimeProvider clock, ILogger<KeyImport> logger)
{
    public const int MaxKeyLength = CardKeyText.MaxLength;
    public const int MaxKeysPerUpload = 250_000;
    private const int KeysPerTransaction = 49; // two entities per key and the counts: 100 per transaction at most
    private const int KeysPerProgress = 5_000;
    private const int ConcurrentTransactions = 8;
    private const int MaxTransactionsWaiting = 200; // about 10,000 keys held at most

    private readonly TableClient table = tables.GetTableClient(TableNames.CardKeys);
    private readonly TimeProvider clock = clock;

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

    public async Task<ImportOutcome> ImportAsync(
        Sku sku, KeyBatch batch, IAsyncEnumerable<(int Line, string Text)> entries, CancellationToken cancellationToken)
    {
        var rejected = new ConcurrentBag<RejectedKey>();
        var fingerprintKey = await dataKeys.GetFingerprintKeyAsync(sku.Id, cancellationToken);
        var firstLineOf = new Dictionary<string, int>();
        var writer = new UploadWriter(this, stockMap, sku, batch, rejected, cancellationToken);
        DataKey? dek = null;
        int received = 0, sealedUnderDek = 0;
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

                    if (received % KeysPerProgress == 0)
                    {
                        await writer.MarkStockedAsync();
                        logger.LogInformation("Importing into {Sku}: {Received} keys read, {Imported} imported so far", sku.Id, received, writer.Imported);
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

                    if (dek is null || sealedUnderDek == DataKeyRing.MaxKeysPerDek)
                    {
                        (dek, sealedUnderDek) = (await dataKeys.CreateAsync(sku.Id, cancellationToken), 0);
                    }

                    sealedUnderDek++;
                    await writer.AddAsync(new PendingKey(line, keyId, key, dek));
                }
            }
            catch (InvalidUploadException e)
            {
                received = Math.Min(received, MaxKeysPerUpload);
                error = $"{e.Message} The keys read before this ({received}) were imported as reported.";
            }

            await writer.FinishAsync();
        }
        finally
        {
            // Also after a failure: every shard that got keys is marked in the stock map (or its keys would be counted
            // yet never claimed), and the batch counts what its shards' counts hold.
            await writer.StopAsync();
            if (writer.Imported > 0)
            {
                await batches.AddImportedAsync(batch, writer.Imported, CancellationToken.None);
            }
        }

        var imported = writer.Imported;
        if (imported > 0)
        {
            await lowStock.CheckAsync(sku, await inventory.GetStockAsync(sku, cancellationToken), cancellationToken);
        }

        logger.LogInformation("Imported {Imported} of {Received} keys into {Sku}, batch {BatchId} ({Rejected} rejected)",
            imported, received, sku.Id, batch.BatchId, rejected.Count);
        return new ImportOutcome(sku.Id, batch.BatchId, received, imported, rejected.OrderBy(r => r.Line).ToList(), error);
    }

    /// <summary>A valid key of the upload, waiting for its shard's next transaction, with the DEK it is sealed under.</summary>
    private sealed record PendingKey(int Line, string KeyId, string Key, DataKey Dek);

    /// <summary>A valid entry's key id and key, or null after recording why it is rejected.</summary>
    private static (string KeyId, string Key)? Validate(Sku sku, string text, int line, byte[] fingerprintKey, ConcurrentBag<RejectedKey> rejected)
    {
        var (keyId, key, problem) = Identify(sku, text, fingerprintKey);
        if (key is not null)
        {
            return (keyId!, key);
        }

        rejected.Add(new RejectedKey(line, problem!));
        return null;
    }

    /// <summary>
    /// A text as a key of the SKU: the key as it will be stored and its key id (the keyed fingerprint of its identity, so a
    /// near-duplicate gets the id of the key already there); or why the text is not a key.
    /// </summary>
    internal static (string? KeyId, string? Key, string? Problem) Identify(Sku sku, string text, byte[] fingerprintKey)
    {
        var (key, problem) = CardKeyText.Clean(text);
        return key is null ? (null, null, problem) : (CardKeyCipher.KeyId(fingerprintKey, CardKeyText.Identity(key, sku.CaseSensitiveKeys)), key, null);
    }

    /// <summary>A key's own row, sealed under <paramref name="dek"/> and bound to its SKU and key id; its state and the rest are the caller's.</summary>
    internal static TableEntity SealedKeyRow(string sku, string partition, string keyId, string key, DataKey dek, DateTimeOffset importedAt) =>
        new(partition, KeyRow(keyId))
        {
            ["DekId"] = dek.Id,
            ["SealedKey"] = CardKeyCipher.Seal(dek.Key, sku, keyId, key),
            ["FormatVersion"] = CardKeyCipher.FormatVersion,
            ["ImportedAt"] = importedAt,
        };

    /// <summary>
    /// The writing side of one upload. Each shard's keys wait until a transaction's worth (<see cref="KeysPerTransaction"/>)
    /// has come, then go in one transaction with the shard's counts; one shard's transactions go one after another (each
    /// is conditional on the counts the one before wrote), up to <see cref="ConcurrentTransactions"/> shards at a time.
    /// Reading waits while <see cref="MaxTransactionsWaiting"/> transactions wait to be written, so an upload is never
    /// held whole. The first failure stops the writing and is thrown by the next call.
    /// </summary>
    private sealed class UploadWriter(KeyImport import, StockMap stockMap, Sku sku, KeyBatch batch, ConcurrentBag<RejectedKey> rejected, CancellationToken cancellationToken)
    {
        private readonly Dictionary<int, List<PendingKey>> waiting = new();
        private readonly Dictionary<int, Task> lastWrite = new();
        private readonly ConcurrentDictionary<int, ShardCounts> counts = new();
        private readonly ConcurrentDictionary<int, byte> stocked = new(); // shards that may have got keys
        private readonly SemaphoreSlim writing = new(ConcurrentTransactions);
        private readonly SemaphoreSlim queued = new(MaxTransactionsWaiting);
        private Exception? failure;
        private int imported;

        /// <summary>Keys written so far, counted as each transaction commits.</summary>
        public int Imported => Volatile.Read(ref imported);

        public async Task AddAsync(PendingKey key)
        {
            ThrowIfFailed();
            var shard = ShardOf(key.KeyId, sku.ShardCount);
            if (!waiting.TryGetValue(shard, out var keys))
            {
                waiting[shard] = keys = new List<PendingKey>(KeysPerTransaction);
            }

            keys.Add(key);
            if (keys.Count == KeysPerTransaction)
            {
                waiting.Remove(shard);
                await QueueAsync(shard, keys);
            }
        }

        /// <summary>Writes what still waits and everything queued; throws the first failure.</summary>
        public async Task FinishAsync()
        {
            foreach (var (shard, keys) in waiting)
            {
                await QueueAsync(shard, keys);
            }

            waiting.Clear();
            await Task.WhenAll(lastWrite.Values);
            ThrowIfFailed();
        }

        /// <summary>Marks the shards that got keys so far in the stock map (after their keys are written, as it requires).</summary>
        public Task MarkStockedAsync() => stockMap.MarkStockedAsync(sku.Id, stocked.Keys.ToList(), cancellationToken);

        /// <summary>Waits for the transactions under way (after a failure no new one starts) and marks every shard that may have got keys.</summary>
        public async Task StopAsync()
        {
            try
            {
                await Task.WhenAll(lastWrite.Values);
            }
            catch (Exception)
            {
                // Already recorded as the failure, or a write that did not start because of it.
            }

            await stockMap.MarkStockedAsync(sku.Id, stocked.Keys.ToList(), CancellationToken.None);
        }

        private async Task QueueAsync(int shard, List<PendingKey> keys)
        {
            await queued.WaitAsync(cancellationToken);
            ThrowIfFailed();
            lastWrite[shard] = WriteAfterAsync(lastWrite.GetValueOrDefault(shard, Task.CompletedTask), shard, keys);
        }

        private async Task WriteAfterAsync(Task before, int shard, List<PendingKey> keys)
        {
            try
            {
                await before;
                await writing.WaitAsync(cancellationToken);
                try
                {
                    ThrowIfFailed(); // another shard failed: write nothing more
                    var fresh = await import.NotImportedEarlierAsync(sku, keys, rejected, cancellationToken);
                    counts[shard] = await WriteTransactionAsync(shard, fresh, counts.GetValueOrDefault(shard));
                }
                finally
                {
                    writing.Release();
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                throw;
            }
            finally
            {
                queued.Release();
            }
        }

        /// <summary>
        /// One transaction of the shard's keys with its counts; a key already in this SKU's inventory (the insert
        /// conflicts) is rejected and the rest tried again. Answers the counts as written.
        /// </summary>
        private async Task<ShardCounts> WriteTransactionAsync(int shard, List<PendingKey> keys, ShardCounts? known)
        {
            var partition = Partition(sku.Id, shard);
            var current = known ?? await ShardCounts.ReadAsync(import.table, partition, cancellationToken);
            var pending = keys.ToList();
            while (pending.Count > 0)
            {
                var actions = pending.SelectMany((k, i) => Rows(sku.Id, partition, k.KeyId, k.Key, k.Dek, batch, current.Tail + i, import.clock.GetUtcNow())).ToList();
                var added = new ShardCounts(pending.Count, 0, 0, 0, 0, 0m, 0);
                actions.Add(current.Write(partition, added, tail: current.Tail + pending.Count));
                try
                {
                    // Marked before sending: if this call fails or is cancelled, the transaction may still have committed.
                    stocked[shard] = 0;
                    var responses = await import.table.SubmitTransactionAsync(actions, cancellationToken);
                    Interlocked.Add(ref imported, pending.Count);
                    return (current + added) with { ETag = responses.Value[^1].Headers.ETag, Head = current.Head, Tail = current.Tail + pending.Count };
                }
                catch (TableTransactionFailedException e) when (e.FailedTransactionActionIndex is { } index && index < actions.Count - 1 && e.Status == 409)
                {
                    // That key is already in this SKU's inventory (in any state, sold included): reject it, retry the rest.
                    rejected.Add(new RejectedKey(pending[index / 2].Line, "already in stock"));
                    pending.RemoveAt(index / 2);
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412)
                {
                    // A claim or another import changed the shard's counts: read them again.
                    current = await ShardCounts.ReadAsync(import.table, partition, cancellationToken);
                }
            }

            return current;
        }

        private void ThrowIfFailed()
        {
            if (Volatile.Read(ref failure) is { } e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
            }
        }
    }

    /// <summary>
    /// A key imported while the SKU had another shard count may live in another shard: it is looked up there (one point
    /// read per earlier shard count), so it is rejected as already in stock just like a key whose insert conflicts.
    /// </summary>
    private async Task<List<PendingKey>> NotImportedEarlierAsync(
        Sku sku, List<PendingKey> keys, ConcurrentBag<RejectedKey> rejected, CancellationToken cancellationToken)
    {
        if (sku.PastShardCounts.Count == 0)
        {
            return keys;
        }

        var fresh = new ConcurrentBag<PendingKey>();
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

    /// <summary>The two rows of a newly imported key: the sealed key, and its place <paramref name="seq"/> in the shard's stock queue.</summary>
    internal static IEnumerable<TableTransactionAction> Rows(
        string sku, string partition, string keyId, string key, DataKey dek, KeyBatch batch, long seq, DateTimeOffset importedAt)
    {
        var row = SealedKeyRow(sku, partition, keyId, key, dek, importedAt);
        row["State"] = Available;
        row["BatchId"] = batch.BatchId;
        row["Seq"] = seq;
        yield return new TableTransactionAction(TableTransactionActionType.Add, row);
        yield return new TableTransactionAction(TableTransactionActionType.Add, CardKeyInventory.InStockRow(
            partition, seq, keyId, batch.BatchId, batch.UnitCost?.ToString(System.Globalization.CultureInfo.InvariantCulture), batch.ExpiresAt));
    }
}
