using Fulfilment.Hosting;
using Fulfilment.Http;
using Fulfilment.Payments;

namespace Fulfilment.Functions.StripeWebhook;

/// <summary>
/// POST /api/webhooks/{partnerId}/stripe — Stripe's own webhook events for the partner's Stripe account: verified with
/// the partner's Stripe endpoint secrets before anything is read; answered 2xx only once a paid order is written and its
/// fulfilment queued (or the event needs nothing), so Stripe retries everything else.
/// </summary>
internal sealed class StripeWebhookFunction(PaymentNotificationIntake intake, StripeFormat format) : IHttpFunction
{
    private static readonly StripeAnswers Answers = new();

    public string Name => "StripeWebhook";

    public Task<IResult> HandleAsync(HttpContext context) => intake.HandleAsync(context, format, Answers);
}
