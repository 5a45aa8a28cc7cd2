using Fulfilment.Contract;
using Fulfilment.Http;
using Fulfilment.Orders;
using Fulfilment.Payments;

namespace Fulfilment.Functions.StripeWebhook;

/// <summary>
/// Stripe's way: any 2xx is success and stops its retries; anything else is retried (for up to three days). 200 for a
/// paid order (new or duplicate) and for an event that needs nothing; 401 for a signature that does not verify, 400 for a
/// verified body that is not a usable event; 409 or 422 for a payment that pays no order (an unknown reference, an amount that is
/// not the order's), 413 too large. Bodies are the API's own, so the Stripe dashboard shows why.
/// </summary>
internal sealed class StripeAnswers : IPaymentNotificationAnswers
{
    public IResult Accepted(Order order, bool duplicate) => Results.Json(new PaymentAccepted(order.OrderId, order.State, duplicate));

    public IResult Ignored(string what) => Results.Json(new NotificationAcknowledged(true, what));

    public IResult Refused(PaymentRefusal refusal) =>
        ApiResults.Error(refusal.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, refusal.Code, refusal.Message);

    public IResult Unverified(NotificationRejection rejection) => ApiResults.Error(StatusCodes.Status401Unauthorized, rejection.Code, rejection.Message);

    public IResult Invalid(NotificationRejection rejection) =>
        ApiResults.Error(StatusCodes.Status400BadRequest, rejection.Code, rejection.Message, rejection.Problems);

    public IResult TooLarge(int maxBytes) =>
        ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {maxBytes} bytes.");
}
