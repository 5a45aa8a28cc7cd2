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
    public async Task<(Order? Order, bool Decided)> ApproveAsync(string partnerId, string orderId, string by, string why, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(partnerId, orderId, cancellationToken);
        while (order is { State: OrderState.HeldForReview })
        {
            var approved = order with { State = OrderState.Paid, StateReason = $"approved by {by}: {why}", FinalAt = null, NotificationStatus = null, NotificationAttempts = 0, NotificationError = null };
            await openOrders.AddAsync(approved, cancellationToken); // before it is paid again, as for any paid order
            if (await orders.TryChangeAsync(approved, cancellationToken) is { } written)
            {
                logger.LogWarning("Order {OrderId} of partner {PartnerId} approved after review by {By}: {Why}", orderId, partnerId, by, why);
                await fulfilment.RequestAsync(partnerId, orderId, cancellationToken);
                await reviews.RemoveAsync(partnerId, orderId, cancellationToken);
                return (written, true);
            }

            order = await orders.GetAsync(partnerId, orderId, cancellationToken);
        }

        return (order, false);
    }

    /// <summary>Ops refuse a held order: nothing is delivered, the partner is told to refund. The order (null if none), and whether this call decided it.</summary>
    public async Task<(Order? Order, bool Decided)> RefuseAsync(string partnerId, string orderId, string by, string why, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(partnerId, orderId, cancellationToken);
        while (order is { State: OrderState.HeldForReview })
        {
            var refused = order with
            {
                State = OrderState.Refused, StateReason = $"refused by {by}: {why}", FinalAt = clock.GetUtcNow(),
                NotificationStatus = null, NotificationAttempts = 0, NotificationError = null,
            };
            await openOrders.AddAsync(refused, cancellationToken); // until it is published: a crash before that leaves it to the sweep
            if (await orders.TryChangeAsync(refused, cancellationToken) is { } written)
            {
                logger.LogWarning("Order {OrderId} of partner {PartnerId} refused after review by {By}: {Why}", orderId, partnerId, by, why);
                await FollowUpAsync(written, cancellationToken);
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
