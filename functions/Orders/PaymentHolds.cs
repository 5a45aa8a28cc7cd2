using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.Orders;

/// <summary>
/// Opened orders that hold (or are about to hold) card keys, one row each, in a partition per buyer of a partner, so
/// that a buyer's holds are counted with one query. A row is written before any key is claimed and removed only once
/// the keys are given back or the order is paid, so the release timer finds every key held for an unpaid order.
/// </summary>
internal sealed class PaymentHolds(TableServiceClient tables)
{
    private readonly TableClient table = tables.GetTableClient(TableNames.PaymentHolds);

    public async Task<int> CountAsync(string partnerId, string buyerReference, CancellationToken cancellationToken)
    {
        var count = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {BuyerKey(partnerId, buyerReference)}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    public Task AddAsync(Order order, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(
            new TableEntity(BuyerKey(order.PartnerId, order.BuyerReference), order.OrderId)
            {
                ["PartnerId"] = order.PartnerId,
                ["OrderId"] = order.OrderId,
                ["Sku"] = order.Sku,
                ["ExpiresAt"] = order.ExpiresAt,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Deleting a row that is not there succeeds.</summary>
    public Task RemoveAsync(Order order, CancellationToken cancellationToken) =>
        table.DeleteEntityAsync(BuyerKey(order.PartnerId, order.BuyerReference), order.OrderId, cancellationToken: cancellationToken);

    public Task RemoveAsync(PaymentHold hold, CancellationToken cancellationToken) =>
        table.DeleteEntityAsync(hold.BuyerKey, hold.OrderId, cancellationToken: cancellationToken);

    /// <summary>Holds whose payment window ended before <paramref name="endedBefore"/> (a scan of the few rows of orders held now).</summary>
    public async Task<List<PaymentHold>> FindEndedAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        var ended = new List<PaymentHold>();
        var filter = TableClient.CreateQueryFilter($"ExpiresAt le {endedBefore}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            ended.Add(new PaymentHold(row.PartitionKey, row.GetString("PartnerId"), row.GetString("OrderId"), row.GetString("Sku")));
        }

        return ended;
    }

    /// <summary>The partition of a buyer's holds: buyer references are the partner's, so a hash names them without storing them twice.</summary>
    private static string BuyerKey(string partnerId, string buyerReference) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"hold-buyer|v1|{partnerId}|{buyerReference}")))[..32];
}
