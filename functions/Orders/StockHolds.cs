using System.Diagnostics;
using System.Globalization;
using Fulfilment.Catalogue;
using Fulfilment.Inventory;
using Microsoft.Extensions.Options;

namespace Fulfilment.Orders;

/// <summary>
/// Card keys held for orders opened before payment (SKUs with <see cref="Sku.HoldStock"/>): reserved for the order when
/// it opens, kept for its payment when it is paid (fulfilment finds them as it finds any reservation of the order), given
/// back to stock when its payment window ends unpaid. A buyer holds keys for at most
/// <see cref="OrderOpeningOptions.MaxHeldOrdersPerBuyer"/> orders at once; further orders open without a hold.
/// <para>
/// Giving held keys back races a payment arriving at that instant. Keys go back only under the order's lease (the same
/// rule as <c>CardKeyDelivery</c>): the lease is written with the order's change to <c>expired</c>, so a payment that
/// comes after it waits for the lease before its fulfilment looks for keys, and a payment that came first leaves the
/// keys to its fulfilment.
/// </para>
/// </summary>
internal sealed class StockHolds(
    OrderBook orders,
    CardKeyInventory inventory,
    PaymentHolds holds,
    SkuCatalogue catalogue,
    FulfilmentRequests fulfilment,
    IOptions<OrderOpeningOptions> options,
    TimeProvider clock,
    ILogger<StockHolds> logger)
{
    /// <summary>Holds keys for a newly opened order: the order as held, or still opened with why it holds nothing.</summary>
    public async Task<Order> HoldAsync(Order opened, Sku sku, CancellationToken cancellationToken)
    {
        var held = await holds.CountAsync(opened.PartnerId, opened.BuyerReference, cancellationToken);
        if (held >= options.Value.MaxHeldOrdersPerBuyer)
        {
            return await NoteAsync(opened, $"not held: the buyer already holds keys for {held} opened order(s), the most allowed", cancellationToken);
        }

        await holds.AddAsync(opened, cancellationToken); // before any claim: the release timer always finds what to give back
        var keys = await inventory.ClaimAsync(sku, opened.Reference, opened.Quantity, cancellationToken);
        if (keys.Count < opened.Quantity)
        {
            var note = $"not held: {keys.Count} of {opened.Quantity} key(s) of {sku.Id} in stock";
            return keys.Count == 0 ? await NoteAsync(opened, note, cancellationToken) : await GiveBackAsync(opened, sku, opened.State, note, cancellationToken);
        }

        var written = await orders.TryChangeAsync(
            opened with { State = OrderState.Held, StateReason = $"{keys.Count} key(s) held until {opened.ExpiresAt:u}" }, cancellationToken);
        if (written is null)
        {
            // Paid already (its reference was known as soon as the order was written): its fulfilment finds the keys.
            return await orders.GetAsync(opened.PartnerId, opened.OrderId, cancellationToken) ?? opened;
        }

        logger.LogInformation("Order {OrderId} of partner {PartnerId} holds {Count} key(s) of {Sku} until {ExpiresAt}",
            written.OrderId, written.PartnerId, keys.Count, sku.Id, written.ExpiresAt);
        return written;
    }

    /// <summary>Gives back the keys of every hold whose payment window ended before <paramref name="endedBefore"/>; how many orders it expired.</summary>
    public async Task<int> ReleaseEndedAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        var released = 0;
        foreach (var hold in await holds.FindEndedAsync(endedBefore, cancellationToken))
        {
            var order = await orders.GetAsync(hold.PartnerId, hold.OrderId, cancellationToken);
            if (order is null || !order.IsAwaitingPayment)
            {
                await holds.RemoveAsync(hold, cancellationToken); // paid: its fulfilment has the keys; or never written
                continue;
            }

            if (order.ExpiresAt > endedBefore || order.IsLeasedAt(clock.GetUtcNow()))
            {
                continue; // another instance is giving them back; or the row is older than the order's window
            }

            var sku = await catalogue.FindAsync(order.Sku, cancellationToken);
            if (sku is null)
            {
                await holds.RemoveAsync(hold, cancellationToken);
                continue;
            }

            var note = $"payment window ended at {order.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture)}: held keys back in stock; a payment is still honoured";
            if (await GiveBackAsync(order, sku, OrderState.Expired, note, cancellationToken) is { State: OrderState.Expired })
            {
                released++;
            }
        }

        return released;
    }

    /// <summary>
    /// Under the order's lease: every key reserved for it back to stock, the order in <paramref name="state"/> with
    /// <paramref name="note"/>, the hold row gone. If the order changed first (a payment), nothing is given back.
    /// </summary>
    private async Task<Order> GiveBackAsync(Order order, Sku sku, string state, string note, CancellationToken cancellationToken)
    {
        var lease = Stopwatch.StartNew();
        var leased = await orders.TryChangeAsync(order with { State = state, StateReason = note, LeaseUntil = clock.GetUtcNow() + Order.LeaseDuration }, cancellationToken);
        if (leased is null)
        {
            logger.LogInformation("Order {OrderId} of partner {PartnerId} changed before its held keys went back: they stay reserved for it", order.OrderId, order.PartnerId);
            return await orders.GetAsync(order.PartnerId, order.OrderId, cancellationToken) ?? order;
        }

        var reserved = await inventory.FindReservationsAsync(sku, order.Reference, cancellationToken);
        if (lease.Elapsed > Order.LeaseDuration / 2)
        {
            throw new TimeoutException($"Order {order.OrderId}: lease nearly over before its held keys went back; the next round gives them back.");
        }

        await inventory.ReleaseAsync(sku, order.Reference, reserved, cancellationToken);
        await holds.RemoveAsync(order, cancellationToken);
        logger.LogInformation("Order {OrderId} of partner {PartnerId}: {Count} held key(s) of {Sku} back in stock ({State})",
            order.OrderId, order.PartnerId, reserved.Count, sku.Id, state);

        return await EndLeaseAsync(leased, cancellationToken);
    }

    /// <summary>
    /// Ends our lease on the order. A payment may have changed the order meanwhile: its fulfilment, told to come back
    /// after the lease, is asked again now, so a payment at the very end of the window is not delayed by it.
    /// </summary>
    private async Task<Order> EndLeaseAsync(Order leased, CancellationToken cancellationToken)
    {
        var current = leased;
        while (current.LeaseUntil is { } until && (until - leased.LeaseUntil!.Value).Duration() < TimeSpan.FromMilliseconds(1)) // ours (storage keeps milliseconds)
        {
            if (await orders.TryChangeAsync(current with { LeaseUntil = null }, cancellationToken) is { } ended)
            {
                if (ended.State == OrderState.Paid)
                {
                    await fulfilment.RequestAsync(ended.PartnerId, ended.OrderId, cancellationToken);
                }

                return ended;
            }

            current = await orders.GetAsync(leased.PartnerId, leased.OrderId, cancellationToken) ?? leased;
        }

        return current;
    }

    private async Task<Order> NoteAsync(Order order, string note, CancellationToken cancellationToken)
    {
        logger.LogInformation("Order {OrderId} of partner {PartnerId} opened without a hold: {Reason}", order.OrderId, order.PartnerId, note);
        await holds.RemoveAsync(order, cancellationToken);
        return await orders.TryChangeAsync(order with { StateReason = note }, cancellationToken)
            ?? await orders.GetAsync(order.PartnerId, order.OrderId, cancellationToken) ?? order;
    }
}
