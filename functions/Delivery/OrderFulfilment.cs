using Fulfilment.Catalogue;
using Fulfilment.Observability;
using Fulfilment.Orders;
using Fulfilment.Storage;

namespace Fulfilment.Delivery;

/// <summary>Fulfils paid orders according to their SKU's kind. Safe to run any number of times, concurrently: no step
/// trusts the message's dequeue count to say whether an earlier attempt ran (a replayed or re-queued message has count 1).</summary>
internal sealed class OrderFulfilment(
    OrderBook orders,
    SkuCatalogue catalogue,
    CardKeyDelivery cardKeys,
    SupplierDelivery viaSuppliers,
    FulfilmentRequests requests,
    ReviewDesk reviewDesk,
    QueueMessages queueMessages,
    ILogger<OrderFulfilment> logger)
{
    /// <summary>How long an order that failed inside a message of several waits before it is tried again on its own.</summary>
    private static readonly TimeSpan RetryAlone = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fulfils the orders one message names, all at once (so that their claims share transactions). With several, one
    /// order's failure is its own: an order that can never be fulfilled goes alone to the poison queue with its reason,
    /// and an order that failed otherwise is queued again on a message of its own, retried and poisoned like any. An
    /// outage fails the whole message, so that the invocation waits it out and runs it again: the orders that were
    /// fulfilled meanwhile are found done.
    /// </summary>
    public async Task FulfilAllAsync(IReadOnlyList<FulfilmentRequest> named, QueueInvocation invocation, CancellationToken cancellationToken)
    {
        if (named is [var single])
        {
            await FulfilAsync(single, cancellationToken);
            return;
        }

        var distinct = named.DistinctBy(r => (r.PartnerId, r.OrderId)).ToList();
        var outcomes = await Task.WhenAll(distinct.Select(async request =>
        {
            try
            {
                await FulfilAsync(request, cancellationToken);
                return (Request: request, Failure: (Exception?)null);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                return (Request: request, Failure: e);
            }
        }));
        var failed = outcomes.Where(o => o.Failure is not null).ToList();
        if (failed.FirstOrDefault(o => Outage.IsOutage(o.Failure!, cancellationToken)).Failure is { } outage)
        {
            throw outage;
        }

        foreach (var (request, failure) in failed)
        {
            if (failure is PoisonMessageException poison)
            {
                logger.LogWarning("Order {OrderId} of partner {PartnerId} cannot be fulfilled and goes to the poison queue: {Reason}",
                    request.OrderId, request.PartnerId, poison.Message);
                await queueMessages.PoisonAsync(invocation with { MessageText = FulfilmentRequests.TextOf([request]) }, poison.Message, cancellationToken);
            }
            else
            {
                if (failure is RetryLaterException later)
                {
                    logger.LogInformation("Order {OrderId} of partner {PartnerId} in message {MessageId} is tried again on its own in {Delay}: {Reason}",
                        request.OrderId, request.PartnerId, invocation.MessageId, RetryAlone, later.Message);
                }
                else
                {
                    logger.LogWarning(failure, "Order {OrderId} of partner {PartnerId} failed in message {MessageId}; it is tried again on its own in {Delay}",
                        request.OrderId, request.PartnerId, invocation.MessageId, RetryAlone);
                }

                await requests.RequestAgainAsync(invocation.QueueName, request, RetryAlone, cancellationToken);
            }
        }
    }

    public async Task FulfilAsync(FulfilmentRequest request, CancellationToken cancellationToken)
    {
        using var span = OrderTracing.Start("fulfil order", request.PartnerId, request.OrderId, request.TraceParent);
        var order = await orders.GetAsync(request.PartnerId, request.OrderId, cancellationToken)
            ?? throw new PoisonMessageException($"order {request.OrderId} of partner {request.PartnerId} does not exist");
        if (order.IsAwaitingPayment)
        {
            // Only a payment queues an order; a message for an unpaid one (replayed by hand, say) has nothing to do yet.
            logger.LogWarning("Order {OrderId} of partner {PartnerId} is not paid yet ({State}): nothing to fulfil", order.OrderId, order.PartnerId, order.State);
            return;
        }

        if (order.IsDecidedByRisk)
        {
            await reviewDesk.FollowUpAsync(order, cancellationToken); // decided by the shop's risk rules when paid: published, not fulfilled
            return;
        }

        var sku = await catalogue.FindAsync(order.Sku, cancellationToken)
            ?? throw new PoisonMessageException($"order {order.OrderId} refers to SKU {order.Sku}, which no longer exists");

        await (order.SkuKind switch
        {
            SkuKind.CardKey => cardKeys.DeliverAsync(order, sku, cancellationToken),
            SkuKind.DirectTopUp or SkuKind.Redemption => viaSuppliers.DeliverAsync(order, sku, cancellationToken),
            // SaveSku accepts only known kinds: another kind is data the app did not write.
            _ => throw new PoisonMessageException($"order {order.OrderId} has SKU kind '{order.SkuKind}', which nothing fulfils"),
        });
    }
}
