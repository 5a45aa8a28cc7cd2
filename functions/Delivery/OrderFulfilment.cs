using Fulfilment.Catalogue;
using Fulfilment.Hosting;
using Fulfilment.Orders;

namespace Fulfilment.Delivery;

/// <summary>Fulfils one paid order according to its SKU's kind. Safe to run any number of times, concurrently: no step
/// trusts the message's dequeue count to say whether an earlier attempt ran (a replayed or re-queued message has count 1).</summary>
internal sealed class OrderFulfilment(
    OrderBook orders, SkuCatalogue catalogue, CardKeyDelivery cardKeys, SupplierDelivery viaSuppliers)
{
    public async Task FulfilAsync(FulfilmentRequest request, CancellationToken cancellationToken)
    {
        using var span = OrderTracing.Start("fulfil order", request.PartnerId, request.OrderId, request.TraceParent);
        var order = await orders.GetAsync(request.PartnerId, request.OrderId, cancellationToken)
            ?? throw new PoisonMessageException($"order {request.OrderId} of partner {request.PartnerId} does not exist");
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
