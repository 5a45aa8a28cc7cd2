using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Payments;

namespace Fulfilment.Functions.AlipayWebhook;

/// <summary>
/// POST /api/webhooks/{partnerId}/alipay — Alipay's asynchronous notifications for the partner's application (its
/// <c>notify_url</c>): verified with the partner's Alipay public keys before anything is read; answered <c>success</c> only
/// once a paid order is written and its fulfilment queued (or the notification needs nothing), so Alipay retries the rest.
/// </summary>
internal sealed class AlipayWebhookFunction(PaymentNotificationIntake intake, AlipayFormat format) : IHttpFunction
{
    private static readonly AlipayAnswers Answers = new();

    public string Name => "AlipayWebhook";

    public Task<IResult> HandleAsync(HttpContext context) => intake.HandleAsync(context, format, Answers);
}
