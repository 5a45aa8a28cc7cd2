using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Orders;
using Fulfilment.Storage;
using static Fulfilment.Inventory.InventoryRows;

namespace Fulfilment.Inventory;

/// <summary>One rejected entry of an upload: its line (or 1-based array position) and why.</summary>
internal sealed record RejectedKey(int Line, string Reason);

internal sealed record ImportReport(string Sku, int Received, int Imported, IReadOnlyList<RejectedKey> Rejected, int OrdersReleased);

/// <summary>
/// Imports card keys into a SKU's inventory: validates every entry, seals each key under a fresh batch DEK
/// (AES-256-GCM, bound to its row), and writes keys in entity-group transactions. Blanks, duplicates within the
/// upload and keys already in stock (found by key id, i.e. keyed fingerprint) are rejected with their line.
/// Then orders awaiting stock of the SKU are queued again, oldest first.
/// </summary>
internal sealed class KeyImport(
    TableServiceClient tables, DataKeyRing dataKeys, AwaitingStockList awaiting, ILogger<KeyImport> logger)
{
    public const int MaxKeyLength = 512;
    private const int KeysPerTransaction = 50; // two entities per key, 100 per transaction at most

    private readonly TableClient table = tables.GetTableClient(TableNames.CardKeys);

    /// <summary>Reads an upload: a JSON array of strings, or one key per line.</summary>
    public static IReadOnlyList<(int Line, string Text)>? ParseUpload(byte[] body, bool isJson)
    {
        if (isJson)
        {
            try
            {
                var keys = JsonSerializer.Deserialize<string?[]>(body);
                return keys?.Select((k, i) => (i + 1, k ?? "")).ToList();
            }
            catch (JsonException)
            {
                return null;
            }
        }

        var lines = Encoding.UTF8.GetString(body).Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length; // final newline
        return lines.Take(count).Select((l, i) => (i + 1, l.TrimEnd('\r'))).ToList();
    }

    public async Task<ImportReport> ImportAsync(Sku sku, IReadOnlyList<(int Line, string Text)> entries, CancellationToken cancellationToken)
    {
        var rejected = new ConcurrentBag<RejectedKey>();
        var fingerprintKey = await dataKeys.GetFingerprintKeyAsync(sku.Id, cancellationToken);
        var accepted = new List<(int Line, string KeyId, string Key)>();
        var firstLineOf = new Dictionary<string, int>();
        foreach (var (line, text) in entries)
        {
            var key = text.Trim();
            var problem = key.Length == 0 ? "blank"
                : key.Length > MaxKeyLength ? $"longer than {MaxKeyLength} characters"
                : key.Any(char.IsControl) ? "contains control characters"
                : null;
            if (problem is not null)
            {
                rejected.Add(new RejectedKey(line, problem));
                continue;
            }

            var keyId = CardKeyCipher.KeyId(fingerprintKey, key);
            if (!firstLineOf.TryAdd(keyId, line))
            {
                rejected.Add(new RejectedKey(line, $"duplicate of line {firstLineOf[keyId]}"));
                continue;
            }

            accepted.Add((line, keyId, key));
        }

        var imported = 0;
        foreach (var batch in accepted.Chunk(DataKeyRing.MaxKeysPerDek))
        {
            var dek = await dataKeys.CreateAsync(sku.Id, cancellationToken);
            var perShard = batch.GroupBy(k => ShardOf(k.KeyId, sku.ShardCount));
            var counts = await Task.WhenAll(perShard.Select(shard => WriteShardAsync(sku, shard.Key, shard.ToList(), dek, rejected, cancellationToken)));
            imported += counts.Sum();
        }

        var released = imported > 0 ? await awaiting.ReleaseAsync(sku.Id, imported, cancellationToken) : 0;
        logger.LogInformation("Imported {Imported} of {Received} keys into {Sku} ({Rejected} rejected); {Released} waiting orders queued",
            imported, entries.Count, sku.Id, rejected.Count, released);
        return new ImportReport(sku.Id, entries.Count, imported, rejected.OrderBy(r => r.Line).ToList(), released);
    }

    private async Task<int> WriteShardAsync(
        Sku sku, int shard, List<(int Line, string KeyId, string Key)> keys, DataKey dek, ConcurrentBag<RejectedKey> rejected,
        CancellationToken cancellationToken)
    {
        var partition = Partition(sku.Id, shard);
        var written = 0;
        foreach (var chunk in keys.Chunk(KeysPerTransaction))
        {
            var pending = chunk.ToList();
            while (pending.Count > 0)
            {
                try
                {
                    await table.SubmitTransactionAsync(pending.SelectMany(k => Rows(sku.Id, partition, k.KeyId, k.Key, dek)), cancellationToken);
                    written += pending.Count;
                    break;
                }
                catch (TableTransactionFailedException e) when (e.Status == 409 && e.FailedTransactionActionIndex is { } index)
                {
                    // That key is already in this SKU's inventory (in any state, sold included): reject it, retry the rest.
                    var duplicate = pending[index / 2];
                    rejected.Add(new RejectedKey(duplicate.Line, "already in stock"));
                    pending.RemoveAt(index / 2);
                }
            }
        }

        return written;
    }

    private static IEnumerable<TableTransactionAction> Rows(string sku, string partition, string keyId, string key, DataKey dek)
    {
        yield return new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, KeyRow(keyId))
        {
            ["State"] = Available,
            ["DekId"] = dek.Id,
            ["SealedKey"] = CardKeyCipher.Seal(dek.Key, sku, keyId, key),
            ["FormatVersion"] = CardKeyCipher.FormatVersion,
            ["ImportedAt"] = DateTimeOffset.UtcNow,
        });
        yield return new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, AvailableRow(keyId)));
    }
}
