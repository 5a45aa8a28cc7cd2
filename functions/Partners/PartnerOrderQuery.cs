using Fulfilment.Catalogue;
using Fulfilment.Crypto;
using Fulfilment.Http;
using Fulfilment.Inventory;
using Fulfilment.Orders;

namespace Fulfilment.Partners;

/// <summary>
/// What a partner sees of one of its orders (the caller is already known to be <c>partnerId</c>: the route's access
/// rule checked its API key).
/// </summary>
internal sealed class PartnerOrderQuery(OrderBook orders, SkuCatalogue catalogue, CardKeyInventory inventory, ILogger<PartnerOrderQuery> logger)
{
    public async Task<IResult> GetAsync(string partnerId, string orderId, HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var order = await orders.GetAsync(partnerId, orderId, cancellationToken);
        if (order is null)
        {
            return ApiResults.NotFound($"No order '{orderId}'.");
        }

        var keys = new List<DeliveredKey>();
        if (order.State == OrderState.Delivered && await catalogue.FindAsync(order.Sku, cancellationToken) is { } sku)
        {
            try
            {
                keys.AddRange((await inventory.OpenAsync(sku, order.Keys, cancellationToken)).Select(k => new DeliveredKey(k.KeyId, k.CardKey)));
            }
            catch (SealedValueException e)
            {
                // Stored key material that does not open was tampered with, moved, or its KEK version is gone: never guess.
                logger.LogCritical("Order {OrderId}: its keys cannot be opened ({Reason}); check the key rows and the KEK versions", order.OrderId, e.Message);
                return ApiResults.Error(StatusCodes.Status500InternalServerError, "keys_unavailable",
                    "The order's keys cannot be opened right now; our operators have been alerted. Retry later.");
            }

            logger.LogInformation("Order {OrderId}: partner {PartnerId} fetched its {Count} key(s)", order.OrderId, partnerId, keys.Count);
        }

        var (reasonCode, reason) = PartnerReason.For(order);
        request.HttpContext.Response.Headers.CacheControl = "no-store"; // it may carry plaintext keys
        return Results.Json(new PartnerOrderView(
            order.OrderId, order.Sku, order.Quantity, order.Amount, order.Currency, order.BuyerReference,
            order.State, reasonCode, reason, order.PaidAt, order.DeliveredAt, keys));
    }

    private sealed record DeliveredKey(string KeyId, string Code);

    /// <summary>The order as its partner sees it: stable reason codes, never our internals (suppliers, references, errors).</summary>
    private sealed record PartnerOrderView(
        string OrderId, string Sku, int Quantity, decimal Amount, string Currency, string BuyerReference,
        string State, string? ReasonCode, string? Reason, DateTimeOffset PaidAt, DateTimeOffset? DeliveredAt, IReadOnlyList<DeliveredKey> Keys);
}
