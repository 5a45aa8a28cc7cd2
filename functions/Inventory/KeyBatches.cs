using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.Inventory;

/// <summary>Import batches of each SKU (table <c>KeyBatches</c>: partition = SKU, row = batch id, oldest first).</summary>
internal sealed class KeyBatches(TableServiceClient tables, TimeProvider clock)
{
    private readonly TableClient table = tables.GetTableClient(TableNames.KeyBatches);

    /// <summary>A new batch; its id sorts by import time.</summary>
    public async Task<KeyBatch> CreateAsync(
        string sku, string? supplier, decimal? unitCost, string currency, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var batch = new KeyBatch(
            sku, $"{now:yyyyMMdd'T'HHmmssfffffff}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}", supplier, unitCost, currency, now, expiresAt, 0);
        await table.AddEntityAsync(
            new TableEntity(sku, batch.BatchId)
            {
                ["Supplier"] = supplier,
                ["UnitCost"] = unitCost?.ToString(CultureInfo.InvariantCulture),
                ["Currency"] = currency,
                ["ImportedAt"] = now,
                ["ExpiresAt"] = expiresAt,
                ["Imported"] = 0,
            },
            cancellationToken);
        return batch;
    }

    public async Task<KeyBatch?> FindAsync(string sku, string batchId, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(sku, batchId, cancellationToken: cancellationToken);
        return row.HasValue ? FromEntity(row.Value!) : null;
    }

    public async Task<List<KeyBatch>> ListAsync(string sku, CancellationToken cancellationToken)
    {
        var batches = new List<KeyBatch>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == sku, cancellationToken: cancellationToken))
        {
            batches.Add(FromEntity(row));
        }

        return batches;
    }

    /// <summary>Adds what one upload imported into the batch (a batch may be filled by several uploads).</summary>
    public async Task AddImportedAsync(KeyBatch batch, int imported, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = (await table.GetEntityAsync<TableEntity>(batch.Sku, batch.BatchId, cancellationToken: cancellationToken)).Value;
            row["Imported"] = (row.GetInt32("Imported") ?? 0) + imported;
            try
            {
                await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another upload into the same batch finished at the same time: add ours to its total.
            }
        }
    }

    private static KeyBatch FromEntity(TableEntity row) => new(
        row.PartitionKey,
        row.RowKey,
        row.GetString("Supplier"),
        row.GetString("UnitCost") is { Length: > 0 } cost ? decimal.Parse(cost, CultureInfo.InvariantCulture) : null,
        row.GetString("Currency") ?? "",
        row.GetDateTimeOffset("ImportedAt") ?? default,
        row.GetDateTimeOffset("ExpiresAt"),
        row.GetInt32("Imported") ?? 0);
}
