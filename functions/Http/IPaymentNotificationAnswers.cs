using Fulfilment.Orders;
using Fulfilment.Payments;

namespace Fulfilment.Http;

/// <summary>How a payment notification's sender is answered, in the way that sender expects (its status codes and body).</summary>
internal interface IPaymentNotificationAnswers
{
    /// <summary>The order is written and its fulfilment queued (or it was, by an earlier delivery: <paramref name="duplicate"/>).</summary>
    IResult Accepted(Order order, bool duplicate);

    /// <summary>Verified, and about nothing we act on (another event type, a payment not completed yet): acknowledged, so it is not sent again.</summary>
    IResult Ignored(string what);

    /// <summary>Verified, but it makes no order: another order's content under its id, or an acceptance rule refused it.</summary>
    IResult Refused(PaymentRefusal refusal);

    /// <summary>Not verified: a missing or wrong signature, a stale timestamp, an unknown partner.</summary>
    IResult Unverified(NotificationRejection rejection);

    /// <summary>Verified, but not a valid paid order.</summary>
    IResult Invalid(NotificationRejection rejection);

    /// <summary>The body is larger than the format accepts.</summary>
    IResult TooLarge(int maxBytes);
}
