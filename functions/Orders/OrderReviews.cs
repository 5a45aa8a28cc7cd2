using Azure.Data.Tables;
using Fulfilment.Storage;

namespace Fulfilment.Orders;

/// <summary>
/// Orders held for review, one row each (partition: the partner), so ops can list them across partners, by SKU and by
/// rule, and the deadline check finds the overdue ones. A row is written when the hold is published and removed once ops
/// approve or refuse; the order itself stays the truth (a row whose order is no longer held is stale and dropped).
/// </summary>
internal sealed class OrderReviews(TableServiceClient tables)
{
    private readonly TableClient table = tables.GetTableClient(TableNames.Reviews);

    public Task AddAsync(Order order, DateTimeOffset deadline, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(
            new TableEntity(order.PartnerId, order.OrderId)
            {
                ["Sku"] = order.Sku,
                ["Rule"] = order.RiskRule,
                ["Detail"] = order.RiskDetail,
                ["HeldAt"] = order.HeldForReviewAt,
                ["Deadline"] = deadline,
            },
            TableUpdateMode.Merge, // keeps AlertedAt
            cancellationToken);

    /// <summary>Deleting a row that is not there succeeds.</summary>
    public Task RemoveAsync(string partnerId, string orderId, CancellationToken cancellationToken) =>
        table.DeleteEntityAsync(partnerId, orderId, cancellationToken: cancellationToken);

    /// <summary>Held orders, oldest first, of one partner or all, of one SKU or rule or any.</summary>
    public async Task<List<OrderReview>> ListAsync(string? partnerId, string? sku, string? rule, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        if (partnerId is not null) filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {partnerId}"));
        if (sku is not null) filters.Add(TableClient.CreateQueryFilter($"Sku eq {sku}"));
        if (rule is not null) filters.Add(TableClient.CreateQueryFilter($"Rule eq {rule}"));
        var held = new List<OrderReview>();
        await foreach (var row in table.QueryAsync<TableEntity>(filters.Count == 0 ? null : string.Join(" and ", filters), cancellationToken: cancellationToken))
        {
            held.Add(FromEntity(row));
        }

        return [.. held.OrderBy(r => r.HeldAt)];
    }

    /// <summary>Held orders past their deadline that no alert was raised for yet.</summary>
    public async Task<List<OrderReview>> FindOverdueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var overdue = new List<OrderReview>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Deadline le {now}"), cancellationToken: cancellationToken))
        {
            if (row.GetDateTimeOffset("AlertedAt") is null)
            {
                overdue.Add(FromEntity(row));
            }
        }

        return overdue;
    }

    public async Task MarkAlertedAsync(OrderReview review, DateTimeOffset at, CancellationToken cancellationToken)
    {
        try
        {
            await table.UpdateEntityAsync(new TableEntity(review.PartnerId, review.OrderId) { ["AlertedAt"] = at }, Azure.ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // Decided (and its row removed) since the alert: nothing left to mark.
        }
    }

    private static OrderReview FromEntity(TableEntity row) => new(
        row.PartitionKey, row.RowKey, row.GetString("Sku"), row.GetString("Rule"), row.GetString("Detail"),
        row.GetDateTimeOffset("HeldAt") ?? DateTimeOffset.MinValue, row.GetDateTimeOffset("Deadline") ?? DateTimeOffset.MinValue, row.GetDateTimeOffset("AlertedAt"));
}
