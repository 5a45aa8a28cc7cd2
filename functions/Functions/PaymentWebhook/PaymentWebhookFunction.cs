using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Orders;
using Fulfilment.Partners;
using Fulfilment.Webhooks;
using Microsoft.Extensions.Options;

namespace Fulfilment.Functions.PaymentWebhook;

/// <summary>
/// POST /api/webhooks/{partnerId}/payments — a partner's notice that an order is paid, signed in the Standard Webhooks
/// format with one of its webhook secrets. Verified before anything is read; answered 2xx only once the order is
/// written and its fulfilment queued.
/// </summary>
internal sealed class PaymentWebhookFunction(
    PartnerDirectory partners, PaymentAcceptance acceptance, PartnerRateLimit rateLimit, IOptions<WebhookOptions> options, TimeProvider clock,
    ILogger<PaymentWebhookFunction> logger) : IHttpFunction
{
    public string Name => "PaymentWebhook";

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var partnerId = (string)context.GetRouteValue("partnerId")!;
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        var body = await ApiResults.ReadBodyAsync(request, WebhookOptions.MaxBodyBytes);
        if (body is null)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {WebhookOptions.MaxBodyBytes} bytes.");
        }

        // A source whose webhooks keep failing verification is not even looked up for a partner this instance does not
        // know; a partner's correctly signed webhooks are never limited by source (a flash sale comes from one backend).
        if (!partners.IsKnown(partnerId) && rateLimit.IsSourceSpent(context) is { } spent)
        {
            return spent;
        }

        // An unknown partner fails exactly as a wrong signature does: partner ids cannot be enumerated.
        var partner = PartnerId.IsValid(partnerId) ? await partners.FindAsync(partnerId, cancellationToken) : null;
        var webhookId = request.Headers[StandardWebhook.IdHeader].ToString();
        var now = clock.GetUtcNow();
        var failure = StandardWebhook.Verify(
            partner?.ActiveSecrets(now).Select(s => s.Value) ?? [],
            webhookId,
            request.Headers[StandardWebhook.TimestampHeader].ToString(),
            request.Headers[StandardWebhook.SignatureHeader].ToString(),
            body,
            now,
            TimeSpan.FromSeconds(options.Value.ToleranceSeconds),
            out var verifiedBy);
        if (failure != SignatureFailure.None || partner is null)
        {
            if (rateLimit.ThrottleSource(context) is { } throttled)
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

        var result = await acceptance.AcceptAsync(partnerId, webhookId, notification, cancellationToken);
        if (result.Refusal is { } refusal)
        {
            return ApiResults.Error(refusal.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, refusal.Code, refusal.Message);
        }

        var order = result.Order!; // accepted: the result holds its order
        return Results.Json(new PaymentAccepted(order.OrderId, order.State, result.Duplicate),
            statusCode: result.Duplicate ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

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
