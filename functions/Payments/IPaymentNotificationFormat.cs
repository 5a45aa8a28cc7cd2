using Fulfilment.Partners;

namespace Fulfilment.Payments;

/// <summary>
/// How one kind of sender tells us an order is paid: a payment provider's own notification, or the provider-neutral
/// Standard Webhooks format (<see cref="StandardWebhooksFormat"/>). A format verifies a request with the partner's
/// credentials for it and reads it into a paid order; its function (<c>POST /api/webhooks/{partnerId}/{Route}</c>)
/// answers the sender the way that sender expects.
/// </summary>
internal interface IPaymentNotificationFormat
{
    /// <summary>The last segment of the format's route.</summary>
    string Route { get; }

    /// <summary>The largest body the format accepts.</summary>
    int MaxBodyBytes { get; }

    /// <summary>
    /// Verifies the request before reading anything from it, then reads the paid order. A partner that does not exist
    /// (<paramref name="partner"/> null) fails exactly as a wrong signature does. Bad input is a rejection, never an
    /// exception.
    /// </summary>
    NotificationReading Read(Partner? partner, NotificationRequest request, DateTimeOffset now);
}
