using Fulfilment.Orders;

namespace Fulfilment.Payments;

/// <summary>
/// What reading a notification gave: a verified paid order, with the sender's id for this notification and the
/// credential that verified it; or a rejection. Exactly one of <see cref="Notification"/> and <see cref="Rejection"/>.
/// </summary>
internal sealed record NotificationReading
{
    private NotificationReading(string? notificationId, PaymentNotification? notification, string? credential, NotificationRejection? rejection) =>
        (NotificationId, Notification, Credential, Rejection) = (notificationId, notification, credential, rejection);

    /// <summary>The sender's id of this notification (kept on the order; the same id again is the same notification).</summary>
    public string? NotificationId { get; }

    public PaymentNotification? Notification { get; }

    /// <summary>The partner credential that verified the notification (its use is recorded).</summary>
    public string? Credential { get; }

    public NotificationRejection? Rejection { get; }

    public static NotificationReading Verified(string notificationId, PaymentNotification notification, string credential) =>
        new(notificationId, notification, credential, null);

    public static NotificationReading Rejected(NotificationRejection rejection) => new(null, null, null, rejection);
}
