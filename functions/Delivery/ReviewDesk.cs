using Fulfilment.Catalogue;
using Fulfilment.Inventory;
using Fulfilment.Ops;
using Fulfilment.Orders;
using Fulfilment.Risk;
using Microsoft.Extensions.Options;

namespace Fulfilment.Delivery;

/// <summary>
/// What follows a risk decision made when the payment arrived, and ops' review of held orders:
/// <list type="bullet">
/// <item>held for review: listed for ops (<see cref="OrderReviews"/>), the partner told (<c>order.held-for-review</c>);
/// past <see cref="RiskOptions.ReviewDeadlineMinutes"/> an ops alert is raised, once;</item>
/// <item>approved: paid again, with who and why in its trace, and fulfilled like any paid order;</item>
/// <item>refused by risk, or refused by ops: keys held for it back in stock, its risk counts given back, the
/// partner told to refund (<c>order.refused-by-risk</c>, <c>order.refused</c>), the redemption log written.</item>
/// </list>
/// Every step is idempotent: the fulfilment message that brings a decided order here may come again.
/// </summary>
internal sealed class ReviewDesk(
    OrderBook orders,
    OrderReviews reviews,
    OpenOrders openOrders,
    FulfilmentRequests fulfilment,
    SkuCatalogue catalogue,
    CardKeyInventory inventory,
    OrderOutcomes outcomes,
    OpsAlerts alerts,
    IOptions<RiskOptions> options,
    TimeProvider clock,
    ILogger<ReviewDesk> logger)
{
    public const string OverdueAlert = "review-overdue";

    /// <summary>Publishes a risk decision (held, refused by risk, refused by ops).</summary>
    public async Task FollowUpAsync(Order order, CancellationToken cancellationToken)
    {
        if (order.State == OrderState.HeldForReview)
        {
            await reviews.AddAsync(order, (order.HeldForReviewAt ?? clock.GetUtcNow()) + TimeSpan.FromMinutes(options.Value.ReviewDeadlineMinutes), cancellationToken);
            await outcomes.PublishAsync(order, cancellationToken);
            return;
        }

        if (order.ClaimStartedAt is not null && order.SkuKind == SkuKind.CardKey && await catalogue.FindAsync(order.Sku, cancellationToken) is { } sku)
        {
            // Keys held for it when it was opened: no attempt binds keys to a refused order, so they go straight back.
            await inventory.ReleaseAsync(sku, order.Reference, await inventory.FindReservationsAsync(sku, order.Reference, cancellationToken), cancellationToken);
        }

        await outcomes.PublishAsync(order, cancellationToken);
        await reviews.RemoveAsync(order.PartnerId, order.OrderId, cancellationToken);
    }

    /// <summary>Ops approve a held order: it is paid and fulfilled. The order (null if none), and whether this call decided it.</summary>
    public Task<(Order? Order, bool Decided)> ApproveAsync(string partnerId, string orderId, string by, string why, CancellationToken cancellationToken) =>
        DecideAsync(partnerId, orderId, held => held.WithNewOutcome(finalAt: null) with { State = OrderState.Paid, StateReason = $"approved by {by}: {why}" },
            async approved =>
            {
                logger.LogWarning("Order {OrderId} of partner {PartnerId} approved after review by {By}: {Why}", orderId, partnerId, by, why);
                await fulfilment.RequestAsync(partnerId, orderId, cancellationToken);
                await reviews.RemoveAsync(partnerId, orderId, cancellationToken);
            },
            cancellationToken);

    /// <summary>Ops refuse a held order: nothing is delivered, the partner is told to refund. The order (null if none), and whether this call decided it.</summary>
    public Task<(Order? Order, bool Decided)> RefuseAsync(string partnerId, string orderId, string by, string why, CancellationToken cancellationToken) =>
        DecideAsync(partnerId, orderId, held => held.WithNewOutcome(clock.GetUtcNow()) with { State = OrderState.Refused, StateReason = $"refused by {by}: {why}" },
            async refused =>
            {
                logger.LogWarning("Order {OrderId} of partner {PartnerId} refused after review by {By}: {Why}", orderId, partnerId, by, why);
                await FollowUpAsync(refused, cancellationToken);
            },
            cancellationToken);

    /// <summary>
    /// Writes ops' decision on a held order (ETag-conditional: of two decisions at once, one wins and the other finds the
    /// order decided), then does what follows it. The open-orders row goes first, as for any paid order: a crash after
    /// the write leaves the order to the sweep.
    /// </summary>
    private async Task<(Order? Order, bool Decided)> DecideAsync(
        string partnerId, string orderId, Func<Order, Order> decide, Func<Order, Task> then, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(partnerId, orderId, cancellationToken);
        while (order is { State: OrderState.HeldForReview })
        {
            var decided = decide(order);
            await openOrders.AddAsync(decided, cancellationToken);
            if (await orders.TryChangeAsync(decided, cancellationToken) is { } written)
            {
                await then(written);
                return (written, true);
            }

            order = await orders.GetAsync(partnerId, orderId, cancellationToken);
        }

        return (order, false);
    }

    /// <summary>Raises one ops alert per held order past its deadline; how many.</summary>
    public async Task<int> AlertOverdueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var alerted = 0;
        foreach (var review in await reviews.FindOverdueAsync(now, cancellationToken))
        {
            if (await orders.GetAsync(review.PartnerId, review.OrderId, cancellationToken) is not { State: OrderState.HeldForReview })
            {
                await reviews.RemoveAsync(review.PartnerId, review.OrderId, cancellationToken); // decided meanwhile
                continue;
            }

            await alerts.RaiseAsync(OverdueAlert, review.PartnerId, review.OrderId,
                $"held for review since {review.HeldAt:u} ({review.Rule}: {review.Detail}), past its deadline {review.Deadline:u}: approve or refuse it", cancellationToken);
            await reviews.MarkAlertedAsync(review, now, cancellationToken);
            alerted++;
        }

        return alerted;
    }
}
