using Azure.Storage.Queues;
using Fulfilment.Catalogue;
using Fulfilment.Orders;
using Fulfilment.Storage;
using Microsoft.Extensions.Options;

namespace Fulfilment.Delivery;

/// <summary>
/// Finds paid orders that nothing is working on and queues them again, so that no paid order waits forever for a queue
/// message that was lost: the webhook wrote the order and died before queueing it, a host died holding the message
/// under a long lease, or the message was poisoned. Runs on a timer (the SweepStalledOrders function). Every step is
/// idempotent, and fulfilment is too: an order queued twice is fulfilled once.
/// <list type="bullet">
/// <item><c>paid</c> or <c>submitting</c>, unchanged for <see cref="OrderSweepOptions.QuietSeconds"/>, and not behind a
/// backlog on the fulfilment queue → queued again (a submitting top-up is then reconciled by query, never resubmitted);</item>
/// <item><c>reconciling</c> or <c>retry-scheduled</c>, unchanged for longer than the longest back-off → queued again;</item>
/// <item>past its reconciliation deadline by <see cref="OrderSweepOptions.DeadlineGraceMinutes"/> → <c>needs-attention</c>
/// and an ops alert, even if its messages never come back;</item>
/// <item><c>awaiting-stock</c>, with keys back in stock that cover it (given back by a crashed or losing attempt, not
/// imported) → queued again.</item>
/// </list>
/// A sweep marks what it queued on the open-orders row (ETag-conditional), so instances sweeping at once queue an
/// order once, and an order is not queued again before it had time to run.
/// </summary>
internal sealed class StalledOrderSweep(
    OpenOrders openOrders,
    OrderBook orders,
    FulfilmentRequests requests,
    SupplierFollowUp supplierFollowUp,
    QueueServiceClient queues,
    IOptions<QueueNames> queueOptions,
    IOptions<SupplierDeliveryOptions> supplierOptions,
    IOptions<OrderSweepOptions> options,
    AwaitingStockList awaiting,
    SkuCatalogue catalogue,
    Inventory.CardKeyInventory inventory,
    TimeProvider clock,
    ILogger<StalledOrderSweep> logger)
{
    /// <summary>How long a row may exist without its order: the webhook died between the two writes and answered no 2xx.</summary>
    private static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(5);

    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var quiet = TimeSpan.FromSeconds(options.Value.QuietSeconds);
        var candidates = await openOrders.FindPaidBeforeAsync(now - quiet, cancellationToken);
        var oldestQueued = candidates.Count > 0 ? await OldestQueuedAsync(cancellationToken) : null;
        var result = new SweepResult(candidates.Count, 0, 0, 0);
        foreach (var open in candidates)
        {
            result = await SweepAsync(open, now, quiet, oldestQueued, result, cancellationToken);
        }

        result = result with { Requeued = result.Requeued + await ReleaseWaitingOrdersAsync(cancellationToken) };
        logger.LogInformation(
            "Stalled-order sweep: {Candidates} open order(s) older than {Quiet}; {Requeued} queued again, {GaveUp} past their deadline, {Cleared} index row(s) cleared",
            result.Candidates, quiet, result.Requeued, result.GaveUp, result.Cleared);
        return result;
    }

    /// <summary>
    /// Orders waiting for stock are woken by imports; keys can also come back to stock otherwise (a crashed or losing
    /// attempt's reservations given back). So each sweep queues the waiting orders the keys in stock can cover.
    /// </summary>
    private async Task<int> ReleaseWaitingOrdersAsync(CancellationToken cancellationToken)
    {
        var released = 0;
        foreach (var skuId in await awaiting.SkusWithWaitingOrdersAsync(cancellationToken))
        {
            if (await catalogue.FindAsync(skuId, cancellationToken) is { Kind: SkuKind.CardKey } sku
                && (await inventory.GetStockAsync(sku, cancellationToken)).Available is > 0 and var available)
            {
                released += await awaiting.ReleaseCoveredAsync(skuId, available, cancellationToken);
            }
        }

        return released;
    }

    private async Task<SweepResult> SweepAsync(
        OpenOrder open, DateTimeOffset now, TimeSpan quiet, DateTimeOffset? oldestQueued, SweepResult result, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(open.PartnerId, open.OrderId, cancellationToken);
        // An order decided by risk is published by its fulfilment message (which then removes this row): swept like a paid one.
        if (order is null || order.PaidAt != open.PaidAt || (order.IsTerminal && !order.IsDecidedByRisk) || order.State == OrderState.AwaitingStock)
        {
            // No order (yet): the webhook may still be writing it, or died before and the partner retries under a new row.
            if (order is not null || now - open.PaidAt > OrphanAge)
            {
                await openOrders.RemoveAsync(open.PartnerId, open.OrderId, open.PaidAt, cancellationToken);
                return result with { Cleared = result.Cleared + 1 };
            }

            return result;
        }

        var reconciling = order.State is OrderState.Reconciling or OrderState.RetryScheduled or OrderState.Submitting;
        if (reconciling && now > order.ReconcileBy + TimeSpan.FromMinutes(options.Value.DeadlineGraceMinutes))
        {
            var reason = $"still {order.State} {options.Value.DeadlineGraceMinutes} min past its reconciliation deadline ({order.ReconcileBy:O}): its messages stopped coming";
            return await supplierFollowUp.TryGiveUpAsync(order, reason, cancellationToken) ? result with { GaveUp = result.GaveUp + 1 } : result;
        }

        var waitFor = order.State is OrderState.Reconciling or OrderState.RetryScheduled
            ? quiet + TimeSpan.FromSeconds(supplierOptions.Value.ReconcileMaxDelaySeconds)
            : quiet;
        var lastChange = order.StateChanges.Count > 0 ? order.StateChanges[^1].At : order.PaidAt;
        var behindBacklog = order.State == OrderState.Paid && oldestQueued <= order.PaidAt;
        if (now - lastChange < waitFor || now - open.SweptAt < waitFor || order.IsLeasedAt(now) || behindBacklog)
        {
            return result;
        }

        if (!await openOrders.TryMarkSweptAsync(open, now, cancellationToken))
        {
            return result; // another instance's sweep took it
        }

        logger.LogWarning("Order {OrderId} of partner {PartnerId} has been {State} since {Since} with nothing working on it: queued again",
            order.OrderId, order.PartnerId, order.State, lastChange);
        await (order.SkuKind == SkuKind.Redemption && order.State is OrderState.Reconciling or OrderState.RetryScheduled
            ? requests.RequestRedemptionRetryAsync(order.PartnerId, order.OrderId, TimeSpan.Zero, cancellationToken)
            : requests.RequestAsync(order.PartnerId, order.OrderId, cancellationToken));
        return result with { Requeued = result.Requeued + 1 };
    }

    /// <summary>When the oldest message now waiting on the fulfilment queue was queued: an order paid after it may just be in the backlog.</summary>
    private async Task<DateTimeOffset?> OldestQueuedAsync(CancellationToken cancellationToken)
    {
        var peeked = (await queues.GetQueueClient(queueOptions.Value.OrderFulfilmentQueue).PeekMessagesAsync(1, cancellationToken)).Value;
        return peeked.Length > 0 ? peeked[0].InsertedOn : null;
    }
}
