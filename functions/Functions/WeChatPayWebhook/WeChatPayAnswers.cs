using Fulfilment.Contract;
using Fulfilment.Http;
using Fulfilment.Orders;
using Fulfilment.Payments;

namespace Fulfilment.Functions.WeChatPayWebhook;

/// <summary>
/// WeChat Pay's way: success is 200 or 204 with no body needed (204 here); failure is a 4xx or 5xx with
/// <c>{"code": "FAIL", "message"}</c>, and WeChat Pay sends the notification again. The message starts with our stable
/// code (<c>invalid_signature: …</c>) so the merchant platform's logs say why.
/// </summary>
internal sealed class WeChatPayAnswers : IPaymentNotificationAnswers
{
    public IResult Accepted(Order order, bool duplicate) => Results.NoContent();

    public IResult Ignored(string what) => Results.NoContent();

    public IResult Refused(PaymentRefusal refusal) =>
        Fail(refusal.IsConflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, refusal.Code, refusal.Message);

    public IResult Unverified(NotificationRejection rejection) => Fail(StatusCodes.Status401Unauthorized, rejection.Code, rejection.Message);

    public IResult Invalid(NotificationRejection rejection) =>
        Fail(StatusCodes.Status400BadRequest, rejection.Code, rejection.Problems is { Count: > 0 } problems ? $"{rejection.Message} {string.Join("; ", problems)}" : rejection.Message);

    public IResult TooLarge(int maxBytes) => Fail(StatusCodes.Status413PayloadTooLarge, "body_too_large", $"The body must be at most {maxBytes} bytes.");

    private static IResult Fail(int status, string code, string message) =>
        Results.Json(new WeChatPayFailure(WeChatPayFailure.Fail, $"{code}: {message}"), statusCode: status);
}
