using Fulfilment.Catalogue;
using Fulfilment.Contract;
using Fulfilment.Crypto;
using Fulfilment.Inventory;
using Fulfilment.Orders;

namespace Fulfilment.Delivery;

/// <summary>
/// What a partner sees of one of its orders: its state and, once delivered, its keys opened in memory. The caller is
/// already known to be <c>partnerId</c>; another partner's order is simply not found under it.
/// </summary>
internal sealed class PartnerOrders(OrderBook orders, SkuCatalogue catalogue, CardKeyInventory inventory, ILogger<PartnerOrders> logger)
{
    public async Task<PartnerOrderLookup> GetAsync(string partnerId, string orderId, CancellationToken cancellationToken)
    {
        var order = await orders.GetAsync(partnerId, orderId, cancellationToken);
        if (order is null)
        {
            return PartnerOrderLookup.NotFound;
        }

        var keys = new List<DeliveredKey>();
        if (order.State == OrderState.Delivered && order.Keys.Count > 0 && await catalogue.FindAsync(order.Sku, cancellationToken) is { } sku)
        {
            try
            {
                keys.AddRange((await inventory.OpenAsync(sku, order.Keys, cancellationToken)).Select(k => new DeliveredKey(k.KeyId, k.CardKey)));
            }
            catch (SealedValueException e)
            {
                // Stored key material that does not open was tampered with, moved, or its KEK version is gone: never guess.
                logger.LogCritical("Order {OrderId}: its keys cannot be opened ({Reason}); check the key rows and the KEK versions", order.OrderId, e.Message);
                return PartnerOrderLookup.KeysCannotBeOpened;
            }

            logger.LogInformation("Order {OrderId}: partner {PartnerId} fetched its {Count} key(s)", order.OrderId, partnerId, keys.Count);
        }

        var (reasonCode, reason) = PartnerReason.For(order);
        return PartnerOrderLookup.Found(new PartnerOrder(
            order.OrderId, order.Sku, order.Quantity, order.Amount, order.Currency, order.BuyerReference,
            order.State, reasonCode, reason, order.PaidAt, order.DeliveredAt, keys, order.PaymentReference, order.ExpiresAt));
    }
}
