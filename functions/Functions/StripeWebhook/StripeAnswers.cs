using Fulfilment.Contract;
using Fulfilment.Http;
using Fulfilment.Orders;

namespace Fulfilment.Functions.StripeWebhook;

/// <summary>
/// Stripe's way: any 2xx is success and stops its retries; anything else is retried (for up to three days). 200 for a
/// paid order (new or duplicate) and for an event that needs nothing; failures as <see cref="ApiErrorAnswers"/>, so the
/// Stripe dashboard shows why.
/// </summary>
internal sealed class StripeAnswers : ApiErrorAnswers
{
    public override IResult Accepted(Order order, bool duplicate) => Results.Json(new PaymentAccepted(order.OrderId, order.State, duplicate));

    public override IResult Ignored(string what) => Results.Json(new NotificationAcknowledged(true, what));
}
