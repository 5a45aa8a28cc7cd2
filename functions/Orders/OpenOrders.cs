using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.Orders;

/// <summary>
/// Every order that is not final yet, oldest paid first, so that an order whose queue message was lost (the webhook
/// wrote it and died before queueing, or the message was poisoned) is found again. A row is written before the order
/// itself, so no paid order is ever missing from it; it goes when the order is final or waits for stock (the
/// awaiting-stock list holds those). Rows are spread over <see cref="Buckets"/> partitions by order, row key = paid
/// time + order, so a sweep reads only the old ones: one range query per partition.
/// </summary>
internal sealed class OpenOrders(TableServiceClient tables, ILogger<OpenOrders> logger)
{
    public const int Buckets = 16;
    private static readonly TimeSpan RemovalDelay = TimeSpan.FromSeconds(1);
    private readonly TableClient table = tables.GetTableClient(TableNames.OpenOrders);
    private readonly TransactionBatcher removals = new(tables.GetTableClient(TableNames.OpenOrders), RemovalDelay);

    public Task AddAsync(Order order, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(
            new TableEntity(Bucket(order.PartnerId, order.OrderId), RowKey(order.PaidTime, order.PartnerId, order.OrderId))
            {
                ["PartnerId"] = order.PartnerId,
                ["OrderId"] = order.OrderId,
                ["PaidAt"] = order.PaidTime,
            },
            TableUpdateMode.Replace,
            cancellationToken);

    /// <summary>Deleting a row that is not there succeeds (the SDK treats 404 on delete as done).</summary>
    public Task RemoveAsync(Order order, CancellationToken cancellationToken) =>
        RemoveAsync(order.PartnerId, order.OrderId, order.PaidTime, cancellationToken);

    /// <summary>
    /// Removes a final order's row within a second or so, in one transaction with the other rows of its partition
    /// removed meanwhile. Not awaited: if the process dies first, the sweep meets the row, sees the order is final and
    /// removes it.
    /// </summary>
    public void RemoveSoon(Order order)
    {
        var bucket = Bucket(order.PartnerId, order.OrderId);
        var row = new TableEntity(bucket, RowKey(order.PaidTime, order.PartnerId, order.OrderId));
        _ = removals.SubmitAsync(bucket, [new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All)], CancellationToken.None)
            .ContinueWith(
                removal =>
                {
                    if (removal.Exception?.InnerException is not RequestFailedException { Status: 404 })
                    {
                        logger.LogWarning(removal.Exception, "Order {OrderId} of partner {PartnerId} stays in the open-orders index until a sweep removes it",
                            order.OrderId, order.PartnerId);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default);
    }

    public Task RemoveAsync(string partnerId, string orderId, DateTimeOffset paidAt, CancellationToken cancellationToken) =>
        table.DeleteEntityAsync(Bucket(partnerId, orderId), RowKey(paidAt, partnerId, orderId), cancellationToken: cancellationToken);

    /// <summary>Open orders paid before <paramref name="paidBefore"/>, oldest first within each partition.</summary>
    public async Task<List<OpenOrder>> FindPaidBeforeAsync(DateTimeOffset paidBefore, CancellationToken cancellationToken)
    {
        var upTo = paidBefore.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        var perBucket = await Task.WhenAll(Enumerable.Range(0, Buckets).Select(async bucket =>
        {
            var found = new List<OpenOrder>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {bucket.ToString("D2", CultureInfo.InvariantCulture)} and RowKey lt {upTo}");
            await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                found.Add(new OpenOrder(
                    row.GetString("PartnerId"), row.GetString("OrderId"), row.GetDateTimeOffset("PaidAt") ?? default, row.GetDateTimeOffset("SweptAt"), row.ETag));
            }

            return found;
        }));
        return [.. perBucket.SelectMany(b => b).OrderBy(o => o.PaidAt)];
    }

    /// <summary>Marks the order as queued again by a sweep; false if another sweep (another instance) did first.</summary>
    public async Task<bool> TryMarkSweptAsync(OpenOrder open, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(
                new TableEntity(Bucket(open.PartnerId, open.OrderId), RowKey(open.PaidAt, open.PartnerId, open.OrderId)) { ["SweptAt"] = now },
                open.ETag,
                TableUpdateMode.Merge,
                cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>The same on every instance and every run (string hash codes are randomised per process).</summary>
    private static string Bucket(string partnerId, string orderId) =>
        (System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(partnerId + "|" + orderId))[0] % Buckets)
            .ToString("D2", CultureInfo.InvariantCulture);

    private static string RowKey(DateTimeOffset paidAt, string partnerId, string orderId) =>
        $"{paidAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}|{partnerId}|{orderId}";
}
