using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.Inventory;

/// <summary>
/// Sold card keys whose sale was refunded or disputed: the buyer has the key and the money, so ops void it upstream
/// (at the issuer). Listed per SKU; a key is flagged once however often its order's reversal is told.
/// </summary>
internal sealed class CompromisedKeys(TableServiceClient tables, TimeProvider clock)
{
    private readonly TableClient table = tables.GetTableClient(TableNames.CompromisedKeys);

    public async Task FlagAsync(string sku, IEnumerable<KeyRef> keys, string partnerId, string orderId, string reason, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var chunk in keys.Chunk(100))
        {
            await table.SubmitTransactionAsync(
                chunk.Select(key => new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(sku, key.KeyId)
                {
                    ["Shard"] = key.Shard,
                    ["PartnerId"] = partnerId,
                    ["OrderId"] = orderId,
                    ["Reason"] = reason,
                    ["FlaggedAt"] = now,
                })),
                cancellationToken);
        }
    }

    public async Task<List<CompromisedKey>> ListAsync(string sku, CancellationToken cancellationToken)
    {
        var keys = new List<CompromisedKey>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {sku}"), cancellationToken: cancellationToken))
        {
            keys.Add(new CompromisedKey(row.RowKey, row.GetString("PartnerId"), row.GetString("OrderId"), row.GetString("Reason"), row.GetDateTimeOffset("FlaggedAt") ?? default));
        }

        return [.. keys.OrderBy(k => k.FlaggedAt)];
    }
}
