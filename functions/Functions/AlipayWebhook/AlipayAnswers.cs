using Fulfilment.Http;
using Fulfilment.Orders;
using Fulfilment.Payments;

namespace Fulfilment.Functions.AlipayWebhook;

/// <summary>
/// Alipay's way: the plain text <c>success</c> stops its retries; anything else makes it send the notification again.
/// So <c>success</c> only once the order is durable (or the notification needs nothing), and every failure is
/// <c>fail</c> followed by our stable code, with the status code the API would give.
/// </summary>
internal sealed class AlipayAnswers : IPaymentNotificationAnswers
{
    public const string Success = "success";

    public IResult Accepted(Order order, bool duplicate) => Results.Text(Success, "text/plain");

    public IResult Ignored(string what) => Results.Text(Success, "text/plain");

    public IResult Refused(PaymentRefusal refusal) => Fail(refusal.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, refusal.Code);

    public IResult Unverified(NotificationRejection rejection) => Fail(StatusCodes.Status401Unauthorized, rejection.Code);

    public IResult Invalid(NotificationRejection rejection) => Fail(StatusCodes.Status400BadRequest, rejection.Code);

    public IResult TooLarge(int maxBytes) => Fail(StatusCodes.Status413PayloadTooLarge, "body_too_large");

    private static IResult Fail(int status, string code) => Results.Text($"fail {code}", "text/plain", statusCode: status);
}
