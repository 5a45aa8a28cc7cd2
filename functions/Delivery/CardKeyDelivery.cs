using System.Diagnostics;
using Fulfilment.Catalogue;
using Fulfilment.Inventory;
using Fulfilment.Orders;
using Fulfilment.Storage;

namespace Fulfilment.Delivery;

/// <summary>
/// Delivers a card-key order: reserve exactly its quantity of keys, bind them to the order (an ETag-conditional
/// write: of concurrent attempts exactly one binds), then mark them sold.
/// <para>
/// Crash recovery: an attempt that dies after reserving leaves reservation rows naming the order; the message
/// comes back (it is deleted only after success) and the retry finds them and keeps them for the order.
/// </para>
/// <para>
/// Giving keys back is where a key could be sold twice: a reservation of the order may be found and bound by
/// another attempt on the same order. So keys go back to stock only (a) once the order is delivered — a key
/// not bound to a delivered order can never be bound to it — or (b) under the order's lease: the attempt first
/// writes a lease onto the order, which changes its ETag, so no attempt that read the order earlier can bind
/// it any more, and attempts that read it later see the lease and come back after it.
/// </para>
/// <para>
/// A SKU that names code suppliers buys what local stock cannot serve (<see cref="CodeBuying"/>): local keys first, the
/// rest bought and reserved for the order, then bound with them. While a purchase is under way (<c>submitting</c>,
/// <c>reconciling</c>) its outcome is asked first; an order whose payment was reversed meanwhile is cancelled and
/// everything reserved for it, codes bought included, goes to stock.
/// </para>
/// </summary>
internal sealed class CardKeyDelivery(
    OrderBook orders,
    CardKeyInventory inventory,
    AwaitingStockList awaiting,
    OpenOrders openOrders,
    FulfilmentRequests requests,
    OrderOutcomes outcomes,
    CodeBuying codeBuying,
    TimeProvider clock,
    ILogger<CardKeyDelivery> logger)
{
    public async Task DeliverAsync(Order order, Sku sku, CancellationToken cancellationToken)
    {
        if (order.State is OrderState.Cancelled or OrderState.Delivered or OrderState.Refunded or OrderState.Disputed)
        {
            // Refunded or disputed before delivery (no key can be bound to it any more), or another message for a delivered
            // order (redelivered, replayed from poison, or queued again by a duplicate webhook or the sweep): finish what a
            // crashed attempt may have left.
            await SettleFinishedAsync(order, sku, cancellationToken);
            return;
        }

        if (order.State == OrderState.NeedsAttention)
        {
            // A purchase of codes whose outcome stayed unknown: only ops settle it; a stray message must not claim or buy.
            await outcomes.PublishAsync(order, cancellationToken);
            return;
        }

        if (order.IsLeasedAt(clock.GetUtcNow()))
        {
            await ComeBackAfterLeaseAsync(order, cancellationToken);
            return;
        }

        // An earlier attempt may have died holding reservations, whatever the message's dequeue count (a replayed poison
        // message or one queued again by a duplicate webhook arrives with count 1). Every attempt marks the order before
        // it claims, so only a marked order can have reservations: the first attempt marks it and searches nothing.
        List<KeyRef> found;
        var bought = false;
        if (order.State is OrderState.Submitting or OrderState.Reconciling)
        {
            // Codes are being bought for it: how that went comes first; never a second purchase while one may be under way.
            if (await AfterBuyingAsync(await codeBuying.ContinueAsync(order, sku, cancellationToken), sku, cancellationToken) is not { } withCodes)
            {
                return;
            }

            (order, bought) = (withCodes, true);
            found = await inventory.FindReservationsAsync(sku, order.Reference, cancellationToken);
        }
        else if (order.ClaimStartedAt is null)
        {
            order = await orders.TryChangeAsync(order with { ClaimStartedAt = clock.GetUtcNow() }, cancellationToken)
                ?? throw new RetryLaterException($"Order {order.OrderId} changed as its first claim began; retrying.");
            found = [];
        }
        else
        {
            found = await inventory.FindReservationsAsync(sku, order.Reference, cancellationToken);
        }

        var keys = await CompleteAsync(order, sku, found, cancellationToken);
        if (keys.Count < order.Quantity && sku.BuysCodes && !bought && order.State == OrderState.Paid)
        {
            // Only a paid order buys: one waiting for stock (the cap was reached, or every supplier failed) waits for stock.
            if (await AfterBuyingAsync(await codeBuying.BuyAsync(order, sku, order.Quantity - keys.Count, cancellationToken), sku, cancellationToken) is not { } withCodes)
            {
                return;
            }

            order = withCodes;
            found = await inventory.FindReservationsAsync(sku, order.Reference, cancellationToken);
            keys = await CompleteAsync(order, sku, found, cancellationToken);
        }

        if (keys.Count < order.Quantity)
        {
            await WaitForStockAsync(order, sku, $"not enough keys of {sku.Id} in stock", cancellationToken);
            return;
        }

        var delivered = await orders.TryChangeAsync(Delivered(order, keys), cancellationToken);
        if (delivered is null)
        {
            await YieldToConcurrentAttemptAsync(order, sku, keys, cancellationToken);
            return;
        }

        await FinishAsync(order, delivered, sku, settleStrays: found.Count > order.Quantity, cancellationToken);
    }

    /// <summary>The order's keys: those already reserved for it, then newly claimed ones up to its quantity.</summary>
    private async Task<List<KeyRef>> CompleteAsync(Order order, Sku sku, List<KeyRef> found, CancellationToken cancellationToken)
    {
        var kept = found.Take(order.Quantity).ToList();
        kept.AddRange(await inventory.ClaimAsync(sku, order.Reference, order.Quantity - kept.Count, cancellationToken));
        return kept;
    }

    /// <summary>
    /// Not enough stock. Under the order's lease: look again (keys may have come back), and either deliver or give
    /// every reservation of the order back to stock and join the waiting list, oldest first.
    /// </summary>
    private async Task WaitForStockAsync(Order order, Sku sku, string reason, CancellationToken cancellationToken)
    {
        var held = Stopwatch.StartNew();
        var leased = await orders.TryChangeAsync(order with { LeaseUntil = clock.GetUtcNow() + Order.LeaseDuration }, cancellationToken)
            ?? throw new RetryLaterException($"Order {order.OrderId} changed while it ran short of stock; retrying.");

        var found = await inventory.FindReservationsAsync(sku, order.Reference, cancellationToken);
        var keys = await CompleteAsync(leased, sku, found, cancellationToken);
        if (keys.Count == order.Quantity)
        {
            var delivered = await orders.TryChangeAsync(Delivered(leased, keys), cancellationToken)
                ?? throw new RetryLaterException($"Order {order.OrderId} lost its lease; retrying.");
            await FinishAsync(order, delivered, sku, settleStrays: true, cancellationToken);
            return;
        }

        if (held.Elapsed > Order.LeaseDuration / 2)
        {
            // Too slow to be sure the lease still holds: give nothing back; a later attempt will.
            throw new TimeoutException($"Order {order.OrderId}: lease nearly expired before giving keys back; retrying.");
        }

        await inventory.ReleaseAsync(sku, order.Reference, found.Union(keys), cancellationToken);
        await awaiting.AddAsync(order, cancellationToken);
        _ = await orders.TryChangeAsync(
                leased with { State = OrderState.AwaitingStock, StateReason = reason, LeaseUntil = null },
                cancellationToken)
            ?? throw new RetryLaterException($"Order {order.OrderId} lost its lease; retrying.");
        logger.LogWarning("Order {OrderId} is {State}: needs {Quantity} key(s) of {Sku}", order.OrderId, OrderState.AwaitingStock, order.Quantity, sku.Id);
        await openOrders.RemoveAsync(order, cancellationToken); // the waiting list holds it now

        // Enough keys may be in stock after all: an import finished between our claim and our joining the waiting list
        // (it did not see us), or concurrent orders each got part of the last keys and all gave them back. Only
        // enough for the whole order counts: the keys this order just gave back are not enough by themselves, and
        // asking again for them would only churn. Try again after a random delay, so that competing orders do not
        // collide again in lockstep.
        var available = (await inventory.GetStockAsync(sku, cancellationToken)).Available;
        if (available >= order.Quantity)
        {
            var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(100, 2000));
            logger.LogInformation("Order {OrderId}: {Available} key(s) of {Sku} are in stock again; retrying in {Delay}", order.OrderId, available, sku.Id, delay);
            await requests.RequestAsync(order.PartnerId, order.OrderId, cancellationToken, delay);
        }
    }

    /// <summary>
    /// The order to bind its keys to once its codes are bought; null when there is nothing more to do now: the purchase is
    /// asked about again later, or the order waits for stock, or — its payment given back in full while the codes were
    /// bought — it is cancelled, and everything reserved for it, codes bought included, goes to stock for the next buyer.
    /// </summary>
    private async Task<Order?> AfterBuyingAsync(CodeBuyingResult buying, Sku sku, CancellationToken cancellationToken)
    {
        if (buying.Waiting)
        {
            return null;
        }

        if (buying.Order.IsFullyReversed)
        {
            var cancelled = await orders.TryChangeAsync(
                    buying.Order.WithNewOutcome(clock.GetUtcNow()) with
                    {
                        State = OrderState.Cancelled, StateReason = $"payment {buying.Order.ReversalKind} recorded while codes were bought for it",
                    },
                    cancellationToken)
                ?? throw new RetryLaterException($"Order {buying.Order.OrderId} changed as it was cancelled; retrying.");
            logger.LogWarning("Order {OrderId} is {State}: {Reason}", cancelled.OrderId, OrderState.Cancelled, cancelled.StateReason);
            await SettleFinishedAsync(cancelled, sku, cancellationToken);
            return null;
        }

        if (buying.WaitForStockBecause is { } reason)
        {
            await WaitForStockAsync(buying.Order, sku, reason, cancellationToken);
            return null;
        }

        return buying.Order;
    }

    /// <summary>
    /// An order that is done (delivered, or cancelled: no key can be bound to it any more): its keys sold, every other
    /// reservation of it back to stock, off the waiting list, the partner told.
    /// </summary>
    private async Task SettleFinishedAsync(Order order, Sku sku, CancellationToken cancellationToken)
    {
        await inventory.SettleAsync(sku, order.Reference, order.State == OrderState.Cancelled ? [] : order.Keys, cancellationToken);
        await awaiting.RemoveIfPresentAsync(order, cancellationToken);
        await outcomes.PublishAsync(order, cancellationToken);
    }

    private async Task FinishAsync(Order before, Order delivered, Sku sku, bool settleStrays, CancellationToken cancellationToken)
    {
        logger.LogInformation("Order {OrderId} delivered: {Quantity} key(s) of {Sku} ({KeyIds})",
            delivered.OrderId, delivered.Quantity, sku.Id, string.Join(' ', delivered.Keys.Select(k => k.KeyId)));
        if (settleStrays)
        {
            await inventory.SettleAsync(sku, delivered.Reference, delivered.Keys, cancellationToken);
        }
        else
        {
            await inventory.SellAsync(sku, delivered.Reference, delivered.Keys, cancellationToken);
        }

        if (before.State == OrderState.AwaitingStock)
        {
            await awaiting.RemoveIfPresentAsync(delivered, cancellationToken);
        }

        await outcomes.PublishAsync(delivered, cancellationToken);
    }

    /// <summary>Another attempt holds the order: ask again once its lease is over, without using up retries.</summary>
    private async Task ComeBackAfterLeaseAsync(Order order, CancellationToken cancellationToken)
    {
        var delay = order.LeaseUntil!.Value - clock.GetUtcNow() + TimeSpan.FromMilliseconds(Random.Shared.Next(100, 1000));
        logger.LogInformation("Order {OrderId} is held by another attempt; asking again in {Delay}", order.OrderId, delay);
        await requests.RequestAsync(order.PartnerId, order.OrderId, cancellationToken, delay);
    }

    /// <summary>Another attempt changed the order first: if it delivered it, give back our spare keys.</summary>
    private async Task YieldToConcurrentAttemptAsync(Order order, Sku sku, List<KeyRef> ours, CancellationToken cancellationToken)
    {
        var current = await orders.GetAsync(order.PartnerId, order.OrderId, cancellationToken);
        if (current?.State != OrderState.Delivered)
        {
            // Not delivered (someone holds its lease or it is waiting for stock): our reservations stay, and
            // the retry or the lease holder finds them. Giving them back here could race a binding.
            throw new RetryLaterException($"Order {order.OrderId} changed during delivery; retrying.");
        }

        var bound = current.Keys.ToHashSet();
        var spare = ours.Where(k => !bound.Contains(k)).ToList();
        logger.LogInformation("Order {OrderId} was delivered by a concurrent attempt; {Count} spare key(s) return to stock", order.OrderId, spare.Count);
        await inventory.ReleaseAsync(sku, order.Reference, spare, cancellationToken);
    }

    private Order Delivered(Order order, List<KeyRef> keys)
    {
        var now = clock.GetUtcNow();
        return order with { State = OrderState.Delivered, StateReason = null, Keys = keys, DeliveredAt = now, FinalAt = now, LeaseUntil = null };
    }
}
