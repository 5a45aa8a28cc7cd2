using Fulfilment.Orders;

namespace Fulfilment.Payments;

/// <summary>
/// What reading a notification gave: a verified paid order, with the sender's id for this notification; a verified
/// notification that is not a valid paid order; or one that could not be verified. Exactly one of
/// <see cref="Notification"/> and <see cref="Rejection"/>; <see cref="Credential"/> whenever it was verified.
/// </summary>
internal sealed record NotificationReading
{
    private NotificationReading(string? notificationId, PaymentNotification? notification, string? credential, NotificationRejection? rejection) =>
        (NotificationId, Notification, Credential, Rejection) = (notificationId, notification, credential, rejection);

    /// <summary>The sender's id of this notification (kept on the order; the same id again is the same notification).</summary>
    public string? NotificationId { get; }

    public PaymentNotification? Notification { get; }

    /// <summary>The partner credential that verified the notification (its use is recorded); null when it was not verified.</summary>
    public string? Credential { get; }

    public NotificationRejection? Rejection { get; }

    public static NotificationReading Verified(string notificationId, PaymentNotification notification, string credential) =>
        new(notificationId, notification, credential, null);

    /// <summary>Verified by <paramref name="credential"/>, but not a valid paid order.</summary>
    public static NotificationReading Invalid(string credential, NotificationRejection rejection) => new(null, null, credential, rejection);

    public static NotificationReading Unverified(NotificationRejection rejection) => new(null, null, null, rejection);
}
