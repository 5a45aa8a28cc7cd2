using Fulfilment.Catalogue;
using Fulfilment.Inventory;
using Fulfilment.Orders;

namespace Fulfilment.Delivery;

/// <summary>
/// Delivers a card-key order: reserve exactly its quantity of keys, bind them to the order (an ETag-conditional
/// write: of concurrent attempts exactly one binds), then mark them sold. Crash recovery: an attempt that dies
/// after reserving leaves reservation rows naming the order; the message comes back (it is deleted only after
/// success) and the retry finds them, keeping them for the order or returning them to stock.
/// </summary>
internal sealed class CardKeyDelivery(
    OrderBook orders,
    CardKeyInventory inventory,
    AwaitingStockList awaiting,
    FulfilmentRequests requests,
    ILogger<CardKeyDelivery> logger)
{
    public async Task DeliverAsync(Order order, Sku sku, bool mayHaveRunBefore, CancellationToken cancellationToken)
    {
        if (order.State == OrderState.Delivered)
        {
            // A redelivered message for a delivered order: finish what a crashed attempt may have left.
            if (mayHaveRunBefore)
            {
                await inventory.SettleAsync(sku, order, cancellationToken);
                await awaiting.RemoveIfPresentAsync(order, cancellationToken);
            }

            return;
        }

        var reserved = mayHaveRunBefore || order.State == OrderState.AwaitingStock
            ? await inventory.FindReservationsAsync(sku, order.Reference, cancellationToken)
            : [];
        if (reserved.Count > order.Quantity)
        {
            await inventory.ReleaseAsync(sku, order.Reference, reserved.Skip(order.Quantity), cancellationToken);
            reserved = reserved.Take(order.Quantity).ToList();
        }

        var keys = reserved.Concat(await inventory.ClaimAsync(sku, order.Reference, order.Quantity - reserved.Count, cancellationToken)).ToList();
        if (keys.Count < order.Quantity)
        {
            await WaitForStockAsync(order, sku, keys, cancellationToken);
            return;
        }

        var delivered = order with { State = OrderState.Delivered, StateReason = null, Keys = keys, DeliveredAt = DateTimeOffset.UtcNow };
        if (!await orders.TryChangeAsync(delivered, cancellationToken))
        {
            await YieldToConcurrentAttemptAsync(order, sku, keys, cancellationToken);
            return;
        }

        logger.LogInformation("Order {OrderId} delivered: {Quantity} key(s) of {Sku} ({KeyIds})",
            order.OrderId, order.Quantity, sku.Id, string.Join(' ', keys.Select(k => k.KeyId)));
        await inventory.SellAsync(sku, order.Reference, keys, cancellationToken);
        if (order.State == OrderState.AwaitingStock)
        {
            await awaiting.RemoveIfPresentAsync(order, cancellationToken);
        }
    }

    /// <summary>Not enough stock: give back what was reserved, and wait (oldest first) for an import.</summary>
    private async Task WaitForStockAsync(Order order, Sku sku, List<KeyRef> reserved, CancellationToken cancellationToken)
    {
        await inventory.ReleaseAsync(sku, order.Reference, reserved, cancellationToken);
        await awaiting.AddAsync(order, cancellationToken);
        if (order.State != OrderState.AwaitingStock
            && !await orders.TryChangeAsync(order with { State = OrderState.AwaitingStock, StateReason = $"not enough keys of {sku.Id} in stock" }, cancellationToken))
        {
            throw new InvalidOperationException($"Order {order.OrderId} changed while waiting for stock; retrying.");
        }

        logger.LogWarning("Order {OrderId} is {State}: needs {Quantity} key(s) of {Sku}", order.OrderId, OrderState.AwaitingStock, order.Quantity, sku.Id);

        // Keys may be in stock after all: an import finished between our claim and our joining the waiting list
        // (it did not see us), or concurrent orders each got part of the last keys and all gave them back.
        // Try again after a random delay, so that competing orders do not collide again in lockstep.
        if (await inventory.HasStockAsync(sku, cancellationToken))
        {
            var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(100, 2000));
            logger.LogInformation("Order {OrderId}: keys of {Sku} are in stock again; retrying in {Delay}", order.OrderId, sku.Id, delay);
            await requests.RequestAsync(order.PartnerId, order.OrderId, cancellationToken, delay);
        }
    }

    /// <summary>Another attempt changed the order first: keep its outcome, give back our keys.</summary>
    private async Task YieldToConcurrentAttemptAsync(Order order, Sku sku, List<KeyRef> ours, CancellationToken cancellationToken)
    {
        var current = await orders.GetAsync(order.PartnerId, order.OrderId, cancellationToken);
        if (current?.State != OrderState.Delivered)
        {
            throw new InvalidOperationException($"Order {order.OrderId} changed during delivery; retrying.");
        }

        var bound = current.Keys.ToHashSet();
        var spare = ours.Where(k => !bound.Contains(k)).ToList();
        logger.LogInformation("Order {OrderId} was delivered by a concurrent attempt; {Count} spare key(s) return to stock", order.OrderId, spare.Count);
        await inventory.ReleaseAsync(sku, order.Reference, spare, cancellationToken);
    }
}
