using Azure;
using Fulfilment.Catalogue;
using Fulfilment.Http;
using Fulfilment.Observability;
using Fulfilment.Partners;
using Fulfilment.Webhooks;
using Microsoft.Extensions.Options;

namespace Fulfilment.Orders;

/// <summary>
/// Turns a signed payment webhook into a paid order: verify, validate, write the order durably, queue its
/// fulfilment, and only then answer 2xx. Every rejection writes nothing. A duplicate (a retried or concurrent
/// delivery of the same payment) answers with the order already written and never causes a second fulfilment.
/// </summary>
internal sealed class PaymentAcceptance(
    PartnerDirectory partners,
    SkuCatalogue catalogue,
    OrderBook orders,
    OpenOrders openOrders,
    FulfilmentRequests fulfilment,
    PartnerRateLimit rateLimit,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<PaymentAcceptance> logger)
{
    public async Task<IResult> AcceptAsync(string partnerId, HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var body = await ApiResults.ReadBodyAsync(request, WebhookOptions.MaxBodyBytes);
        if (body is null)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {WebhookOptions.MaxBodyBytes} bytes.");
        }

        // A source whose webhooks keep failing verification is not even looked up for a partner this instance does not
        // know; a partner's correctly signed webhooks are never limited by source (a flash sale comes from one backend).
        if (!partners.IsKnown(partnerId) && rateLimit.IsSourceSpent(request.HttpContext) is { } spent)
        {
            return spent;
        }

        // An unknown partner fails exactly as a wrong signature does: partner ids cannot be enumerated.
        var partner = PartnerId.IsValid(partnerId) ? await partners.FindAsync(partnerId, cancellationToken) : null;
        var webhookId = request.Headers[StandardWebhook.IdHeader].ToString();
        var failure = StandardWebhook.Verify(
            partner?.ActiveSecrets(clock.GetUtcNow()).Select(s => s.Value) ?? [],
            webhookId,
            request.Headers[StandardWebhook.TimestampHeader].ToString(),
            request.Headers[StandardWebhook.SignatureHeader].ToString(),
            body,
            clock.GetUtcNow(),
            TimeSpan.FromSeconds(options.Value.ToleranceSeconds),
            out var verifiedBy);
        if (failure != SignatureFailure.None || partner is null)
        {
            if (rateLimit.ThrottleSource(request.HttpContext) is { } throttled)
            {
                return throttled;
            }

            logger.LogWarning("Webhook {WebhookId} for partner {PartnerId} rejected: {SignatureFailure}", webhookId, partnerId, failure);
            return SignatureRejection(failure, options.Value.ToleranceSeconds);
        }

        await partners.NoteSecretUsedAsync(partner, verifiedBy!, cancellationToken);
        var (notification, problems) = PaymentNotification.Parse(body);
        if (notification is null)
        {
            return ApiResults.Error(StatusCodes.Status400BadRequest, "invalid_payload", "The payment notification is not valid.", problems);
        }

        var sku = await catalogue.FindAsync(notification.Sku, cancellationToken);
        if (sku is null)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "unknown_sku", $"No SKU '{notification.Sku}'.");
        }

        var mismatch = CheckAgainstCatalogue(notification, sku);
        if (mismatch is not null)
        {
            return mismatch;
        }

        // The open-orders row first: if we die after writing the order and before queueing it, a sweep finds it.
        using var span = OrderTracing.Start("accept payment", partnerId, notification.OrderId, kind: System.Diagnostics.ActivityKind.Server);
        var candidate = NewOrder(partnerId, webhookId, notification, sku);
        await openOrders.AddAsync(candidate, cancellationToken);
        var (outcome, order) = await orders.PlaceAsync(candidate, cancellationToken);
        if (outcome != PlaceOutcome.Created)
        {
            await openOrders.RemoveAsync(candidate, cancellationToken); // the order was paid before: its own row stands
        }

        switch (outcome)
        {
            case PlaceOutcome.Conflict:
                logger.LogWarning("Order {OrderId} of partner {PartnerId}: webhook {WebhookId} differs from the order already paid", order.OrderId, partnerId, webhookId);
                return ApiResults.Error(StatusCodes.Status409Conflict, "order_conflict",
                    $"Order '{order.OrderId}' was already paid with a different SKU, quantity, amount, currency or buyer.");
            case PlaceOutcome.Created:
                logger.LogInformation("Order {OrderId} of partner {PartnerId} paid: {Quantity} x {Sku} (webhook {WebhookId})",
                    order.OrderId, partnerId, order.Quantity, order.Sku, webhookId);
                await fulfilment.RequestAsync(partnerId, order.OrderId, cancellationToken);
                return Results.Json(new PaymentAccepted(order.OrderId, order.State, Duplicate: false), statusCode: StatusCodes.Status201Created);
            default:
                // A still-paid order may be a retry after a crash between writing it and queueing it: queue it
                // again. Fulfilment is idempotent, so a duplicate racing the first delivery costs one no-op message.
                if (order.State == OrderState.Paid)
                {
                    await fulfilment.RequestAsync(partnerId, order.OrderId, cancellationToken);
                }

                logger.LogInformation("Order {OrderId} of partner {PartnerId}: duplicate webhook {WebhookId}, order is {State}",
                    order.OrderId, partnerId, webhookId, order.State);
                return Results.Json(new PaymentAccepted(order.OrderId, order.State, Duplicate: true), statusCode: StatusCodes.Status200OK);
        }
    }

    private static IResult? CheckAgainstCatalogue(PaymentNotification notification, Sku sku)
    {
        if (notification.Currency != sku.Currency)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "currency_mismatch",
                $"SKU '{sku.Id}' is sold in {sku.Currency}, not {notification.Currency}.");
        }

        var expected = sku.UnitPrice * notification.Quantity;
        if (notification.Amount != expected)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "amount_mismatch",
                $"Amount {notification.Amount} does not match {notification.Quantity} x {sku.UnitPrice} = {expected} {sku.Currency}.");
        }

        if (sku.Kind is SkuKind.DirectTopUp or SkuKind.Redemption && notification.TargetAccount is null)
        {
            return ApiResults.Error(StatusCodes.Status422UnprocessableEntity, "target_account_required",
                $"A {sku.Kind} needs data.targetAccount (the buyer's account to credit or redeem for).");
        }

        return null;
    }

    private Order NewOrder(string partnerId, string webhookId, PaymentNotification n, Sku sku) => new(
        partnerId, n.OrderId, n.Sku, sku.Kind, n.Quantity, n.Amount, n.Currency, n.BuyerReference, n.TargetAccount, webhookId,
        OrderState.Paid, null, [], clock.GetUtcNow(), null, ETag.All);

    private static IResult SignatureRejection(SignatureFailure failure, int toleranceSeconds) => failure switch
    {
        SignatureFailure.MissingHeaders => ApiResults.Error(StatusCodes.Status401Unauthorized, "missing_signature_headers",
            "webhook-id, webhook-timestamp and webhook-signature headers are required."),
        SignatureFailure.InvalidTimestamp => ApiResults.Error(StatusCodes.Status401Unauthorized, "invalid_timestamp",
            "webhook-timestamp must be whole seconds since the Unix epoch."),
        SignatureFailure.StaleTimestamp => ApiResults.Error(StatusCodes.Status401Unauthorized, "stale_timestamp",
            $"webhook-timestamp is more than {toleranceSeconds} seconds away from now."),
        _ => ApiResults.Error(StatusCodes.Status401Unauthorized, "invalid_signature",
            "No v1 signature in webhook-signature matches an active secret of this partner."),
    };

    private sealed record PaymentAccepted(string OrderId, string State, bool Duplicate);
}
