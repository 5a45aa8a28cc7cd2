using Fulfilment.Orders;
using Fulfilment.Partners;
using Fulfilment.Webhooks;
using Microsoft.Extensions.Options;

namespace Fulfilment.Payments;

/// <summary>
/// The provider-neutral format (<c>POST /api/webhooks/{partnerId}/payments</c>): a Standard Webhooks v1 signature under
/// one of the partner's active webhook secrets, then the body read strictly (<see cref="PaymentNotification.Parse"/>).
/// </summary>
internal sealed class StandardWebhooksFormat(IOptions<WebhookOptions> options) : IPaymentNotificationFormat
{
    public string Route => "payments";

    public int MaxBodyBytes => WebhookOptions.MaxBodyBytes;

    public NotificationReading Read(Partner? partner, NotificationRequest request, DateTimeOffset now)
    {
        var webhookId = request.Header(StandardWebhook.IdHeader);
        var tolerance = options.Value.ToleranceSeconds;
        var failure = StandardWebhook.Verify(
            partner?.ActiveSecrets(now).Select(s => s.Value) ?? [],
            webhookId,
            request.Header(StandardWebhook.TimestampHeader),
            request.Header(StandardWebhook.SignatureHeader),
            request.Body,
            now,
            TimeSpan.FromSeconds(tolerance),
            out var verifiedBy);
        if (failure != SignatureFailure.None || verifiedBy is null || partner?.Secrets.FirstOrDefault(s => s.Value == verifiedBy) is not { } secret)
        {
            return NotificationReading.Unverified(SignatureRejection(failure, tolerance));
        }

        var (notification, problems) = PaymentNotification.Parse(request.Body);
        return notification is null
            ? NotificationReading.Invalid(secret.Id, new NotificationRejection("invalid_payload", "The payment notification is not valid.", problems))
            : NotificationReading.Verified(webhookId, notification, secret.Id);
    }

    private static NotificationRejection SignatureRejection(SignatureFailure failure, int toleranceSeconds) => failure switch
    {
        SignatureFailure.MissingHeaders => new("missing_signature_headers",
            "webhook-id, webhook-timestamp and webhook-signature headers are required."),
        SignatureFailure.InvalidTimestamp => new("invalid_timestamp",
            "webhook-timestamp must be whole seconds since the Unix epoch."),
        SignatureFailure.StaleTimestamp => new("stale_timestamp",
            $"webhook-timestamp is more than {toleranceSeconds} seconds away from now."),
        _ => new("invalid_signature",
            "No v1 signature in webhook-signature matches an active secret of this partner."),
    };
}
