using Fulfilment.Orders;

namespace Fulfilment.Payments;

/// <summary>
/// What reading a notification gave, once verified: a paid order in full (<see cref="Notification"/>, the
/// Standard Webhooks format), a provider's payment of an opened order named by its payment reference
/// (<see cref="Payment"/>), a refund or dispute of a payment (<see cref="Reversal"/>), an event we take no action on (<see cref="Ignored"/>: acknowledged, so the provider stops
/// sending it), or a notification that is not valid (<see cref="Rejection"/>). Or, not verified, only the rejection.
/// <see cref="Credential"/> is set exactly when it was verified.
/// </summary>
internal sealed record NotificationReading
{
    private NotificationReading(string? credential, NotificationRejection? rejection) => (Credential, Rejection) = (credential, rejection);

    /// <summary>The sender's id of this notification (kept on the order; the same id again is the same notification).</summary>
    public string? NotificationId { get; private init; }

    public PaymentNotification? Notification { get; private init; }

    public ProviderPayment? Payment { get; private init; }

    /// <summary>A refund or dispute of a payment: the money went back to the buyer.</summary>
    public PaymentReversal? Reversal { get; private init; }

    /// <summary>Verified, but about nothing we act on (another event type, a session not paid yet): what it was.</summary>
    public string? Ignored { get; private init; }

    /// <summary>The id of the partner credential that verified the notification (its use is recorded); null when it was not verified.</summary>
    public string? Credential { get; }

    public NotificationRejection? Rejection { get; }

    public static NotificationReading Verified(string notificationId, PaymentNotification notification, string credential) =>
        new(credential, null) { NotificationId = notificationId, Notification = notification };

    public static NotificationReading Paid(ProviderPayment payment, string credential) =>
        new(credential, null) { NotificationId = payment.NotificationId, Payment = payment };

    public static NotificationReading Reversed(PaymentReversal reversal, string credential) =>
        new(credential, null) { NotificationId = reversal.NotificationId, Reversal = reversal };

    public static NotificationReading Ignoring(string what, string credential) => new(credential, null) { Ignored = what };

    /// <summary>Verified by <paramref name="credential"/>, but not a valid notification.</summary>
    public static NotificationReading Invalid(string credential, NotificationRejection rejection) => new(credential, rejection);

    public static NotificationReading Unverified(NotificationRejection rejection) => new(null, rejection);
}
