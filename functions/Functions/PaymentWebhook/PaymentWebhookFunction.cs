using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Payments;

namespace Fulfilment.Functions.PaymentWebhook;

/// <summary>
/// POST /api/webhooks/{partnerId}/payments — a partner's notice that an order is paid, signed in the Standard Webhooks
/// format with one of its webhook secrets. Verified before anything is read; answered 2xx only once the order is
/// written and its fulfilment queued.
/// </summary>
internal sealed class PaymentWebhookFunction(PaymentNotificationIntake intake, StandardWebhooksFormat format) : IHttpFunction
{
    private static readonly StandardWebhooksAnswers Answers = new();

    public string Name => "PaymentWebhook";

    public Task<IResult> HandleAsync(HttpContext context) => intake.HandleAsync(context, format, Answers);
}
