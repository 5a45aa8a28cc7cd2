using System.Text.Json;
using Azure.Data.Tables;
using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Orders;
using Fulfilment.Serialization;
using Fulfilment.Storage;

namespace Fulfilment.RedemptionLog;

/// <summary>
/// The redemption log: one entry per final order state, per partner, in the <c>RedemptionLog</c> table. Laid out
/// for time-range queries: one partition per partner and UTC day (<c>{partnerId}|{yyyy-MM-dd}</c>), each entry
/// written twice in one transaction — <c>a|{ticks}|{eventId}</c> for oldest-first and <c>d|{inverted ticks}|{eventId}</c>
/// for newest-first reading. The event id and time come from the order, so a redelivered message appends nothing.
/// </summary>
internal sealed class RedemptionLogBook(TableServiceClient tables)
{
    public const string Ascending = "a|";
    public const string Descending = "d|";
    // A partner's entries of one day share a partition: entries of orders finishing together share a transaction.
    private readonly TransactionBatcher batcher = new(tables.GetTableClient(TableNames.RedemptionLog));

    /// <summary>Appends the entry for a final order once; a second call for the same state does nothing.</summary>
    public async Task AppendAsync(Order order, CancellationToken cancellationToken)
    {
        if (!order.IsToldToPartner || EntryTime(order) is null)
        {
            return;
        }

        var rows = RowsOf(order);
        try
        {
            await batcher.SubmitAsync(rows[0].PartitionKey, [.. rows.Select(row => new TableTransactionAction(TableTransactionActionType.Add, row))], cancellationToken);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // Already in the log.
        }
    }

    /// <summary>The two rows of a final order's entry (oldest-first and newest-first), in its partner-day partition.</summary>
    public static TableEntity[] RowsOf(Order order)
    {
        var at = EntryTime(order) ?? throw new InvalidOperationException($"Order {order.OrderId} is not final.");
        var (reasonCode, reason) = PartnerReason.For(order);
        var entry = new RedemptionLogEntry(
            $"{order.OrderId}|{order.State}", EventOf(order), at, order.OrderId, order.Sku, order.SkuKind, order.State, order.Quantity,
            order.Amount, order.Currency, order.BuyerReference, reasonCode, reason);
        var partition = Partition(order.PartnerId, at);
        return [ToEntity(partition, AscendingKey(at, entry.EventId), entry), ToEntity(partition, DescendingKey(at, entry.EventId), entry)];
    }

    /// <summary>When the entry happened: the order's final state, or its hold for review (a decision the partner is told of, not final).</summary>
    private static DateTimeOffset? EntryTime(Order order) =>
        order.State == OrderState.HeldForReview ? order.HeldForReviewAt : order.FinalAt;

    public static string Partition(string partnerId, DateTimeOffset at) => $"{partnerId}|{at.UtcDateTime:yyyy-MM-dd}";

    public static string AscendingKey(DateTimeOffset at, string eventId) => $"{Ascending}{at.UtcTicks:D19}|{eventId}";

    public static string DescendingKey(DateTimeOffset at, string eventId) => $"{Descending}{DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks:D19}|{eventId}";

    /// <summary>The entry's JSON as partners read it: stored as it is served, so pages are written without re-serialising.</summary>
    public const string EntryColumn = "Entry";

    public static string EntryJsonOf(TableEntity e) => e.GetString(EntryColumn);

    /// <summary>
    /// A row holds the entry's JSON (<see cref="EntryColumn"/>) and, for server-side filters, its SKU, status and order id.
    /// </summary>
    private static TableEntity ToEntity(string partition, string rowKey, RedemptionLogEntry entry) => new(partition, rowKey)
    {
        [EntryColumn] = JsonSerializer.Serialize(entry, AppJson.Options),
        ["Sku"] = entry.Sku,
        ["Status"] = entry.Status,
        ["OrderId"] = entry.OrderId,
    };

    private static string EventOf(Order order) => order.State switch
    {
        OrderState.Delivered => order.SkuKind switch
        {
            SkuKind.CardKey => RedemptionEvent.KeyDelivered,
            SkuKind.DirectTopUp => RedemptionEvent.TopUpCredited,
            _ => RedemptionEvent.RedemptionDone,
        },
        OrderState.Failed => RedemptionEvent.OrderFailed,
        OrderState.Cancelled => RedemptionEvent.OrderCancelled,
        OrderState.Refunded => RedemptionEvent.OrderRefunded,
        OrderState.Disputed => RedemptionEvent.OrderDisputed,
        OrderState.HeldForReview => RedemptionEvent.OrderHeldForReview,
        OrderState.RefusedByRisk => RedemptionEvent.OrderRefusedByRisk,
        OrderState.Refused => RedemptionEvent.OrderRefused,
        _ => RedemptionEvent.NeedsAttention,
    };
}
