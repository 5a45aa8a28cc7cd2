using Fulfilment.Orders;
using Fulfilment.Payments;

namespace Fulfilment.Http;

/// <summary>
/// The failures of a payment notification in the API's own error shape (<c>{"error": {"code", "message", "details"?}}</c>):
/// 409 or 422 a refusal, 401 unverified, 400 invalid, 413 too large. Senders that read our errors (Standard Webhooks,
/// Stripe's dashboard) get these; what differs is how each is told success.
/// </summary>
internal abstract class ApiErrorAnswers : IPaymentNotificationAnswers
{
    public abstract IResult Accepted(Order order, bool duplicate);

    public abstract IResult Ignored(string what);

    public IResult Refused(PaymentRefusal refusal) =>
        ApiResults.Error(refusal.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, refusal.Code, refusal.Message);

    public IResult Unverified(NotificationRejection rejection) =>
        ApiResults.Error(StatusCodes.Status401Unauthorized, rejection.Code, rejection.Message);

    public IResult Invalid(NotificationRejection rejection) =>
        ApiResults.Error(StatusCodes.Status400BadRequest, rejection.Code, rejection.Message, rejection.Problems);

    public IResult TooLarge(int maxBytes) =>
        ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {maxBytes} bytes.");
}
