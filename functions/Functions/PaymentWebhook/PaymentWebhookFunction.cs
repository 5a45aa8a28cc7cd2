using Fulfilment.Hosting;
using Fulfilment.Orders;

namespace Fulfilment.Functions.PaymentWebhook;

/// <summary>POST /api/webhooks/{partnerId}/payments — a partner's signed notice that an order is paid.</summary>
internal sealed class PaymentWebhookFunction(PaymentAcceptance acceptance) : IHttpFunction
{
    public string Name => "PaymentWebhook";

    public Task<IResult> HandleAsync(HttpContext context) =>
        acceptance.AcceptAsync((string)context.GetRouteValue("partnerId")!, context.Request);
}
