using System.Diagnostics;
using System.Diagnostics.Metrics;
using Fulfilment.Catalogue;
using Fulfilment.Ops;
using Fulfilment.Orders;
using Fulfilment.Storage;
using Fulfilment.Suppliers;
using Microsoft.Extensions.Options;

namespace Fulfilment.Delivery;

/// <summary>
/// What follows a supplier's answer about an order, the same for credits (<see cref="SupplierDelivery"/>) and codes
/// bought (<see cref="CodeBuying"/>): the call is recorded in the order's history, the supplier's health and the
/// outcome metric; an answer that settles nothing is asked again later (a delayed queue message, with back-off), until
/// the order's deadline; past it, only ops can settle the order.
/// </summary>
internal sealed class SupplierFollowUp(
    OrderBook orders,
    FulfilmentRequests requests,
    OpsAlerts alerts,
    OrderOutcomes outcomes,
    SupplierHealth health,
    IOptions<SupplierDeliveryOptions> options,
    TimeProvider clock,
    IMeterFactory meters,
    ILogger<SupplierFollowUp> logger)
{
    private readonly Counter<long> supplierOutcomes = meters.Create(StorageRequestCounter.MeterName)
        .CreateCounter<long>("fulfilment.supplier.outcomes", "{call}", "Supplier calls by supplier, action (submit, buy, query) and verdict.");

    /// <summary>The order with the call (<paramref name="action"/> at its supplier, under its client reference) added to its history; not written yet.</summary>
    public Order Record(Order order, string action, SupplierOutcome outcome, long started)
    {
        var attempt = new OrderAttempt(
            clock.GetUtcNow(), order.Supplier!, order.ClientReference!, action, outcome.Verdict.ToString(),
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, outcome.Reason ?? outcome.SupplierReference);
        health.Record(order.Supplier!, outcome);
        supplierOutcomes.Add(1, new KeyValuePair<string, object?>("supplier", order.Supplier), new KeyValuePair<string, object?>("action", action),
            new KeyValuePair<string, object?>("verdict", outcome.Verdict.ToString()));
        logger.LogInformation("Order {OrderId}: {Action} at {Supplier} for {ClientReference} → {Verdict} {Detail}",
            order.OrderId, action, order.Supplier, order.ClientReference, outcome.Verdict, attempt.Detail);
        return order with { History = [.. order.History, attempt] };
    }

    /// <summary>Pending, unknown or not accepted: ask again later (queue visibility delay), until the deadline.</summary>
    public async Task AskAgainLaterAsync(Order order, SupplierOutcome outcome, CancellationToken cancellationToken)
    {
        if (clock.GetUtcNow() > order.ReconcileBy)
        {
            await NeedsAttentionAsync(
                order,
                $"outcome at {order.Supplier} for {order.ClientReference} still unknown after {options.Value.ReconcileDeadlineMinutes} min: {outcome.Verdict} {outcome.Reason}",
                cancellationToken);
            return;
        }

        var delay = Backoff(order.ReconcileCount, outcome.RetryAfter);
        await ChangeAsync(order with { State = OrderState.Reconciling, StateReason = $"{outcome.Verdict}: {outcome.Reason}", ReconcileCount = order.ReconcileCount + 1 }, cancellationToken);
        logger.LogInformation("Order {OrderId} is {State}: asking {Supplier} again in {Delay}", order.OrderId, OrderState.Reconciling, order.Supplier, delay);
        await (order.SkuKind == SkuKind.Redemption
            ? requests.RequestRedemptionRetryAsync(order.PartnerId, order.OrderId, delay, cancellationToken)
            : requests.RequestAsync(order.PartnerId, order.OrderId, cancellationToken, delay));
    }

    /// <summary>Only ops can settle the order now: it says why, and an alert is raised.</summary>
    public async Task NeedsAttentionAsync(Order order, string reason, CancellationToken cancellationToken)
    {
        await ChangeAsync(order with { State = OrderState.NeedsAttention, StateReason = reason }, cancellationToken);
        logger.LogError("Order {OrderId} is {State}: {Reason}", order.OrderId, OrderState.NeedsAttention, reason);
        await alerts.RaiseAsync(order.SkuKind == SkuKind.CardKey ? "code-purchase-unknown" : "top-up-unknown", order.PartnerId, order.OrderId, reason, cancellationToken);
    }

    /// <summary>Gives up on an order whose reconciliation stalled; false if it changed meanwhile (someone is working on it).</summary>
    public async Task<bool> TryGiveUpAsync(Order order, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await NeedsAttentionAsync(order, reason, cancellationToken);
            return true;
        }
        catch (RetryLaterException)
        {
            return false; // the order changed meanwhile
        }
    }

    public TimeSpan Backoff(int attempt, TimeSpan? retryAfter) =>
        RetryDelay.Exponential(options.Value.ReconcileFirstDelaySeconds, options.Value.ReconcileMaxDelaySeconds, attempt, retryAfter);

    /// <summary>Writes the change (ETag-conditional; a final state gets its time) and tells the partner if it is one to tell.</summary>
    public async Task<Order> ChangeAsync(Order changed, CancellationToken cancellationToken)
    {
        if (changed.IsTerminal && changed.FinalAt is null)
        {
            changed = changed with { FinalAt = clock.GetUtcNow() };
        }

        var written = await orders.TryChangeAsync(changed, cancellationToken)
            ?? throw new RetryLaterException($"Order {changed.OrderId} changed concurrently; retrying.");
        await outcomes.PublishAsync(written, cancellationToken);
        return written;
    }
}
