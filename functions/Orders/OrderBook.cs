using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Fulfilment.Inventory;
using Fulfilment.Serialization;
using Fulfilment.Storage;

namespace Fulfilment.Orders;

/// <summary>
/// Orders in Table Storage, one partition per order (no partner's volume is capped by one partition).
/// Every state change is conditional on the order's ETag, so concurrent workers cannot overwrite each other, and is
/// recorded in the order's <see cref="Order.StateChanges"/>. Notification attempts are rows <c>notification|{ticks}</c>
/// in the order's partition, written in one transaction with the order's notification status.
/// </summary>
internal sealed class OrderBook(TableServiceClient tables, TimeProvider clock, OrderMetrics metrics)
{
    private const string OrderRow = "order";
    private const string NotificationPrefix = "notification|";
    private const string AfterNotifications = "notification}";
    private readonly TableClient table = tables.GetTableClient(TableNames.Orders);

    /// <summary>Writes a new order (paid, or opened before payment); an existing order with the same id is a duplicate or, if it is another purchase, a conflict.</summary>
    public async Task<(PlaceOutcome Outcome, Order Order)> PlaceAsync(Order order, CancellationToken cancellationToken)
    {
        try
        {
            order = order with { StateChanges = [new OrderStateChange(order.PlacedAt, order.State, order.StateReason)] };
            var response = await table.AddEntityAsync(ToEntity(order), cancellationToken);
            if (order.PaidAt is not null)
            {
                metrics.Accepted(order);
            }

            return (PlaceOutcome.Created, order with { ETag = response.Headers.ETag ?? default });
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await GetAsync(order.PartnerId, order.OrderId, cancellationToken)
                ?? throw new InvalidOperationException($"Order {order.OrderId} conflicted but cannot be read.");
            return (existing.SamePurchaseAs(order) ? PlaceOutcome.Duplicate : PlaceOutcome.Conflict, existing);
        }
    }

