using Azure;
using Fulfilment.Catalogue;
using Microsoft.Extensions.Options;

namespace Fulfilment.Orders;

/// <summary>
/// Opens an order before payment: the partner asks for goods, and learns the amount and currency to charge, the
/// reference to hand its payment provider and until when the order waits for payment. The order passes the same
/// acceptance rules a paid notification does (the catalogue's first), so an order that could never be fulfilled is
/// refused before the buyer pays. Opening it again with the same request answers the same order; another request under
/// the same order id is a conflict. For a SKU that holds stock, the order's keys are held until its window ends
/// (<see cref="StockHolds"/>).
/// </summary>
internal sealed class OrderOpening(
    SkuCatalogue catalogue,
    OrderBook orders,
    PaymentReferences references,
    StockHolds holds,
    RiskScreening risk,
    IEnumerable<IOrderAcceptanceRule> rules,
    IOptions<OrderOpeningOptions> options,
    TimeProvider clock,
    ILogger<OrderOpening> logger)
{
    private readonly IOrderAcceptanceRule[] rules = [.. rules];

    public async Task<OrderOpeningResult> OpenAsync(string partnerId, OrderRequest request, CancellationToken cancellationToken)
    {
        var sku = await catalogue.FindAsync(request.Sku, cancellationToken);
        if (sku is null)
        {
            return OrderOpeningResult.Refused(new PaymentRefusal("unknown_sku", $"No SKU '{request.Sku}'."));
        }

        var purchase = new PaymentNotification(
            request.OrderId, request.Sku, request.Quantity, sku.UnitPrice * request.Quantity, sku.Currency, request.BuyerReference, request.TargetAccount);
        foreach (var rule in rules)
        {
            if (await rule.CheckAsync(partnerId, purchase, sku, cancellationToken) is { } refusal)
            {
                return OrderOpeningResult.Refused(refusal);
            }
        }

        var now = clock.GetUtcNow();
        var holding = sku.HoldStock && sku.Kind == SkuKind.CardKey;
        var candidate = new Order(
            partnerId, request.OrderId, sku.Id, sku.Kind, request.Quantity, purchase.Amount, purchase.Currency, request.BuyerReference,
            request.TargetAccount, null, OrderState.Opened, null, [], null, null, ETag.All)
        {
            OpenedAt = now,
            ExpiresAt = now + TimeSpan.FromSeconds(options.Value.PaymentWindowSeconds),
            PaymentReference = PaymentReferences.For(partnerId, request.OrderId),
            ClaimStartedAt = holding ? now : null, // reservations may exist from here on: fulfilment looks for them
            Signals = risk.SignalsOf(request.Buyer),
        };
        if (await risk.CheckOpeningAsync(candidate, cancellationToken) is { } refused)
        {
            // Opening the same order again answers it, whatever the rules say now; anything else is refused, and nothing is written.
            return await orders.GetAsync(partnerId, request.OrderId, cancellationToken) is { } existing && existing.SameRequestAs(candidate)
                ? OrderOpeningResult.Opened(existing, existing: true)
                : OrderOpeningResult.Refused(refused);
        }

        // The reference first: an order is never written that its provider's notification could not find.
        await references.AddAsync(partnerId, request.OrderId, cancellationToken);
        var (outcome, order) = await orders.PlaceAsync(candidate, cancellationToken);
        if (outcome == PlaceOutcome.Created)
        {
            logger.LogInformation("Order {OrderId} of partner {PartnerId} opened: {Quantity} x {Sku} for {Amount} {Currency}, awaiting payment until {ExpiresAt}",
                order.OrderId, partnerId, order.Quantity, order.Sku, order.Amount, order.Currency, order.ExpiresAt);
            return OrderOpeningResult.Opened(holding ? await holds.HoldAsync(order, sku, cancellationToken) : order, existing: false);
        }

        if (!order.SameRequestAs(candidate))
        {
            logger.LogWarning("Order {OrderId} of partner {PartnerId}: opened again with another SKU, quantity, buyer or account", order.OrderId, partnerId);
            return OrderOpeningResult.Refused(new PaymentRefusal(PaymentRefusal.OrderConflict,
                $"Order '{order.OrderId}' exists with a different SKU, quantity, buyer or account."));
        }

        return OrderOpeningResult.Opened(order, existing: true);
    }
}
