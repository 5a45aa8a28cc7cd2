using Fulfilment.Contract;
using Fulfilment.Http;
using Fulfilment.Orders;
using Fulfilment.Payments;

namespace Fulfilment.Functions.PaymentWebhook;

/// <summary>The API's own answers: 201 a new order, 200 a duplicate, 409 or 422 a refusal, 401 unverified, 400 invalid, 413 too large.</summary>
internal sealed class StandardWebhooksAnswers : IPaymentNotificationAnswers
{
    public IResult Accepted(Order order, bool duplicate) =>
        Results.Json(new PaymentAccepted(order.OrderId, order.State, duplicate), statusCode: duplicate ? StatusCodes.Status200OK : StatusCodes.Status201Created);

    /// <summary>Never asked: the Standard Webhooks format reads every verified notification as a payment or as invalid.</summary>
    public IResult Ignored(string what) => throw new InvalidOperationException($"A Standard Webhooks notification is never ignored ({what}).");

    public IResult Refused(PaymentRefusal refusal) =>
        ApiResults.Error(refusal.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, refusal.Code, refusal.Message);

    public IResult Unverified(NotificationRejection rejection) =>
        ApiResults.Error(StatusCodes.Status401Unauthorized, rejection.Code, rejection.Message);

    public IResult Invalid(NotificationRejection rejection) =>
        ApiResults.Error(StatusCodes.Status400BadRequest, rejection.Code, rejection.Message, rejection.Problems);

    public IResult TooLarge(int maxBytes) =>
        ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {maxBytes} bytes.");
}