    public async Task<Order?> GetAsync(string partnerId, string orderId, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(PartitionKey(partnerId, orderId), OrderRow, cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>Writes the changed order if nobody changed it since it was read: the order as written (with its
    /// new ETag), or null if someone did.</summary>
    public async Task<Order?> TryChangeAsync(Order changed, CancellationToken cancellationToken)
    {
        var last = changed.StateChanges.Count > 0 ? changed.StateChanges[^1] : null;
        var stateChanged = last is null || last.State != changed.State;
        if (stateChanged || last!.Reason != changed.StateReason)
        {
            changed = changed with
            {
                StateChanges = [.. changed.StateChanges.TakeLast(Order.MaxStateChanges - 1), new OrderStateChange(clock.GetUtcNow(), changed.State, changed.StateReason)],
            };
        }

        try
        {
            var response = await table.UpdateEntityAsync(ToEntity(changed), changed.ETag, TableUpdateMode.Replace, cancellationToken);
            if (stateChanged)
            {
                metrics.Changed(changed);
            }

            return changed with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }
    }

    /// <summary>Records one notification attempt and the order's notification status, touching nothing else of the order.</summary>
    public async Task RecordNotificationAsync(
        string partnerId, string orderId, string state, string status, int attempt, string? error, CancellationToken cancellationToken)
    {
        var partition = PartitionKey(partnerId, orderId);
        var now = clock.GetUtcNow();
        await table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(partition, OrderRow)
                {
                    ["NotificationStatus"] = status,
                    ["NotificationAttempts"] = attempt,
                    ["NotificationError"] = error ?? "",
                }, ETag.All),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(partition, $"{NotificationPrefix}{now.UtcTicks:D19}")
                {
                    ["At"] = now,
                    ["State"] = state,
                    ["Attempt"] = attempt,
                    ["Status"] = status,
                    ["Error"] = error,
                }),
            ],
            cancellationToken);
    }

    /// <summary>Every attempt to notify the partner about the order, oldest first.</summary>
    public async Task<IReadOnlyList<NotificationAttempt>> GetNotificationAttemptsAsync(string partnerId, string orderId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {PartitionKey(partnerId, orderId)} and RowKey ge {NotificationPrefix} and RowKey lt {AfterNotifications}");
        var attempts = new List<NotificationAttempt>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            attempts.Add(new NotificationAttempt(
                e.GetDateTimeOffset("At") ?? default, e.GetString("State"), e.GetInt32("Attempt") ?? 0, e.GetString("Status"), e.GetString("Error")));
        }

        return attempts;
    }

    private static string PartitionKey(string partnerId, string orderId) => $"{partnerId}|{orderId}";

    private static TableEntity ToEntity(Order o) => new(PartitionKey(o.PartnerId, o.OrderId), OrderRow)
    {
        ["FinalAt"] = o.FinalAt,
        ["FailureCode"] = o.FailureCode,
        ["ClaimStartedAt"] = o.ClaimStartedAt,
        ["NotificationStatus"] = o.NotificationStatus,
        ["NotificationAttempts"] = o.NotificationAttempts,
        ["NotificationError"] = o.NotificationError,
        ["Supplier"] = o.Supplier,
        ["ClientReference"] = o.ClientReference,
        ["SubmitCount"] = o.SubmitCount,
        ["CodesBuying"] = o.CodesBuying,
        ["SupplierReference"] = o.SupplierReference,
        ["ReconcileBy"] = o.ReconcileBy,
        ["ReconcileCount"] = o.ReconcileCount,
        ["History"] = o.History.Count == 0 ? null : System.Text.Json.JsonSerializer.Serialize(o.History, AppJson.Options),
        ["StateChanges"] = System.Text.Json.JsonSerializer.Serialize(o.StateChanges, AppJson.Options),
        ["PartnerId"] = o.PartnerId,
        ["OrderId"] = o.OrderId,
        ["Sku"] = o.Sku,
        ["SkuKind"] = o.SkuKind,
        ["Quantity"] = o.Quantity,
        ["Amount"] = o.Amount.ToString(CultureInfo.InvariantCulture),
        ["Currency"] = o.Currency,
        ["BuyerReference"] = o.BuyerReference,
        ["TargetAccount"] = o.TargetAccount,
        ["WebhookId"] = o.WebhookId,
        ["State"] = o.State,
        ["StateReason"] = o.StateReason,
        ["Keys"] = string.Join(',', o.Keys),
        ["PaidAt"] = o.PaidAt,
        ["OpenedAt"] = o.OpenedAt,
        ["ExpiresAt"] = o.ExpiresAt,
        ["PaymentReference"] = o.PaymentReference,
        ["PaymentProvider"] = o.PaymentProvider,
        ["PaymentId"] = o.PaymentId,
        ["RefundedAmount"] = o.RefundedAmount == 0 ? null : o.RefundedAmount.ToString(CultureInfo.InvariantCulture),
        ["ReversalKind"] = o.ReversalKind,
        ["Reversals"] = o.Reversals.Count == 0 ? null : string.Join('\n', o.Reversals),
        ["DeliveredAt"] = o.DeliveredAt,
        ["LeaseUntil"] = o.LeaseUntil,
        ["BuyerEmailHash"] = o.Signals.EmailHash,
        ["BuyerPhoneHash"] = o.Signals.PhoneHash,
        ["BuyerIp"] = o.Signals.Ip,
        ["RiskScore"] = o.Signals.RiskScore,
        ["RiskCounters"] = o.RiskCounters.Count == 0 ? null : string.Join('\n', o.RiskCounters),
        ["RiskRule"] = o.RiskRule,
        ["RiskDetail"] = o.RiskDetail,
    };

    private static Order FromEntity(TableEntity e)
    {
        var keys = e.GetString("Keys");
        return new Order(
            e.GetString("PartnerId"),
            e.GetString("OrderId"),
            e.GetString("Sku"),
            e.GetString("SkuKind"),
            e.GetInt32("Quantity") ?? 0,
            decimal.Parse(e.GetString("Amount"), CultureInfo.InvariantCulture),
            e.GetString("Currency"),
            e.GetString("BuyerReference"),
            e.GetString("TargetAccount"),
            e.GetString("WebhookId"),
            e.GetString("State"),
            e.GetString("StateReason"),
            string.IsNullOrEmpty(keys) ? [] : keys.Split(',').Select(KeyRef.Parse).ToList(),
            e.GetDateTimeOffset("PaidAt"),
            e.GetDateTimeOffset("DeliveredAt"),
            e.ETag,
            e.GetDateTimeOffset("LeaseUntil"))
        {
            FinalAt = e.GetDateTimeOffset("FinalAt"),
            OpenedAt = e.GetDateTimeOffset("OpenedAt"),
            ExpiresAt = e.GetDateTimeOffset("ExpiresAt"),
            PaymentReference = e.GetString("PaymentReference"),
            PaymentProvider = e.GetString("PaymentProvider"),
            PaymentId = e.GetString("PaymentId"),
            RefundedAmount = e.GetString("RefundedAmount") is { Length: > 0 } refunded ? decimal.Parse(refunded, CultureInfo.InvariantCulture) : 0,
            ReversalKind = e.GetString("ReversalKind"),
            Reversals = e.GetString("Reversals") is { Length: > 0 } reversals ? reversals.Split('\n') : [],
            FailureCode = e.GetString("FailureCode"),
            Signals = new BuyerSignals(e.GetString("BuyerEmailHash"), e.GetString("BuyerPhoneHash"), e.GetString("BuyerIp"), e.GetInt32("RiskScore")),
            RiskCounters = e.GetString("RiskCounters") is { Length: > 0 } counters ? counters.Split('\n') : [],
            RiskRule = e.GetString("RiskRule"),
            RiskDetail = e.GetString("RiskDetail"),
            ClaimStartedAt = e.GetDateTimeOffset("ClaimStartedAt"),
            NotificationStatus = e.GetString("NotificationStatus"),
            NotificationAttempts = e.GetInt32("NotificationAttempts") ?? 0,
            NotificationError = e.GetString("NotificationError"),
            Supplier = e.GetString("Supplier"),
            ClientReference = e.GetString("ClientReference"),
            SubmitCount = e.GetInt32("SubmitCount") ?? 0,
            CodesBuying = e.GetInt32("CodesBuying") ?? 0,
            SupplierReference = e.GetString("SupplierReference"),
            ReconcileBy = e.GetDateTimeOffset("ReconcileBy"),
            ReconcileCount = e.GetInt32("ReconcileCount") ?? 0,
            History = e.GetString("History") is { } history
                ? System.Text.Json.JsonSerializer.Deserialize<List<OrderAttempt>>(history, AppJson.Options)!
                : [],
            StateChanges = e.GetString("StateChanges") is { } changes
                ? System.Text.Json.JsonSerializer.Deserialize<List<OrderStateChange>>(changes, AppJson.Options)!
                : [],
        };
    }
}
