using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Payments;

namespace Fulfilment.Functions.WeChatPayWebhook;

/// <summary>
/// POST /api/webhooks/{partnerId}/wechatpay — WeChat Pay API v3 notifications for the partner's merchant account (its
/// <c>notify_url</c>): verified with the partner's WeChat Pay public keys, opened with its APIv3 key; answered 204 only once
/// a paid order is written and its fulfilment queued (or the notification needs nothing), so WeChat Pay retries the rest.
/// </summary>
internal sealed class WeChatPayWebhookFunction(PaymentNotificationIntake intake, WeChatPayFormat format) : IHttpFunction
{
    private static readonly WeChatPayAnswers Answers = new();

    public string Name => "WeChatPayWebhook";

    public Task<IResult> HandleAsync(HttpContext context) => intake.HandleAsync(context, format, Answers);
}
