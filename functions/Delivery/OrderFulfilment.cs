using Fulfilment.Catalogue;
using Fulfilment.Hosting;
using Fulfilment.Orders;

namespace Fulfilment.Delivery;

/// <summary>Fulfils one paid order according to its SKU's kind. Safe to run any number of times, concurrently.</summary>
internal sealed class OrderFulfilment(
    OrderBook orders, SkuCatalogue catalogue, CardKeyDelivery cardKeys, SupplierDelivery viaSuppliers, ILogger<OrderFulfilment> logger)
{
    public async Task FulfilAsync(FulfilmentRequest request, long dequeueCount, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(request.PartnerId, request.OrderId, cancellationToken)
            ?? throw new PoisonMessageException($"order {request.OrderId} of partner {request.PartnerId} does not exist");
        var sku = await catalogue.FindAsync(order.Sku, cancellationToken)
            ?? throw new PoisonMessageException($"order {order.OrderId} refers to SKU {order.Sku}, which no longer exists");

        if (order.SkuKind == SkuKind.CardKey)
        {
            await cardKeys.DeliverAsync(order, sku, mayHaveRunBefore: dequeueCount > 1, cancellationToken);
        }
        else if (order.SkuKind is SkuKind.DirectTopUp or SkuKind.Redemption)
        {
            await viaSuppliers.DeliverAsync(order, sku, mayHaveRunBefore: dequeueCount > 1, cancellationToken);
        }
        else if (order.State == OrderState.Paid
            && await orders.TryChangeAsync(order with { State = OrderState.Unsupported, StateReason = $"{order.SkuKind} fulfilment is not available yet" }, cancellationToken) is not null)
        {
            logger.LogWarning("Order {OrderId} is {State}: {SkuKind} fulfilment is not available yet", order.OrderId, OrderState.Unsupported, order.SkuKind);
        }
    }
}
